// Reads one report over a time range through the adaptive window planner (windows.h): makes
// the calls, converts the kept replies to CSV records and hands them to a sink, so memory holds
// one reply at a time whatever the range.
//
//   RangeReader reader(client, Report::kClicks, rules, hour, hour + 1h, policy);
//   while (!reader.done())
//     if (auto st = reader.read_window(sink); !st) return st;
//
// No row is dropped silently: a reply that reaches the row limit (or says more rows match than
// it holds) is discarded and its window split, down to the policy's min_window, where the rows
// are read page by page with start_at_row. Rows of back-to-back windows are handed over in
// CAKE's order (by date), so the records are the same however the range was cut.
#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include "ferry/base/error.h"
#include "ferry/cake/client.h"
#include "ferry/cake/columns.h"
#include "ferry/cake/windows.h"

namespace ferry::cake {

// Receives CSV records (no header) and how many rows they hold. May throw OperationError
// (a local file that cannot be written), which read_window lets through.
using RecordSink = std::function<void(std::string_view records, int64_t rows)>;

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
  // Calls CAKE until one more window is complete (covered_until() moves on), handing each kept
  // reply's records to `sink` (a paged window hands several). Returns the failure that stopped
  // it: a call that failed after the HTTP retries (permanent for 401/403/4xx), a reply that
  // stays unreadable after kBodyTries, a reply that is well-formed but wrong (permanent), or a
  // window of the smallest size that still times out (transient). After a failure, records
  // already handed over for the current window are not covered: the caller drops them (the
  // clicks hour file is not committed; the conversions file is cut back to its checkpoint).
  Status read_window(const RecordSink& sink);

  TimePoint covered_until() const { return plan_.covered_until(); }
  const WindowPlanner::Stats& stats() const { return plan_.stats(); }
  int64_t rows() const { return rows_; }  // rows handed to the sink so far

 private:
  Status call_once(const Window& w, const RecordSink& sink);
  std::string window_text(const Window& w) const;

  CakeClient& client_;
  Report report_;
  const CellRules& rules_;
  WindowPlanner plan_;
  Seconds min_window_;
  int64_t rows_ = 0;
  std::string buffer_;
};

}  // namespace ferry::cake
