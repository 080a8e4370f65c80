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

Status RangeReader::read_window(RecordOutput& out) {
  TimePoint before = plan_.covered_until();
  int calls = 0;
  while (!plan_.done() && plan_.covered_until() == before) {
    if (++calls > kMaxCallsPerWindow)
      return Failure::permanent("cake: " + client_.report_call(report_) + ": " +
                                window_text(plan_.current()) + " needed more than " +
                                std::to_string(kMaxCallsPerWindow) + " calls; giving up");
    if (auto st = call_once(plan_.current(), out); !st) return st;
  }
  return Status::ok();
}

Status RangeReader::call_once(const Window& w, RecordOutput& out) {
  ReportSlice slice{w.start, w.end, w.start_at_row, w.row_limit};
  // A window that can still be split is split on its first timeout; only the smallest one is
  // worth the HTTP layer's retries.
  const bool smallest = w.paging || w.end - w.start <= min_window_;
  const uint64_t mark = out.size();
  auto drop = [&] {
    if (out.size() > mark) out.truncate_to(mark);
  };
  for (int attempt = 1;; ++attempt) {
    ReportConverter converter(report_, rules_, out);
    CakeReply reply = client_.report(report_, slice, smallest, converter);
    if (reply.timed_out) {
      drop();
      plan_.report_timeout();
      if (smallest)
        return Failure::transient(reply.failure->message + "; " + window_text(w) +
                                  " is at the smallest size and still times out");
      spdlog::info("cake: {} timed out; splitting it", window_text(w));
      return Status::ok();
    }
    if (reply.failure && !converter.failure()) {
      drop();
      return *reply.failure;
    }
    ConvertResult r = converter.finish();
    if (r.failure) {
      drop();
      if (r.failure->is_transient() && attempt < kBodyTries) {
        spdlog::warn("{} ({}); asking again", r.failure->message, window_text(w));
        continue;
      }
      std::string why = r.failure->message + " (" + client_.report_call(report_) + ", " +
                        window_text(w) +
                        (attempt > 1 ? ", " + std::to_string(attempt) + " replies" : "") + ")";
      return Failure{r.failure->kind, why};
    }
    if (r.row_count && w.start_at_row + r.rows > *r.row_count) {
      drop();
      return Failure::transient("cake: " + client_.report_call(report_) + ": " + window_text(w) +
                                " returned " + std::to_string(r.rows) +
                                " rows, more than its row_count " + std::to_string(*r.row_count) +
                                " leaves");
    }
    if (plan_.report_rows(r.rows, reply.elapsed, r.row_count) == Verdict::kKeep) {
      rows_ += r.rows;
    } else {
      drop();
      spdlog::debug("cake: {} held {} rows (limit {}); splitting it", window_text(w), r.rows,
                    w.row_limit);
    }
    return Status::ok();
  }
}

}  // namespace ferry::cake
