// Sends hits to Matomo with `recorders` parallel senders (threads), as import_logs.py's
// recorders do, with a confirmed position a caller can checkpoint.
//
// Each visitor (client IP) is always on the same recorder (a stable hash of the IP), and each
// recorder sends its batches in order, so one visitor's hits reach Matomo in log order. Hits are
// grouped in WAVES: a wave closes when one recorder's buffer reaches batch_size (or at flush());
// a wave is one batch per recorder that has hits. At most 2 waves are on the wire; while they
// are, the caller fills the next one, so memory holds at most 3 × recorders × batch_size hits.
//
// Before a wave is sent, `on_progress` is called (on the caller's thread, inside add()/flush())
// with the confirmed position and the hits in flight INCLUDING that wave: the caller commits
// this, so after a crash it knows that at most `in_flight_hits` may be sent twice.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "ferry/base/error.h"
#include "ferry/matomo/client.h"

namespace ferry::matomo {

struct WaveCommit {
  uint64_t confirmed_line = 0;       // every line <= this is confirmed (or was not a hit)
  int64_t hits_confirmed = 0;        // hits of the waves confirmed since the last call
  int64_t tracked = 0, invalid = 0;  // from Matomo's replies, same waves
  int64_t shortfall = 0;             // sum of BulkReply::shortfall, same waves
  int64_t in_flight_hits = 0;        // hits sent or about to be sent and not yet confirmed
};

struct SenderOptions {
  int recorders = 4;     // >= 1
  int batch_size = 200;  // >= 1
  int max_attempts = 3;  // >= 1, first try included
  std::chrono::milliseconds retry_delay{10'000};
};

using SendFunction = std::function<Result<BulkReply>(const std::vector<std::string_view>&)>;

class Sender {
 public:
  // `send` does one bulk request (Client::send_bulk in production, a fake in tests); it is
  // called from the recorder threads, concurrently, and may block (its own timeouts bound it).
  // `on_progress` runs on the caller's thread. Starts the recorder threads.
  Sender(SendFunction send, SenderOptions options,
         std::function<void(const WaveCommit&)> on_progress);
  // Stops the threads: a send in progress is waited for, batches not yet sent are dropped
  // (never confirmed), a retry wait is cut short.
  ~Sender();
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  // Queues one hit (JSON object text, copied) of log line `line` (a number growing across the
  // object; lines may repeat but never go back) for client `ip`. May block while 2 waves are
  // in flight. Returns the failure of a batch: a transient one after max_attempts tries with
  // retry_delay between them, a permanent one at once; its message names the batch's first
  // line (`... (batch of N hits from line L, K tries)`). Once failed, every later call returns
  // that failure and nothing more is sent; before the failure is first returned, on_progress
  // is called with what was confirmed until then. Once work must be abandoned after a stop
  // request (must_abandon(), base/interrupt.h) it returns Failure::interrupted, sends nothing
  // more, and calls no on_progress.
  Status add(std::string_view ip, std::string_view hit, uint64_t line);
  // Marks lines up to `line` as passed even if they had no hit (invalid/skipped lines), so the
  // confirmed position can move past them.
  void pass(uint64_t line);
  // Sends what is buffered, waits for every wave, and calls on_progress for the final state
  // (confirmed_line = the last line added or passed, in_flight_hits = 0). Failures as add().
  Status flush();

  // The recorder that sends the hits of `ip` (stable across runs and builds).
  static int recorder_of(std::string_view ip, int recorders);

 private:
  struct Batch {
    uint64_t wave = 0;
    uint64_t first_line = 0;
    std::string text;          // the hits, one after another
    std::vector<size_t> ends;  // end offset of each hit in text
  };
  struct Wave {
    int pending = 0;  // batches not yet confirmed
    int64_t hits = 0, tracked = 0, invalid = 0, shortfall = 0;
    uint64_t last_line = 0;  // the last line added or passed when the wave closed
  };

  void run_recorder(int index);
  Result<BulkReply> call_send(const std::vector<std::string_view>& hits);
  Result<BulkReply> send_with_retries(const Batch& batch);
  void confirm_locked(const Batch& batch, const BulkReply& reply);
  Status send_wave();
  // Waits (lock held) until `done` holds, a batch failed or the work must be abandoned.
  void wait_caller(std::unique_lock<std::mutex>& lock, const std::function<bool()>& done);
  // The failure to return (lock held): the batch failure, else an interruption (recorded).
  // The first time a batch failure is returned, on_progress gets what was confirmed before.
  Status stop_status(std::unique_lock<std::mutex>& lock);
  // The confirmed counts since the last call, the confirmed line and the hits in flight.
  WaveCommit take_commit_locked();

  SendFunction send_;
  SenderOptions options_;
  std::function<void(const WaveCommit&)> on_progress_;

  // Caller thread only.
  std::vector<Batch> filling_;
  uint64_t last_line_ = 0;
  uint64_t next_wave_ = 0;

  std::mutex mu_;
  std::condition_variable work_cv_;  // recorders wait for batches or the end
  std::condition_variable done_cv_;  // the caller waits for confirmations or a failure
  std::vector<std::deque<Batch>> queues_;
  std::deque<Wave> waves_;  // open waves, oldest first; waves_[0] is wave first_wave_
  uint64_t first_wave_ = 0;
  WaveCommit pending_;  // counts of the waves confirmed since the last on_progress
  uint64_t confirmed_line_ = 0;
  std::optional<Failure> failure_;
  std::atomic<bool> has_failure_{false};  // failure_ is set (read without the lock by add())
  bool failure_reported_ = false;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ferry::matomo
