// Reads one report over a time range through the adaptive window planner (windows.h): makes
// the calls and converts each reply to CSV records as it arrives, straight into a RecordOutput
// (report_stream.h), so memory holds one row of one reply at a time whatever the range and
// whatever the reply's size.
//
//   RangeReader reader(client, Report::kClicks, rules, hour, hour + 1h, policy);
//   while (!reader.done())
//     if (auto st = reader.read_window(output); !st) return st;
//
// No row is dropped silently: a reply that reaches the row limit (or says more rows match than
// it holds) is discarded and its window split, down to the policy's min_window, where the rows
// are read page by page with start_at_row. Rows of back-to-back windows are handed over in
// CAKE's order (by date), so the records are the same however the range was cut.
#pragma once

#include <optional>

#include "ferry/base/error.h"
#include "ferry/cake/client.h"
#include "ferry/cake/columns.h"
#include "ferry/cake/report_stream.h"
#include "ferry/cake/windows.h"

namespace ferry::cake {

class RangeReader {
 public:
  // A reply that is not complete JSON (truncated, an error page) is asked for again, up to this
  // many times in all, before the window fails transiently.
  static constexpr int kBodyTries = 3;

  // `client` and `rules` must outlive the reader. Throws std::invalid_argument as
  // WindowPlanner does (empty range, bad policy).
  RangeReader(CakeClient& client, Report report, const CellRules& rules, TimePoint start,
              TimePoint end, const WindowPolicy& policy);

  bool done() const { return plan_.done(); }
  // Calls CAKE until one more window is complete (covered_until() moves on), appending each
  // reply's records (no header) to `out` as they are converted; a reply that is not kept (cut
  // short, malformed, over the row limit, timed out) is cut off `out` again, so `out` ends
  // with the kept replies' records only (a paged window keeps several). Returns the failure
  // that stopped it: a call that failed after the HTTP retries (permanent for 401/403/4xx), a
  // reply that stays unreadable after kBodyTries, a reply that is well-formed but wrong
  // (permanent), or a window of the smallest size that still times out (transient). After a
  // failure, records of earlier pages of the current window may remain: they are not covered
  // and the caller drops them (the clicks hour file is not committed; the conversions file is
  // cut back to its checkpoint). Lets through the OperationError of `out`.
  Status read_window(RecordOutput& out);

  TimePoint covered_until() const { return plan_.covered_until(); }
  const WindowPlanner::Stats& stats() const { return plan_.stats(); }
  int64_t rows() const { return rows_; }  // rows of the replies kept so far

 private:
  Status call_once(const Window& w, RecordOutput& out);
  std::string window_text(const Window& w) const;

  CakeClient& client_;
  Report report_;
  const CellRules& rules_;
  WindowPlanner plan_;
  Seconds min_window_;
  int64_t rows_ = 0;
};

}  // namespace ferry::cake
