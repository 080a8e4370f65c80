// The WeNet report files, byte for byte as the protocol note's "Output files" section lays
// them out (shared/protocols/wenet.md). Every function here is pure: it takes the data already
// fetched and writes to a std::ostream the caller opens, checks and closes. Missing or null
// fields give empty cells and a line appended to `warnings` (for the caller to log), never a
// crash; nothing here throws except std::bad_alloc and what the stream throws.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "ferry/base/time.h"
#include "ferry/wenet/restore.h"
#include "ferry/wenet/table.h"

namespace ferry::wenet {

// The first rows of a table report: `app id,<app_id>` (not in apps_usage), `from,<from>` and
// `to,<to>` (only when has_window), as printed cells: `from` is "" for ALL. id_email and
// apps_usage without a window set has_window = false.
struct ReportHeader {
  std::string app_id;
  std::string from, to;
  bool has_window = true;
};

// ---- analytics ----------------------------------------------------------------------------

// One analytic the analytics report needs: count or segmentation, dimension, metric.
struct AnalyticMetric {
  const char* type;
  const char* dimension;
  const char* metric;
};
// In this order: count user/total, user/active, user/engaged, user/new, segmentation
// message/all, message/requests. analytics_counts() takes their results in the same order.
extern const std::array<AnalyticMetric, 6> kAnalyticMetrics;

struct AnalyticsCounts {
  int64_t total_users = 0, active_users = 0, engaged_users = 0, new_users = 0;
  int64_t total_messages = 0;   // sum of every message/all segment
  int64_t user_messages = 0;    // message/all `request`
  int64_t text_messages = 0;    // message/requests `text`
  int64_t action_messages = 0;  // message/requests `action`
  int64_t bot_messages = 0;     // message/all `response`
  int64_t wenet_messages = 0;   // message/all `notification`
  int64_t questions = 0;        // tasks created in the window
  // transactions created in the window, by label
  int64_t question_reports = 0;  // reportQuestionTransaction
  int64_t cant_help = 0;         // notAnswerTransaction
  int64_t answers = 0;           // answerTransaction
  int64_t answer_reports = 0;    // reportAnswerTransaction
  int64_t approved_answers = 0;  // bestAnswerTransaction
  int64_t more_answers = 0;      // moreAnswerTransaction
};

// The counts from the analytics' `result` objects (index i = kAnalyticMetrics[i]; a count
// result `{"count": N, ...}`, a segmentation result `{"segments": [{"type", "count"}...]}`),
// the window's tasks and its transactions. A missing segment counts 0; a result without a
// count or segments counts 0 and adds a warning naming the metric.
AnalyticsCounts analytics_counts(const std::array<nlohmann::json, 6>& results,
                                 const std::vector<nlohmann::json>& tasks,
                                 const std::vector<nlohmann::json>& transactions,
                                 std::vector<std::string>& warnings);

void write_analytics(std::ostream& out, TableFormat f, const ReportHeader& h,
                     const AnalyticsCounts& c);

// ---- questions ----------------------------------------------------------------------------

// One row per task (in the order given): restored `goal.name`, and the restored
// `attributes.answer` of the task's `answerTransaction` whose `id` is the
// `attributes.transactionId` of its last `bestAnswerTransaction` (transactions as embedded in
// the task). No best answer: empty cell. A best answer that points to no answer, or to an
// empty or non-string one: empty cell and a warning.
void write_questions(std::ostream& out, TableFormat f, const ReportHeader& h,
                     const std::vector<nlohmann::json>& tasks, std::vector<std::string>& warnings);

// ---- users --------------------------------------------------------------------------------

// First and last request timestamps per user, gathered while the messages stream by: add()
// each message once; only `type` "request" messages with a string `userId` and a string
// `timestamp` count. The strings are kept as the logger gives them. Timestamps are compared as
// instants (parse_dump_date, UTC when without offset); one that does not parse never becomes
// `first` over an earlier one but does become `last` (arrival order). Memory: two strings per
// user.
class ActivityTracker {
 public:
  struct Span {
    std::string first, last;
    std::optional<TimePoint> first_at, last_at;
  };
  void add(const nlohmann::json& message);
  // nullptr when the user sent no request.
  const Span* find(const std::string& user) const;

 private:
  std::unordered_map<std::string, Span> spans_;
};

// One row of the users report.
struct UserRow {
  std::string name, surname, email;
  std::string gender;  // male female other non_binary not_say, or ""
  std::string cohort;  // badges / incentives and badges, or ""
  bool ilog = false, survey = false;
  int64_t questions = 0, answers = 0;
  std::string first_activity, last_activity;
};

// What the users report is made of.
struct UsersInput {
  std::string app_id;
  std::vector<std::string> users;  // hub users of app_id in the window, hub order
  const std::map<std::string, nlohmann::json>* profiles = nullptr;  // user -> profile or null
  const nlohmann::json* cohorts = nullptr;                          // incentive server rows (array)
  const std::set<std::string>* ilog_users = nullptr;                // every user of ilog_id
  const std::set<std::string>* survey_users = nullptr;              // every user of survey_id
  const std::vector<nlohmann::json>* tasks = nullptr;               // the window's tasks
  const std::vector<nlohmann::json>* transactions = nullptr;        // the window's transactions
  const ActivityTracker* activity = nullptr;
};

// The rows, one per input user in order. Precondition: every pointer is set. Warnings: a user
// without profile, a profile without `name.first`, `name.last` or `email`, an unknown gender.
std::vector<UserRow> user_rows(const UsersInput& in, std::vector<std::string>& warnings);

void write_users(std::ostream& out, TableFormat f, const ReportHeader& h,
                 const std::vector<UserRow>& rows);

// ---- id_email -----------------------------------------------------------------------------

// One row per user (hub order): profile `id`, profile `email`; a missing profile, id or
// e-mail gives an empty cell and a warning.
void write_id_email(std::ostream& out, TableFormat f, const ReportHeader& h,
                    const std::vector<std::string>& users,
                    const std::map<std::string, nlohmann::json>& profiles,
                    std::vector<std::string>& warnings);

// ---- tasks and messages (JSON) ------------------------------------------------------------

// A JSON array written one element at a time, as Python's json.dump(items, f, indent=2,
// ensure_ascii=False) writes it: `[` newline, each element indented by 2 (nested levels by 2
// more), `,` at line ends, `": "` after keys, `[]`/`{}` for empty containers, `[]` for no
// element, no newline at the end; strings escaped as Python does (`\"`, `\\`, `\n`, `\r`,
// `\t`, `\b`, `\f`, other control characters `\u00xx`), everything else (UTF-8) as is;
// floats as python_float(). Object keys come in nlohmann::json's order (sorted), not the API's.
// Nothing is kept but a count: memory does not grow with the number of elements.
class JsonArrayWriter {
 public:
  explicit JsonArrayWriter(std::ostream& out) : out_(out) {}
  void add(const nlohmann::json& item);
  // Closes the array; call once, after the last add().
  void end();
  int64_t count() const { return count_; }

 private:
  std::ostream& out_;
  int64_t count_ = 0;
};

// `d` as Python's repr(float) writes it: the shortest digits that read back to `d`, fixed
// notation with at least one decimal (`1.0`, `1000000000000000.0`, `0.0001`) when the decimal
// exponent is in -4..15, else `1e+16`, `1.5e-05` (exponent of at least two digits); `NaN`,
// `Infinity`, `-Infinity`, `-0.0`.
std::string python_float(double d);

}  // namespace ferry::wenet
