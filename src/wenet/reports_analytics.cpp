// The analytics and questions reports.
#include <ostream>

#include "ferry/wenet/reports.h"
#include "wenet/report_cells.h"

namespace ferry::wenet {

const std::array<AnalyticMetric, 6> kAnalyticMetrics = {{
    {"count", "user", "total"},
    {"count", "user", "active"},
    {"count", "user", "engaged"},
    {"count", "user", "new"},
    {"segmentation", "message", "all"},
    {"segmentation", "message", "requests"},
}};

namespace {

std::string metric_name(const AnalyticMetric& m) {
  return std::string(m.type) + " " + m.dimension + "/" + m.metric;
}

int64_t integer(const nlohmann::json* v) {
  if (v == nullptr) return 0;
  if (v->is_number_integer()) return v->get<int64_t>();
  if (v->is_number_float()) return static_cast<int64_t>(v->get<double>());
  return 0;
}

int64_t count_of(const nlohmann::json& result, const AnalyticMetric& m,
                 std::vector<std::string>& warnings) {
  const nlohmann::json* count = member(result, "count");
  if (count == nullptr || !count->is_number()) {
    warnings.push_back("analytic " + metric_name(m) + ": no count in the result, 0 written");
    return 0;
  }
  return integer(count);
}

// Segment counts by type; warns when the result has no `segments` array.
std::map<std::string, int64_t> segments_of(const nlohmann::json& result, const AnalyticMetric& m,
                                           std::vector<std::string>& warnings) {
  std::map<std::string, int64_t> out;
  const nlohmann::json* segments = member(result, "segments");
  if (segments == nullptr || !segments->is_array()) {
    warnings.push_back("analytic " + metric_name(m) + ": no segments in the result, 0 written");
    return out;
  }
  for (const auto& s : *segments) out[string_member(s, "type")] += integer(member(s, "count"));
  return out;
}

int64_t at(const std::map<std::string, int64_t>& m, const char* key) {
  auto it = m.find(key);
  return it == m.end() ? 0 : it->second;
}

}  // namespace

AnalyticsCounts analytics_counts(const std::array<nlohmann::json, 6>& results,
                                 const std::vector<nlohmann::json>& tasks,
                                 const std::vector<nlohmann::json>& transactions,
                                 std::vector<std::string>& warnings) {
  AnalyticsCounts c;
  c.total_users = count_of(results[0], kAnalyticMetrics[0], warnings);
  c.active_users = count_of(results[1], kAnalyticMetrics[1], warnings);
  c.engaged_users = count_of(results[2], kAnalyticMetrics[2], warnings);
  c.new_users = count_of(results[3], kAnalyticMetrics[3], warnings);
  auto all = segments_of(results[4], kAnalyticMetrics[4], warnings);
  for (const auto& [type, n] : all) c.total_messages += n;
  c.user_messages = at(all, "request");
  c.bot_messages = at(all, "response");
  c.wenet_messages = at(all, "notification");
  auto requests = segments_of(results[5], kAnalyticMetrics[5], warnings);
  c.text_messages = at(requests, "text");
  c.action_messages = at(requests, "action");
  c.questions = static_cast<int64_t>(tasks.size());
  std::map<std::string, int64_t> labels;
  for (const auto& t : transactions) ++labels[string_member(t, "label")];
  c.question_reports = at(labels, "reportQuestionTransaction");
  c.cant_help = at(labels, "notAnswerTransaction");
  c.answers = at(labels, "answerTransaction");
  c.answer_reports = at(labels, "reportAnswerTransaction");
  c.approved_answers = at(labels, "bestAnswerTransaction");
  c.more_answers = at(labels, "moreAnswerTransaction");
  return c;
}

void write_analytics(std::ostream& out, TableFormat f, const ReportHeader& h,
                     const AnalyticsCounts& c) {
  TableWriter t(out, f);
  write_header_rows(t, h, true);
  t.empty_row();
  t.row({"metric", "count", "description"});
  auto row = [&](const char* metric, int64_t n, const char* description) {
    t.row({metric, std::to_string(n), description});
  };
  row("total users", c.total_users, "The total number of users of the application");
  row("active users", c.active_users, "The number of users who used the application");
  row("engaged users", c.engaged_users,
      "The number of users who received a notification from the platform (incentive, prompt, "
      "badge, ..)");
  row("new users", c.new_users,
      "The number of new users who activated the application during the period of this "
      "analysis");
  row("total messages", c.total_messages, "The total number of messages exchanged");
  row("messages from users", c.user_messages,
      "The number of messages sent by users (textual messages, clicked buttons and commands)");
  row("user textual messages", c.text_messages, "The number of textual messages sent by the users");
  row("user action messages", c.action_messages,
      "The number of action messages (buttons and commands) sent by the users");
  row("messages from bot", c.bot_messages, "The number of messages sent by the application");
  row("messages from wenet", c.wenet_messages, "The number of messages sent by the WeNet platform");
  row("questions", c.questions, "The number of questions asked by the users");
  row("question reports", c.question_reports,
      "The number of reports created for questions (e.g. usually for malicious contents)");
  row("can't help", c.cant_help,
      "The number of times a user cannot answer a question (by clicking on the button "
      "\u201CCan't help\u201D)");
  row("answers", c.answers, "The number of answers provided by the users");
  row("answer reports", c.answer_reports,
      "The number of reports created for answers (e.g. usually for malicious contents)");
  row("approved answers", c.approved_answers,
      "The number answers accepted as the correct/useful ones");
  row("ask more people", c.more_answers,
      "The number of times a user asked WeNet for more answers (by clicking on the button "
      "\u201CAsk more people\u201D)");
}

namespace {

std::string id_text(const nlohmann::json* v) {
  return cell_text(v);
}

// The restored best answer of `task`, "" when none; warns when it points nowhere useful.
std::string best_answer(const nlohmann::json& task, std::vector<std::string>& warnings) {
  const nlohmann::json* transactions = member(task, "transactions");
  if (transactions == nullptr || !transactions->is_array()) return {};
  const nlohmann::json* best = nullptr;
  for (const auto& tr : *transactions)
    if (string_member(tr, "label") == "bestAnswerTransaction") best = &tr;
  if (best == nullptr) return {};
  const nlohmann::json* attributes = member(*best, "attributes");
  std::string chosen = attributes ? id_text(member(*attributes, "transactionId")) : "";
  std::string task_id = id_text(member(task, "id"));
  for (const auto& tr : *transactions) {
    if (chosen.empty() || string_member(tr, "label") != "answerTransaction" ||
        id_text(member(tr, "id")) != chosen)
      continue;
    const nlohmann::json* attrs = member(tr, "attributes");
    std::string answer = attrs ? string_member(*attrs, "answer") : "";
    if (answer.empty()) break;
    return restore_text(answer);
  }
  warnings.push_back("task " + task_id + ": best answer '" + chosen +
                     "' is missing or empty, empty cell written");
  return {};
}

}  // namespace

void write_questions(std::ostream& out, TableFormat f, const ReportHeader& h,
                     const std::vector<nlohmann::json>& tasks, std::vector<std::string>& warnings) {
  TableWriter t(out, f);
  write_header_rows(t, h, true);
  t.row({"total questions", std::to_string(tasks.size())});
  t.empty_row();
  t.row({"question", "answer"});
  for (const auto& task : tasks) {
    const nlohmann::json* goal = member(task, "goal");
    std::string question = goal ? string_member(*goal, "name") : "";
    if (question.empty())
      warnings.push_back("task " + cell_text(member(task, "id")) + ": no goal.name, empty cell");
    t.row({restore_text(question), best_answer(task, warnings)});
  }
}

}  // namespace ferry::wenet
