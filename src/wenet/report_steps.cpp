// Each report of a run, from the data it needs, each piece fetched at most once.
#include <spdlog/spdlog.h>

#include <array>

#include "wenet/report_steps.h"

namespace ferry::wenet {

using nlohmann::json;

Status ReportRun::load_tasks() {
  if (tasks_) return Status::ok();
  auto got = client_.tasks(settings_.app_id, *window_);
  if (!got) return got.failure();
  tasks_ = std::move(*got);
  return Status::ok();
}

Status ReportRun::load_transactions() {
  if (transactions_) return Status::ok();
  auto got = client_.transactions(settings_.app_id, *window_);
  if (!got) return got.failure();
  transactions_ = std::move(*got);
  return Status::ok();
}

Status ReportRun::load_profiles(const std::vector<std::string>& users) {
  std::vector<std::string> missing;
  for (const auto& u : users)
    if (!profiles_.count(u)) missing.push_back(u);
  if (missing.empty()) return Status::ok();
  auto got = client_.profiles(missing);  // duplicates fetched once
  if (!got) return got.failure();
  for (auto& [user, profile] : *got) profiles_[user] = std::move(profile);
  for (const auto& u : missing) profiles_.emplace(u, json());  // none given: null
  return Status::ok();
}

Result<std::set<std::string>> ReportRun::all_users(const std::string& app) {
  if (app.empty()) return std::set<std::string>();
  auto got = client_.app_users(app, nullptr);
  if (!got) return got.failure();
  return std::set<std::string>(got->begin(), got->end());
}

Status ReportRun::analytics(std::ostream& out, int64_t* rows) {
  std::array<json, 6> results;
  auto created = [this](const std::string& id) {
    store_.add_analytic(id, settings_.instance, services_.wall.now(), services_.run_id);
  };
  auto deleted = [this](const std::string& id) { store_.remove_analytic(id); };
  for (size_t i = 0; i < kAnalyticMetrics.size(); ++i) {
    const AnalyticMetric& m = kAnalyticMetrics[i];
    auto d = analytic_descriptor(settings_.app_id, m.type, m.dimension, m.metric, *window_, zone_);
    auto r = client_.analytic(d, created, deleted);
    if (!r) return r.failure();
    results[i] = std::move(*r);
  }
  if (Status st = load_tasks(); !st) return st;
  if (Status st = load_transactions(); !st) return st;
  AnalyticsCounts counts = analytics_counts(results, *tasks_, *transactions_, warnings_);
  total_messages_ = counts.total_messages;
  write_analytics(out, format(), header(), counts);
  *rows = 17;
  return Status::ok();
}

Status ReportRun::questions(std::ostream& out, int64_t* rows) {
  if (Status st = load_tasks(); !st) return st;
  write_questions(out, format(), header(), *tasks_, warnings_);
  *rows = static_cast<int64_t>(tasks_->size());
  return Status::ok();
}

Status ReportRun::tasks(std::ostream& out, int64_t* rows) {
  if (Status st = load_tasks(); !st) return st;
  JsonArrayWriter writer(out);
  for (const auto& t : *tasks_) writer.add(restore_task(t));
  writer.end();
  *rows = writer.count();
  return Status::ok();
}

Status ReportRun::messages(std::ostream* out, int64_t* rows) {
  std::optional<JsonArrayWriter> writer;
  if (out) writer.emplace(*out);
  auto sink = [&](const json& m) -> Status {
    activity_.add(m);
    if (writer) writer->add(restore_message(m));
    return Status::ok();
  };
  auto count = client_.messages(settings_.app_id, *window_, settings_.messages_page, sink);
  if (!count) return count.failure();
  if (writer) writer->end();
  if (rows) *rows = *count;
  streamed_ = true;
  if (total_messages_ && *total_messages_ != *count)
    spdlog::warn(
        "wenet: {} messages dumped, the analytics counted {} (total messages); the "
        "logger's figures may lag or be approximate",
        *count, *total_messages_);
  else
    spdlog::info("wenet: {} messages read", *count);
  return Status::ok();
}

Status ReportRun::users(std::ostream& out, int64_t* rows) {
  auto users = client_.app_users(settings_.app_id, &*window_);
  if (!users) return users.failure();
  if (Status st = load_profiles(*users); !st) return st;
  auto cohorts = client_.cohorts();
  if (!cohorts) return cohorts.failure();
  auto ilog = all_users(settings_.ilog_id);
  if (!ilog) return ilog.failure();
  auto survey = all_users(settings_.survey_id);
  if (!survey) return survey.failure();
  if (Status st = load_tasks(); !st) return st;
  if (Status st = load_transactions(); !st) return st;
  UsersInput in;
  in.app_id = settings_.app_id;
  in.users = std::move(*users);
  in.profiles = &profiles_;
  in.cohorts = &*cohorts;
  in.ilog_users = &*ilog;
  in.survey_users = &*survey;
  in.tasks = &*tasks_;
  in.transactions = &*transactions_;
  in.activity = &activity_;
  auto table = user_rows(in, warnings_);
  write_users(out, format(), header(), table);
  *rows = static_cast<int64_t>(table.size());
  return Status::ok();
}

Status ReportRun::id_email(std::ostream& out, int64_t* rows) {
  auto users = client_.app_users(settings_.app_id, window_ ? &*window_ : nullptr);
  if (!users) return users.failure();
  if (Status st = load_profiles(*users); !st) return st;
  write_id_email(out, format(), header(), *users, profiles_, warnings_);
  *rows = static_cast<int64_t>(users->size());
  return Status::ok();
}

Status ReportRun::apps_usage(std::ostream& out, int64_t* rows) {
  AppsUsageInput in;
  in.app_ids = request_.apps;
  in.ilog_id = settings_.ilog_id;
  in.survey_id = settings_.survey_id;
  std::vector<std::string> apps = request_.apps;
  for (const auto* extra : {&settings_.ilog_id, &settings_.survey_id})
    if (!extra->empty()) apps.push_back(*extra);
  for (const auto& app : apps) {
    if (in.window_users.count(app)) continue;
    auto windowed = client_.app_users(app, window_ ? &*window_ : nullptr);
    if (!windowed) return windowed.failure();
    in.window_users[app] = std::move(*windowed);
    auto all = all_users(app);
    if (!all) return all.failure();
    in.all_users[app] = std::move(*all);
  }
  for (const auto& app : request_.apps) {
    auto details = client_.app_details(app);
    if (!details) return details.failure();
    const json& name = details->is_object() ? details->value("name", json()) : json();
    if (name.is_string()) in.app_names[app] = name.get<std::string>();
  }
  in.updates = updates_;
  in.failures = failures_;
  if (window_) {
    in.from = window_->from;
    in.to = window_->to;
  }
  auto users = apps_usage_users(in);
  if (Status st = load_profiles(users); !st) return st;
  ReportHeader h = header();
  write_apps_usage(out, format(), h, in, profiles_, warnings_);
  *rows = static_cast<int64_t>(users.size());
  return Status::ok();
}

}  // namespace ferry::wenet
