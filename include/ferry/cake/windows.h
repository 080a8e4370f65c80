// The adaptive window planner: which slice of a time range to ask CAKE for next, so that no
// row is dropped when a window holds more rows than one call returns, and so that slow or
// dense periods are read in smaller windows. A pure state machine: the caller makes the call
// and reports how it went.
//
//   WindowPlanner plan(hour_start, hour_end, policy);
//   while (!plan.done()) {
//     Window w = plan.current();
//     … call CAKE with w.start, w.end, w.start_at_row, w.row_limit …
//     if (timed out) { plan.report_timeout(); continue; }   // give up when
//                                                            // consecutive_timeouts() is high
//     if (plan.report_rows(rows, elapsed, row_count) == Verdict::kKeep) … keep the rows …
//   }
//
// Rules: windows start at most `max_window` long. A call that hits the row limit (rows ≥
// row_limit, or fewer rows than the reply's row_count says remain) or times out makes the
// window half as long (not below `min_window`) and the call is repeated; its rows are
// discarded. A window of min_window or less that hits the limit is read page by page: its
// rows are kept and the next call asks from `start_at_row` = rows so far. After `grow_after`
// fast, light windows in a row (quicker than `fast_call`, at most half the row limit) the
// size doubles, up to max_window. Windows kept are back to back, [start, end) each, and
// cover the range exactly.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "ferry/base/time.h"

namespace ferry::cake {

struct WindowPolicy {
  Seconds max_window{600};
  Seconds min_window{60};
  int64_t row_limit = 0;  // rows asked per call; 0 = no limit
  std::chrono::milliseconds fast_call{5000};
  int grow_after = 2;
};

struct Window {
  TimePoint start;
  TimePoint end;
  int64_t start_at_row = 0;  // above 0 only for the second and later pages
  int64_t row_limit = 0;     // the policy's
  bool paging = false;       // true once this window is read page by page
};

// What to do with the rows of the call just reported.
enum class Verdict { kKeep, kDiscard };

class WindowPlanner {
 public:
  struct Stats {
    int windows = 0;   // windows completed
    int calls = 0;     // calls reported
    int splits = 0;    // times a window was halved
    int pages = 0;     // extra pages read at the smallest size
    int timeouts = 0;  // calls that timed out
  };

  // Plans [start, end). Throws std::logic_error (a broken precondition) when end <= start, min_window < 1 s,
  // max_window < min_window, row_limit < 0 or grow_after < 1.
  WindowPlanner(TimePoint start, TimePoint end, const WindowPolicy& policy);

  bool done() const { return cursor_ >= end_; }
  // The call to make next. Precondition: !done().
  Window current() const;

  // The call for current() returned `rows` rows after `elapsed`; `row_count` is the reply's
  // count of all matching rows (from start_at_row 0) when it has one.
  Verdict report_rows(int64_t rows, std::chrono::milliseconds elapsed,
                      std::optional<int64_t> row_count = std::nullopt);
  // The call for current() timed out; nothing of it is kept.
  void report_timeout();

  // Everything before this instant has been read and kept: a safe checkpoint.
  TimePoint covered_until() const { return cursor_; }
  // The length the next new window gets.
  Seconds window_size() const { return size_; }
  // Timeouts since the last call that returned rows; the caller decides when to give up.
  int consecutive_timeouts() const { return consecutive_timeouts_; }
  const Stats& stats() const { return stats_; }

 private:
  TimePoint window_end() const;
  void halve(Seconds length);

  TimePoint cursor_, end_;
  WindowPolicy policy_;
  Seconds size_;
  bool paging_ = false;
  int64_t start_at_row_ = 0;
  int fast_streak_ = 0;
  int consecutive_timeouts_ = 0;
  Stats stats_;
};

// The instants a job over whole days covers: from the start of `from` to the end of `to`
// (both days included), on the CAKE wall clock (see requests.h).
struct TimeRange {
  TimePoint start;
  TimePoint end;
};
TimeRange job_time_range(const Date& from, const Date& to);

}  // namespace ferry::cake
