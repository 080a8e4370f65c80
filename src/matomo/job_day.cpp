// matomo-import: local copies of the objects, and the closing of a day (archive ZIP to the push
// target, archive_command).
#include <spdlog/spdlog.h>

#include <cctype>

#include "ferry/io/env.h"
#include "ferry/log/alerts.h"
#include "ferry/matomo/archive.h"
#include "ferry/matomo/pipeline.h"
#include "ferry/matomo/shell_command.h"
#include "matomo/job_base.h"

namespace ferry::matomo {
namespace {

// The last part of `key`, with anything but letters, digits, `.`, `-` and `_` made `_`.
std::string safe_base_name(const std::string& key) {
  std::string base = key.substr(key.find_last_of('/') + 1);
  if (base.empty()) base = "object";
  for (char& c : base)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') c = '_';
  return base;
}

}  // namespace

int64_t days_between(const Date& a, const Date& b) {
  return days_from_civil(b) - days_from_civil(a);
}

std::string ImportJob::day_dir(const std::string& day) const {
  return settings_.work_dir + "/" + site_.name + "/" + day;
}

std::string ImportJob::local_path(const ObjectRecord& o) const {
  return day_dir(o.day) + "/" + std::to_string(o.seq) + "-" + safe_base_name(o.key);
}

Status ImportJob::download(const ObjectRecord& o, const std::string& path) {
  io::Env& env = services_.env;
  if (env.file_size(path) == o.size) return Status::ok();
  env.make_dirs(day_dir(o.day));
  try {
    pull_->get_file(o.key, path);
  } catch (const OperationError& e) {
    return Failure{e.kind(), "matomo: " + site_.name + ": download of " + o.key + ": " + e.what()};
  }
  const int64_t got = env.file_size(path);
  if (got != o.size) {
    env.remove(path);
    return Failure::permanent("matomo: " + site_.name + ": " + o.key + " has " +
                              std::to_string(got) + " bytes now, " + std::to_string(o.size) +
                              " when listed: it was replaced; queue the day again");
  }
  return Status::ok();
}

core::StepResult ImportJob::close_day(const state::Job& job, const Date& day) {
  MatomoStore store(services_.store);
  const std::string d = format_date(day);
  DayRecord rec = store.day(site_.name, d);
  if (push_ && rec.archive_status == kArchivePending) {
    auto st = archive_day(day);
    if (!st) {
      const Failure& f = st.failure();
      if (f.is_interrupted()) return core::StepResult::failed(f);
      int64_t failures = store.archive_failed(site_.name, d, f.message, services_.wall.now());
      spdlog::error(
          "{} (failure {} in a row; the imports are kept, the upload is tried again "
          "next run)",
          f.message, failures);
      if (failures >= settings_.job_attempts || f.kind == FailureKind::kPermanent)
        services_.alerts.raise("matomo:" + site_.name + ":archive:" + d,
                               "Matomo archive of " + site_.name + " " + d + " keeps failing",
                               f.message + "\n\n" + std::to_string(failures) +
                                   " upload(s) in a row failed; job " + std::to_string(job.id) +
                                   " tries again on every run. Nothing is imported twice.");
      return core::StepResult::wait_until(services_.now);
    }
  }
  if (rec.command_status == "pending") {
    if (settings_.archive_command.empty())
      store.command_done(site_.name, d, true, "no archive_command", services_.wall.now());
    else
      run_archive_command(day);
  }
  return core::StepResult::done();
}

Status ImportJob::archive_day(const Date& day) {
  MatomoStore store(services_.store);
  const std::string d = format_date(day);
  std::vector<std::string> paths;
  for (const auto& o : store.objects(site_.name, d)) {
    if (o.status != kImported) continue;
    paths.push_back(local_path(o));
    if (auto st = download(o, paths.back()); !st) return st;
  }
  const std::string key = archive_key(settings_.push_prefix, site_.name, day);
  const std::string zip = day_dir(d) + "/" + key.substr(key.find_last_of('/') + 1);
  int64_t members = 0;
  try {
    members = build_archive(paths, site_.name, day, zip);
  } catch (const OperationError& e) {
    return Failure{e.kind(), "matomo: " + site_.name + ": archive of " + d + ": " + e.what()};
  }
  if (auto st = upload_archive(*push_, key, zip); !st)
    return st.failure().with_context("matomo: " + site_.name + ": ");
  const int64_t size = services_.env.file_size(zip);
  store.archive_uploaded(site_.name, d, key, size, members, services_.wall.now());
  spdlog::info("matomo: {}: {}: archived {} log(s) ({} bytes) to {}/{}", site_.name, d, members,
               size, push_->describe(), key);
  for (const auto& p : paths) services_.env.remove(p);
  services_.env.remove(zip);
  return Status::ok();
}

void ImportJob::run_archive_command(const Date& day) {
  const std::string d = format_date(day);
  services_.env.make_dirs(day_dir(d));
  const std::string out = day_dir(d) + "/archive_command.out";
  spdlog::info("matomo: {}: {}: running archive_command", site_.name, d);
  CommandResult r =
      run_shell_command(settings_.archive_command, settings_.archive_command_timeout, out,
                        {{"MATOMO_SITE", site_.name},
                         {"MATOMO_IDSITE", std::to_string(site_.idsite)},
                         {"MATOMO_DAY", d}});
  services_.env.remove(out);
  const std::string status = r.describe(settings_.archive_command_timeout);
  MatomoStore(services_.store).command_done(site_.name, d, r.ok(), status, services_.wall.now());
  if (r.ok()) {
    spdlog::info("matomo: {}: {}: archive_command: {}; output:\n{}", site_.name, d, status,
                 r.output);
    return;
  }
  spdlog::error("matomo: {}: {}: archive_command failed: {}; output:\n{}", site_.name, d, status,
                r.output);
  services_.alerts.raise("matomo:" + site_.name + ":archive_command",
                         "Matomo archive_command failed for " + site_.name + " " + d,
                         "archive_command: " + status + "\n\nLast output:\n" + r.output);
}

}  // namespace ferry::matomo
