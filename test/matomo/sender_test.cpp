#include "ferry/matomo/sender.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "ferry/base/interrupt.h"
#include "support/process.h"

namespace ferry::matomo {
namespace {

using namespace std::chrono_literals;
using Hits = std::vector<std::string>;

std::string hit(const std::string& ip, uint64_t line) {
  return ip + "#" + std::to_string(line);
}
uint64_t line_of(const std::string& h) {
  return std::stoull(h.substr(h.find('#') + 1));
}
std::string ip_of(const std::string& h) {
  return h.substr(0, h.find('#'));
}

// A scripted Matomo: records every call (thread, hits), holds calls its gate refuses, answers
// with `reply` (success for every hit by default) and remembers the lines it confirmed.
class FakeMatomo {
 public:
  struct Call {
    std::thread::id thread;
    Hits hits;
  };
  std::function<bool(const Hits&)> gate;  // may the call go on? (checked under the lock)
  std::function<Result<BulkReply>(size_t call, const Hits&)> reply;

  SendFunction send_function() {
    return [this](const std::vector<std::string_view>& views) { return send(views); };
  }
  // Lets every held call go on.
  void open() {
    std::lock_guard<std::mutex> lock(mu_);
    gate = nullptr;
    cv_.notify_all();
  }
  void regate(std::function<bool(const Hits&)> g) {
    std::lock_guard<std::mutex> lock(mu_);
    gate = std::move(g);
    cv_.notify_all();
  }
  std::vector<Call> calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  bool answered(uint64_t line) {
    std::lock_guard<std::mutex> lock(mu_);
    return answered_.count(line) > 0;
  }

 private:
  Result<BulkReply> send(const std::vector<std::string_view>& views) {
    Hits hits(views.begin(), views.end());
    std::unique_lock<std::mutex> lock(mu_);
    size_t n = calls_.size();
    calls_.push_back({std::this_thread::get_id(), hits});
    cv_.wait(lock, [&] { return !gate || gate(hits); });
    lock.unlock();
    std::this_thread::yield();
    Result<BulkReply> r = BulkReply{};
    if (reply) {
      r = reply(n, hits);
    } else {
      r->tracked = r->sent = static_cast<int64_t>(hits.size());
    }
    lock.lock();
    if (r)
      for (const auto& h : hits) answered_.insert(line_of(h));
    return r;
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Call> calls_;
  std::set<uint64_t> answered_;
};

// Records every WaveCommit and checks the invariants a caller relies on, each time.
struct Progress {
  Progress(FakeMatomo& f, int64_t max) : fake(f), max_in_flight(max) {}
  FakeMatomo& fake;
  int64_t max_in_flight;
  size_t checked = 0;  // hit_lines[0, checked) were found answered
  int64_t added = 0;   // hits given to add(), kept by the test on the caller's thread
  std::vector<uint64_t> hit_lines;
  std::mutex mu;
  std::vector<WaveCommit> commits;
  int64_t confirmed = 0;

  std::function<void(const WaveCommit&)> callback() {
    return [this](const WaveCommit& c) {
      confirmed += c.hits_confirmed;
      EXPECT_LE(c.in_flight_hits, max_in_flight);
      // Every hit is confirmed, in flight, or still buffered (none right before a wave).
      EXPECT_LE(confirmed + c.in_flight_hits, added);
      for (; checked < hit_lines.size() && hit_lines[checked] <= c.confirmed_line; ++checked)
        EXPECT_TRUE(fake.answered(hit_lines[checked])) << "line " << hit_lines[checked];
      std::lock_guard<std::mutex> lock(mu);
      commits.push_back(c);
    };
  }
  size_t size() {
    std::lock_guard<std::mutex> lock(mu);
    return commits.size();
  }
  WaveCommit at(size_t i) {
    std::lock_guard<std::mutex> lock(mu);
    return commits.at(i);
  }
};

SenderOptions opts(int recorders, int batch, int attempts = 3,
                   std::chrono::milliseconds delay = 1ms) {
  SenderOptions o;
  o.recorders = recorders;
  o.batch_size = batch;
  o.max_attempts = attempts;
  o.retry_delay = delay;
  return o;
}

Status add(Sender& s, Progress& p, const std::string& ip, uint64_t line) {
  ++p.added;
  p.hit_lines.push_back(line);
  return s.add(ip, hit(ip, line), line);
}

// Two IPs that go to different recorders out of 2.
std::pair<std::string, std::string> two_recorders() {
  std::string a = "10.0.0.1", b;
  for (int i = 2; b.empty(); ++i) {
    std::string ip = "10.0.0." + std::to_string(i);
    if (Sender::recorder_of(ip, 2) != Sender::recorder_of(a, 2)) b = ip;
  }
  return {a, b};
}

TEST(MatomoSender, RecorderOfIsAStableHash) {
  EXPECT_EQ(Sender::recorder_of("203.0.113.5", 4), 2);
  EXPECT_EQ(Sender::recorder_of("2001:db8::1", 4), 3);
  EXPECT_EQ(Sender::recorder_of("10.0.0.2", 4), 0);
  EXPECT_EQ(Sender::recorder_of("10.0.0.2", 1), 0);
}

TEST(MatomoSender, SameIpSameRecorderInLogOrderEveryHitOnce) {
  FakeMatomo fake;
  Progress p{fake, 2 * 4 * 5};
  std::multiset<std::string> expected;
  {
    Sender sender(fake.send_function(), opts(4, 5), p.callback());
    for (uint64_t line = 1; line <= 2000; ++line) {
      std::string ip = "192.0.2." + std::to_string(line * 7 % 40);
      expected.insert(hit(ip, line));
      ASSERT_TRUE(add(sender, p, ip, line));
    }
    ASSERT_TRUE(sender.flush());
  }
  std::multiset<std::string> sent;
  std::map<std::string, std::thread::id> thread_of;
  std::map<std::string, uint64_t> last_line;
  for (const auto& call : fake.calls()) {
    EXPECT_LE(call.hits.size(), 5u);
    for (const auto& h : call.hits) {
      sent.insert(h);
      std::string ip = ip_of(h);
      if (thread_of.count(ip)) {
        EXPECT_EQ(thread_of[ip], call.thread) << ip;
      }
      thread_of[ip] = call.thread;
      EXPECT_GT(line_of(h), last_line[ip]) << h;
      last_line[ip] = line_of(h);
    }
  }
  EXPECT_EQ(sent, expected);
  ASSERT_GT(p.size(), 1u);
  WaveCommit last = p.at(p.size() - 1);
  EXPECT_EQ(last.confirmed_line, 2000u);
  EXPECT_EQ(last.in_flight_hits, 0);
  EXPECT_EQ(p.confirmed, 2000);
}

TEST(MatomoSender, AtMostTwoWavesAndTheWholeWaveConfirmsTheLine) {
  auto [a, b] = two_recorders();
  FakeMatomo fake;
  fake.gate = [](const Hits&) { return false; };  // hold everything
  Progress p{fake, 2 * 2 * 2};
  Sender sender(fake.send_function(), opts(2, 2), p.callback());
  std::thread caller([&, a = a, b = b] {
    // wave 0: a{1,3} b{2}; wave 1: b{4,5}; wave 2: a{6,7}; then lines to 9 passed.
    EXPECT_TRUE(add(sender, p, a, 1));
    EXPECT_TRUE(add(sender, p, b, 2));
    EXPECT_TRUE(add(sender, p, a, 3));
    EXPECT_TRUE(add(sender, p, b, 4));
    EXPECT_TRUE(add(sender, p, b, 5));
    EXPECT_TRUE(add(sender, p, a, 6));
    EXPECT_TRUE(add(sender, p, a, 7));
    sender.pass(9);
    EXPECT_TRUE(sender.flush());
  });
  ASSERT_TRUE(testing::wait_until([&] { return p.size() == 2 && fake.calls().size() == 2; }, 30s));
  WaveCommit c0 = p.at(0), c1 = p.at(1);
  EXPECT_EQ(c0.confirmed_line, 0u);
  EXPECT_EQ(c0.in_flight_hits, 3);
  EXPECT_EQ(c1.in_flight_hits, 5);
  EXPECT_EQ(c1.hits_confirmed, 0);
  // b's recorder answers waves 0 and 1; a's batch of wave 0 is still held: nothing confirmed.
  fake.regate([&, a = a](const Hits& h) { return ip_of(h[0]) != a; });
  ASSERT_TRUE(testing::wait_until([&] { return fake.answered(5); }, 30s));
  EXPECT_EQ(p.size(), 2u);  // wave 2 waits: waves 0 and 1 are not both confirmed
  fake.open();
  caller.join();
  ASSERT_EQ(p.size(), 4u);
  WaveCommit c2 = p.at(2), c3 = p.at(3);
  EXPECT_EQ(c2.confirmed_line, 5u);
  EXPECT_EQ(c2.hits_confirmed, 5);
  EXPECT_EQ(c2.tracked, 5);
  EXPECT_EQ(c2.in_flight_hits, 2);
  EXPECT_EQ(c3.confirmed_line, 9u);
  EXPECT_EQ(c3.hits_confirmed, 2);
  EXPECT_EQ(c3.in_flight_hits, 0);
}

TEST(MatomoSender, TransientFailuresAreRetriedAndShortfallsCounted) {
  FakeMatomo fake;
  fake.reply = [](size_t call, const Hits& hits) -> Result<BulkReply> {
    if (call < 2) return Failure::transient("matomo: HTTP 500");
    BulkReply r;
    r.sent = static_cast<int64_t>(hits.size());
    r.tracked = 1;
    r.shortfall = r.sent - 1;
    return r;
  };
  Progress p{fake, 2};
  Sender sender(fake.send_function(), opts(1, 2), p.callback());
  ASSERT_TRUE(add(sender, p, "1.2.3.4", 1));
  ASSERT_TRUE(add(sender, p, "1.2.3.4", 2));
  ASSERT_TRUE(sender.flush());
  EXPECT_EQ(fake.calls().size(), 3u);
  WaveCommit last = p.at(p.size() - 1);
  EXPECT_EQ(last.hits_confirmed, 2);
  EXPECT_EQ(last.tracked, 1);
  EXPECT_EQ(last.shortfall, 1);
  EXPECT_EQ(last.confirmed_line, 2u);
}

TEST(MatomoSender, ABatchFailingEveryTryFailsTheSenderNamingItsFirstLine) {
  FakeMatomo fake;
  fake.reply = [](size_t, const Hits& hits) -> Result<BulkReply> {
    if (line_of(hits[0]) >= 11) return Failure::transient("matomo: HTTP 503");
    BulkReply r;
    r.sent = r.tracked = static_cast<int64_t>(hits.size());
    return r;
  };
  Progress p{fake, 2 * 1 * 2};
  Sender sender(fake.send_function(), opts(1, 2, 3), p.callback());
  for (uint64_t line : {1, 2, 3, 4, 11, 12}) ASSERT_TRUE(add(sender, p, "1.2.3.4", line));
  Status s = sender.flush();
  ASSERT_FALSE(s);
  EXPECT_TRUE(s.failure().is_transient());
  EXPECT_NE(s.failure().message.find("HTTP 503 (batch of 2 hits from line 11, 3 tries)"),
            std::string::npos)
      << s.failure().message;
  EXPECT_EQ(fake.calls().size(), 2u + 3u);
  // What was confirmed before the failure was reported first.
  EXPECT_EQ(p.confirmed, 4);
  EXPECT_EQ(p.at(p.size() - 1).confirmed_line, 4u);
  EXPECT_EQ(p.at(p.size() - 1).in_flight_hits, 2);
  size_t commits = p.size();
  // Sticky, and nothing more is sent.
  Status again = add(sender, p, "1.2.3.4", 13);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.failure().message, s.failure().message);
  EXPECT_FALSE(sender.flush());
  EXPECT_EQ(fake.calls().size(), 5u);
  EXPECT_EQ(p.size(), commits);
}

TEST(MatomoSender, APermanentFailureIsNotRetriedAndTheThreadsStop) {
  FakeMatomo fake;
  fake.reply = [](size_t, const Hits&) -> Result<BulkReply> {
    return Failure::permanent("matomo: HTTP 400 bad request: is the BulkTracking plugin disabled?");
  };
  Progress p{fake, 2 * 3 * 1};
  Status s;
  {
    Sender sender(fake.send_function(), opts(3, 1, 5), p.callback());
    for (uint64_t line = 1; line <= 50 && s; ++line)
      s = add(sender, p, "10.1.1." + std::to_string(line), line);
    if (s) s = sender.flush();
  }  // the destructor joins every recorder, also with batches still queued
  ASSERT_FALSE(s);
  EXPECT_EQ(s.failure().kind, FailureKind::kPermanent);
  EXPECT_NE(s.failure().message.find("1 try)"), std::string::npos) << s.failure().message;
  EXPECT_LE(fake.calls().size(), 6u);  // at most the two waves on the wire
}

class MatomoSenderStop : public ::testing::Test {
 protected:
  void SetUp() override { reset_stop(); }
  void TearDown() override { reset_stop(); }
};

TEST_F(MatomoSenderStop, AbandonedWorkSendsNothingMore) {
  FakeMatomo fake;
  Progress p{fake, 10};
  Sender sender(fake.send_function(), opts(1, 2), p.callback());
  ASSERT_TRUE(add(sender, p, "1.1.1.1", 1));
  ASSERT_TRUE(add(sender, p, "1.1.1.1", 2));
  ASSERT_TRUE(testing::wait_until([&] { return fake.answered(2); }, 30s));
  set_stop_grace(0ms);
  request_stop(0);
  size_t commits = p.size();
  Status s = add(sender, p, "1.1.1.1", 3);
  ASSERT_FALSE(s);
  EXPECT_TRUE(s.failure().is_interrupted());
  s = add(sender, p, "1.1.1.1", 4);
  ASSERT_FALSE(s);
  EXPECT_TRUE(s.failure().is_interrupted());
  EXPECT_FALSE(sender.flush());
  EXPECT_EQ(fake.calls().size(), 1u);
  EXPECT_EQ(p.size(), commits);  // no on_progress once abandoned
}

TEST_F(MatomoSenderStop, AStopCutsARetryWait) {
  FakeMatomo fake;
  fake.reply = [](size_t, const Hits&) -> Result<BulkReply> {
    return Failure::transient("matomo: HTTP 502");
  };
  Progress p{fake, 10};
  Sender sender(fake.send_function(), opts(1, 1, 3, std::chrono::hours(1)), p.callback());
  ASSERT_TRUE(add(sender, p, "1.1.1.1", 1));
  auto flushed = std::async(std::launch::async, [&] { return sender.flush(); });
  ASSERT_TRUE(testing::wait_until([&] { return fake.calls().size() == 1; }, 30s));
  set_stop_grace(0ms);
  request_stop(0);
  ASSERT_EQ(flushed.wait_for(60s), std::future_status::ready);
  Status s = flushed.get();
  ASSERT_FALSE(s);
  EXPECT_TRUE(s.failure().is_interrupted()) << s.failure().message;
  EXPECT_EQ(fake.calls().size(), 1u);
}

TEST(MatomoSender, ManyRecordersManyVisitorsUnderRetries) {
  constexpr int kRecorders = 8, kBatch = 7;
  FakeMatomo fake;
  std::mutex seen_mu;
  std::set<uint64_t> failed_once;  // batches (by first line) that failed their first try
  fake.reply = [&](size_t, const Hits& hits) -> Result<BulkReply> {
    uint64_t first = line_of(hits[0]);
    if (first % 5 == 0) {
      std::lock_guard<std::mutex> lock(seen_mu);
      if (failed_once.insert(first).second) return Failure::transient("matomo: timeout");
    }
    BulkReply r;
    r.sent = r.tracked = static_cast<int64_t>(hits.size());
    return r;
  };
  Progress p{fake, 2 * kRecorders * kBatch};
  std::multiset<std::string> expected;
  {
    Sender sender(fake.send_function(), opts(kRecorders, kBatch, 2), p.callback());
    for (uint64_t line = 1; line <= 20000; ++line) {
      if (line % 11 == 0) {
        sender.pass(line);
        continue;
      }
      std::string ip = "198.51.100." + std::to_string(line * 31 % 97);
      expected.insert(hit(ip, line));
      ASSERT_TRUE(add(sender, p, ip, line));
    }
    ASSERT_TRUE(sender.flush());
  }
  std::multiset<std::string> confirmed;
  std::map<std::string, uint64_t> last_line;
  std::map<std::string, std::thread::id> thread_of;
  std::set<uint64_t> retried;
  for (const auto& call : fake.calls()) {
    uint64_t first = line_of(call.hits[0]);
    bool first_try = first % 5 != 0 || retried.insert(first).second == false;
    for (const auto& h : call.hits) {
      std::string ip = ip_of(h);
      if (thread_of.count(ip)) {
        EXPECT_EQ(thread_of[ip], call.thread);
      }
      thread_of[ip] = call.thread;
      if (first_try) {
        EXPECT_GT(line_of(h), last_line[ip]) << h;
        last_line[ip] = line_of(h);
        confirmed.insert(h);
      } else {
        EXPECT_GE(line_of(h), last_line[ip]) << h;  // the same batch again, at once
      }
    }
  }
  EXPECT_EQ(confirmed, expected);
  EXPECT_EQ(p.confirmed, static_cast<int64_t>(expected.size()));
  EXPECT_EQ(p.at(p.size() - 1).confirmed_line, 20000u);
}

}  // namespace
}  // namespace ferry::matomo
