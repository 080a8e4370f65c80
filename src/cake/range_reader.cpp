#include "ferry/cake/range_reader.h"

#include <spdlog/spdlog.h>

#include "ferry/cake/report_stream.h"

namespace ferry::cake {
namespace {

// A window needing more calls than this (a server ignoring start_at_row, say) is given up.
constexpr int kMaxCallsPerWindow = 10000;

}  // namespace

RangeReader::RangeReader(CakeClient& client, Report report, const CellRules& rules, TimePoint start,
                         TimePoint end, const WindowPolicy& policy)
    : client_(client),
      report_(report),
      rules_(rules),
      plan_(start, end, policy),
      min_window_(policy.min_window) {}

std::string RangeReader::window_text(const Window& w) const {
  std::string text = "window [" + format_iso8601(w.start) + ", " + format_iso8601(w.end) + ")";
  if (w.start_at_row > 0) text += " from row " + std::to_string(w.start_at_row);
  return text;
}

Status RangeReader::read_window(const RecordSink& sink) {
  TimePoint before = plan_.covered_until();
  int calls = 0;
  while (!plan_.done() && plan_.covered_until() == before) {
    if (++calls > kMaxCallsPerWindow)
      return Failure::permanent("cake: " + client_.report_call(report_) + ": " +
                                window_text(plan_.current()) + " needed more than " +
                                std::to_string(kMaxCallsPerWindow) + " calls; giving up");
    if (auto st = call_once(plan_.current(), sink); !st) return st;
  }
  return Status::ok();
}

Status RangeReader::call_once(const Window& w, const RecordSink& sink) {
  ReportSlice slice{w.start, w.end, w.start_at_row, w.row_limit};
  // A window that can still be split is split on its first timeout; only the smallest one is
  // worth the HTTP layer's retries.
  const bool smallest = w.paging || w.end - w.start <= min_window_;
  for (int attempt = 1;; ++attempt) {
    CakeReply reply = client_.report(report_, slice, smallest);
    if (reply.timed_out) {
      plan_.report_timeout();
      if (smallest)
        return Failure::transient(reply.failure->message + "; " + window_text(w) +
                                  " is at the smallest size and still times out");
      spdlog::info("cake: {} timed out; splitting it", window_text(w));
      return Status::ok();
    }
    if (reply.failure) return *reply.failure;
    buffer_.clear();
    ConvertResult r = convert_report(report_, reply.body, rules_, buffer_);
    if (r.failure) {
      if (r.failure->is_transient() && attempt < kBodyTries) {
        spdlog::warn("{} ({}); asking again", r.failure->message, window_text(w));
        continue;
      }
      std::string why = r.failure->message + " (" + client_.report_call(report_) + ", " +
                        window_text(w) +
                        (attempt > 1 ? ", " + std::to_string(attempt) + " replies" : "") + ")";
      return Failure{r.failure->kind, why};
    }
    if (r.row_count && w.start_at_row + r.rows > *r.row_count)
      return Failure::transient("cake: " + client_.report_call(report_) + ": " + window_text(w) +
                                " returned " + std::to_string(r.rows) +
                                " rows, more than its row_count " + std::to_string(*r.row_count) +
                                " leaves");
    if (plan_.report_rows(r.rows, reply.elapsed, r.row_count) == Verdict::kKeep) {
      if (r.rows > 0) sink(buffer_, r.rows);
      rows_ += r.rows;
    } else {
      spdlog::debug("cake: {} held {} rows (limit {}); splitting it", window_text(w), r.rows,
                    w.row_limit);
    }
    return Status::ok();
  }
}

}  // namespace ferry::cake
