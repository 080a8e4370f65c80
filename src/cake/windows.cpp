#include "ferry/cake/windows.h"

#include <algorithm>
#include <stdexcept>

namespace ferry::cake {

WindowPlanner::WindowPlanner(TimePoint start, TimePoint end, const WindowPolicy& policy)
    : cursor_(start), end_(end), policy_(policy), size_(policy.max_window) {
  if (end <= start) throw std::logic_error("window planner: the range is empty");
  if (policy.min_window < Seconds(1))
    throw std::logic_error("window planner: min_window must be at least 1s");
  if (policy.max_window < policy.min_window)
    throw std::logic_error("window planner: max_window is smaller than min_window");
  if (policy.row_limit < 0) throw std::logic_error("window planner: row_limit is negative");
  if (policy.grow_after < 1)
    throw std::logic_error("window planner: grow_after must be at least 1");
}

TimePoint WindowPlanner::window_end() const {
  return std::min(cursor_ + size_, end_);
}

Window WindowPlanner::current() const {
  return Window{cursor_, window_end(), start_at_row_, policy_.row_limit, paging_};
}

void WindowPlanner::halve(Seconds length) {
  size_ = std::max(policy_.min_window, length / 2);
  ++stats_.splits;
}

Verdict WindowPlanner::report_rows(int64_t rows, std::chrono::milliseconds elapsed,
                                   std::optional<int64_t> row_count) {
  ++stats_.calls;
  consecutive_timeouts_ = 0;
  bool limit_hit = (policy_.row_limit > 0 && rows >= policy_.row_limit) ||
                   (row_count && start_at_row_ + rows < *row_count);
  TimePoint end = window_end();
  auto length = std::chrono::duration_cast<Seconds>(end - cursor_);
  if (limit_hit && rows > 0) {  // (no rows at all cannot be paged on: the window ends)
    fast_streak_ = 0;
    if (!paging_ && length > policy_.min_window) {
      halve(length);
      return Verdict::kDiscard;
    }
    paging_ = true;
    start_at_row_ += rows;
    ++stats_.pages;
    return Verdict::kKeep;
  }
  bool light = policy_.row_limit == 0 || rows * 2 <= policy_.row_limit;
  bool fast = !paging_ && light && elapsed < policy_.fast_call;
  fast_streak_ = fast ? fast_streak_ + 1 : 0;
  if (fast_streak_ >= policy_.grow_after) {
    size_ = std::min(policy_.max_window, size_ * 2);
    fast_streak_ = 0;
  }
  cursor_ = end;
  paging_ = false;
  start_at_row_ = 0;
  ++stats_.windows;
  return Verdict::kKeep;
}

void WindowPlanner::report_timeout() {
  ++stats_.calls;
  ++stats_.timeouts;
  ++consecutive_timeouts_;
  fast_streak_ = 0;
  auto length = std::chrono::duration_cast<Seconds>(window_end() - cursor_);
  if (!paging_ && length > policy_.min_window) halve(length);
}

TimeRange job_time_range(const Date& from, const Date& to) {
  return TimeRange{start_of_day_utc(from), start_of_day_utc(add_days(to, 1))};
}

}  // namespace ferry::cake
