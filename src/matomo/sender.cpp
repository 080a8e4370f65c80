#include "ferry/matomo/sender.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "ferry/base/interrupt.h"

namespace ferry::matomo {
namespace {

constexpr std::chrono::milliseconds kPoll{100};  // how often waits look at must_abandon()

Failure abandoned() {
  return Failure::interrupted("matomo: sending hits abandoned: " + stop_reason());
}

// `failure` naming the batch it belongs to.
Failure about_batch(const Failure& failure, size_t hits, uint64_t first_line, int tries) {
  return {failure.kind, failure.message + " (batch of " + std::to_string(hits) +
                            " hits from line " + std::to_string(first_line) + ", " +
                            std::to_string(tries) + (tries == 1 ? " try)" : " tries)")};
}

}  // namespace

int Sender::recorder_of(std::string_view ip, int recorders) {
  uint64_t h = 14695981039346656037ull;  // FNV-1a, 64 bits
  for (unsigned char c : ip) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return static_cast<int>(h % static_cast<uint64_t>(std::max(1, recorders)));
}

Sender::Sender(SendFunction send, SenderOptions options,
               std::function<void(const WaveCommit&)> on_progress)
    : send_(std::move(send)), options_(options), on_progress_(std::move(on_progress)) {
  options_.recorders = std::max(1, options_.recorders);
  options_.batch_size = std::max(1, options_.batch_size);
  options_.max_attempts = std::max(1, options_.max_attempts);
  filling_.resize(static_cast<size_t>(options_.recorders));
  queues_.resize(static_cast<size_t>(options_.recorders));
  threads_.reserve(static_cast<size_t>(options_.recorders));
  for (int i = 0; i < options_.recorders; ++i)
    threads_.emplace_back([this, i] { run_recorder(i); });
}

Sender::~Sender() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  for (auto& t : threads_) t.join();
}

Status Sender::add(std::string_view ip, std::string_view hit, uint64_t line) {
  if (has_failure_.load(std::memory_order_acquire) || must_abandon()) {
    std::unique_lock<std::mutex> lock(mu_);
    return stop_status(lock);
  }
  Batch& batch = filling_[static_cast<size_t>(recorder_of(ip, options_.recorders))];
  if (batch.ends.empty()) batch.first_line = line;
  batch.text.append(hit);
  batch.ends.push_back(batch.text.size());
  last_line_ = std::max(last_line_, line);
  if (batch.ends.size() >= static_cast<size_t>(options_.batch_size)) return send_wave();
  return Status::ok();
}

void Sender::pass(uint64_t line) {
  last_line_ = std::max(last_line_, line);
}

Status Sender::flush() {
  bool buffered =
      std::any_of(filling_.begin(), filling_.end(), [](const Batch& b) { return !b.ends.empty(); });
  if (buffered) {
    Status s = send_wave();
    if (!s) return s;
  }
  std::unique_lock<std::mutex> lock(mu_);
  wait_caller(lock, [&] { return waves_.empty(); });
  if (failure_ || must_abandon()) return stop_status(lock);
  confirmed_line_ = std::max(confirmed_line_, last_line_);
  WaveCommit commit = take_commit_locked();
  lock.unlock();
  on_progress_(commit);
  return Status::ok();
}

Status Sender::send_wave() {
  std::unique_lock<std::mutex> lock(mu_);
  wait_caller(lock, [&] { return waves_.size() < 2; });
  if (failure_ || must_abandon()) return stop_status(lock);
  Wave wave;
  for (const Batch& b : filling_) {
    if (b.ends.empty()) continue;
    ++wave.pending;
    wave.hits += static_cast<int64_t>(b.ends.size());
  }
  wave.last_line = last_line_;
  uint64_t id = first_wave_ + waves_.size();
  waves_.push_back(wave);
  WaveCommit commit = take_commit_locked();
  lock.unlock();
  on_progress_(commit);
  lock.lock();
  if (failure_ || must_abandon()) return stop_status(lock);
  for (size_t r = 0; r < filling_.size(); ++r) {
    if (filling_[r].ends.empty()) continue;
    filling_[r].wave = id;
    queues_[r].push_back(std::move(filling_[r]));
    filling_[r] = Batch{};
  }
  lock.unlock();
  work_cv_.notify_all();
  return Status::ok();
}

void Sender::wait_caller(std::unique_lock<std::mutex>& lock, const std::function<bool()>& done) {
  while (!done() && !failure_ && !must_abandon()) done_cv_.wait_for(lock, kPoll);
}

Status Sender::stop_status(std::unique_lock<std::mutex>& lock) {
  if (!failure_) {
    failure_ = abandoned();
    has_failure_.store(true, std::memory_order_release);
    work_cv_.notify_all();
  }
  if (!failure_reported_) {
    failure_reported_ = true;
    if (!failure_->is_interrupted()) {
      // What was confirmed before the failure is still worth a checkpoint.
      WaveCommit commit = take_commit_locked();
      lock.unlock();
      on_progress_(commit);
      lock.lock();
    }
  }
  return *failure_;
}

WaveCommit Sender::take_commit_locked() {
  WaveCommit commit = pending_;
  pending_ = WaveCommit{};
  commit.confirmed_line = confirmed_line_;
  commit.in_flight_hits = 0;
  for (const Wave& w : waves_) commit.in_flight_hits += w.hits;
  return commit;
}

void Sender::confirm_locked(const Batch& batch, const BulkReply& reply) {
  Wave& wave = waves_[static_cast<size_t>(batch.wave - first_wave_)];
  --wave.pending;
  wave.tracked += reply.tracked;
  wave.invalid += reply.invalid;
  wave.shortfall += reply.shortfall;
  while (!waves_.empty() && waves_.front().pending == 0) {
    const Wave& done = waves_.front();
    pending_.hits_confirmed += done.hits;
    pending_.tracked += done.tracked;
    pending_.invalid += done.invalid;
    pending_.shortfall += done.shortfall;
    confirmed_line_ = done.last_line;
    waves_.pop_front();
    ++first_wave_;
  }
}

void Sender::run_recorder(int index) {
  std::deque<Batch>& queue = queues_[static_cast<size_t>(index)];
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    work_cv_.wait(lock, [&] { return stopping_ || (!queue.empty() && !failure_); });
    if (stopping_) return;
    Batch batch = std::move(queue.front());
    queue.pop_front();
    lock.unlock();
    Result<BulkReply> reply = send_with_retries(batch);
    lock.lock();
    if (reply) {
      confirm_locked(batch, *reply);
    } else if (!failure_) {
      failure_ = reply.failure();
      has_failure_.store(true, std::memory_order_release);
      work_cv_.notify_all();  // other recorders stop waiting to retry
    }
    done_cv_.notify_all();
  }
}

Result<BulkReply> Sender::call_send(const std::vector<std::string_view>& hits) {
  try {
    return send_(hits);
  } catch (const OperationError& e) {
    return e.failure();
  } catch (const std::exception& e) {
    return Failure::permanent(std::string("matomo: bulk request failed: ") + e.what());
  }
}

Result<BulkReply> Sender::send_with_retries(const Batch& batch) {
  std::vector<std::string_view> hits;
  hits.reserve(batch.ends.size());
  size_t begin = 0;
  for (size_t end : batch.ends) {
    hits.emplace_back(batch.text.data() + begin, end - begin);
    begin = end;
  }
  for (int attempt = 1;; ++attempt) {
    if (must_abandon()) return abandoned();
    Result<BulkReply> reply = call_send(hits);
    if (reply) return reply;
    Failure f = about_batch(reply.failure(), hits.size(), batch.first_line, attempt);
    if (!f.is_transient() || attempt >= options_.max_attempts) return f;
    spdlog::warn("{}; retrying in {} ms", f.message, options_.retry_delay.count());
    auto until = std::chrono::steady_clock::now() + options_.retry_delay;
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_ && !failure_ && !must_abandon() && std::chrono::steady_clock::now() < until)
      work_cv_.wait_until(lock, std::min(until, std::chrono::steady_clock::now() + kPoll));
    if (stopping_ || failure_) return f;  // the sender is done: this batch stays unconfirmed
  }
}

}  // namespace ferry::matomo
