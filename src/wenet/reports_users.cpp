// The users and id_email reports, and the per-user activity they print.
#include <ostream>
#include <unordered_map>

#include "ferry/wenet/dates.h"
#include "ferry/wenet/reports.h"
#include "wenet/report_cells.h"

namespace ferry::wenet {

void ActivityTracker::add(const nlohmann::json& message) {
  if (string_member(message, "type") != "request") return;
  const nlohmann::json* user = member(message, "userId");
  const nlohmann::json* stamp = member(message, "timestamp");
  if (user == nullptr || !user->is_string() || stamp == nullptr || !stamp->is_string()) return;
  const std::string& ts = stamp->get_ref<const std::string&>();
  std::optional<TimePoint> at = parse_dump_date(ts, TimeZone::utc());
  auto [it, inserted] = spans_.try_emplace(user->get<std::string>());
  Span& span = it->second;
  if (inserted) {
    span = Span{ts, ts, at, at};
    return;
  }
  if (at && (!span.first_at || *at < *span.first_at)) {
    span.first = ts;
    span.first_at = at;
  }
  if (!at || !span.last_at || *at >= *span.last_at) {
    span.last = ts;
    span.last_at = at;
  }
}

const ActivityTracker::Span* ActivityTracker::find(const std::string& user) const {
  auto it = spans_.find(user);
  return it == spans_.end() ? nullptr : &it->second;
}

namespace {

std::string gender_cell(const nlohmann::json* g, const std::string& user,
                        std::vector<std::string>& warnings) {
  if (g == nullptr || g->is_null()) return {};
  std::string v = g->is_string() ? g->get<std::string>() : g->dump();
  if (v == "M") return "male";
  if (v == "F") return "female";
  if (v == "O") return "other";
  if (v == "non-binary") return "non_binary";
  if (v == "not-say") return "not_say";
  warnings.push_back("user " + user + ": unknown gender '" + v + "', empty cell");
  return {};
}

std::string cohort_name(const nlohmann::json* c) {
  std::string v = cell_text(c);
  if (v == "0") return "badges";
  if (v == "1") return "incentives and badges";
  return {};
}

// user -> cohort cell, from the first row of each user for `app_id`.
std::unordered_map<std::string, std::string> cohort_index(const nlohmann::json& cohorts,
                                                          const std::string& app_id) {
  std::unordered_map<std::string, std::string> out;
  if (!cohorts.is_array()) return out;
  for (const auto& row : cohorts)
    if (cell_text(member(row, "app_id")) == app_id)
      out.try_emplace(cell_text(member(row, "user_id")), cohort_name(member(row, "cohort")));
  return out;
}

std::unordered_map<std::string, int64_t> count_by(const std::vector<nlohmann::json>& items,
                                                  const char* key, const char* label) {
  std::unordered_map<std::string, int64_t> out;
  for (const auto& item : items)
    if (label == nullptr || string_member(item, "label") == label)
      ++out[cell_text(member(item, key))];
  return out;
}

void fill_profile(UserRow& row, const std::string& user, const nlohmann::json* profile,
                  std::vector<std::string>& warnings) {
  if (profile == nullptr || !profile->is_object()) {
    warnings.push_back("user " + user + ": no profile, empty name, surname, e-mail and gender");
    return;
  }
  const nlohmann::json* name = member(*profile, "name");
  row.name = name ? string_member(*name, "first") : "";
  row.surname = name ? string_member(*name, "last") : "";
  row.email = string_member(*profile, "email");
  if (row.name.empty()) warnings.push_back("user " + user + ": no name.first in the profile");
  if (row.surname.empty()) warnings.push_back("user " + user + ": no name.last in the profile");
  if (row.email.empty()) warnings.push_back("user " + user + ": no email in the profile");
  row.gender = gender_cell(member(*profile, "gender"), user, warnings);
}

const nlohmann::json* profile_of(const std::map<std::string, nlohmann::json>& profiles,
                                 const std::string& user) {
  auto it = profiles.find(user);
  return it == profiles.end() ? nullptr : &it->second;
}

int64_t lookup(const std::unordered_map<std::string, int64_t>& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? 0 : it->second;
}

}  // namespace

std::vector<UserRow> user_rows(const UsersInput& in, std::vector<std::string>& warnings) {
  auto cohorts = cohort_index(*in.cohorts, in.app_id);
  auto questions = count_by(*in.tasks, "requesterId", nullptr);
  auto answers = count_by(*in.transactions, "actioneerId", "answerTransaction");
  std::vector<UserRow> rows;
  rows.reserve(in.users.size());
  for (const auto& user : in.users) {
    UserRow row;
    fill_profile(row, user, profile_of(*in.profiles, user), warnings);
    auto c = cohorts.find(user);
    if (c != cohorts.end()) row.cohort = c->second;
    row.ilog = in.ilog_users->count(user) > 0;
    row.survey = in.survey_users->count(user) > 0;
    row.questions = lookup(questions, user);
    row.answers = lookup(answers, user);
    if (const auto* span = in.activity->find(user)) {
      row.first_activity = span->first;
      row.last_activity = span->last;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

void write_users(std::ostream& out, TableFormat f, const ReportHeader& h,
                 const std::vector<UserRow>& rows) {
  TableWriter t(out, f);
  write_header_rows(t, h, true);
  t.row({"total users", std::to_string(rows.size())});
  t.empty_row();
  t.row({"name", "surname", "email", "gender", "incentive cohort", "ilog", "survey", "questions",
         "answers", "first activity", "last activity"});
  for (const auto& r : rows)
    t.row({r.name, r.surname, r.email, r.gender, r.cohort, r.ilog ? "yes" : "no",
           r.survey ? "yes" : "no", std::to_string(r.questions), std::to_string(r.answers),
           r.first_activity, r.last_activity});
}

void write_id_email(std::ostream& out, TableFormat f, const ReportHeader& h,
                    const std::vector<std::string>& users,
                    const std::map<std::string, nlohmann::json>& profiles,
                    std::vector<std::string>& warnings) {
  TableWriter t(out, f);
  write_header_rows(t, h, true);
  t.row({"total users", std::to_string(users.size())});
  t.empty_row();
  t.row({"id", "email"});
  for (const auto& user : users) {
    const nlohmann::json* profile = profile_of(profiles, user);
    if (profile == nullptr || !profile->is_object()) {
      warnings.push_back("user " + user + ": no profile, empty id and e-mail");
      t.row({"", ""});
      continue;
    }
    std::string id = cell_text(member(*profile, "id"));
    std::string email = string_member(*profile, "email");
    if (id.empty()) warnings.push_back("user " + user + ": no id in the profile");
    if (email.empty()) warnings.push_back("user " + user + ": no email in the profile");
    t.row({id, email});
  }
}

}  // namespace ferry::wenet
