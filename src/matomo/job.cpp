// matomo-import: list a day, import its objects one per unit, then close the day (see
// pipeline.h). The day's closing (archive, archive_command) is in job_day.cpp.
#include <spdlog/spdlog.h>

#include "ferry/io/env.h"
#include "ferry/log/alerts.h"
#include "ferry/matomo/import.h"
#include "ferry/matomo/pipeline.h"
#include "ferry/matomo/selection.h"
#include "ferry/matomo/sender.h"
#include "ferry/net/object_store.h"
#include "ferry/state/jobs.h"
#include "matomo/job_base.h"

namespace ferry::matomo {

using core::StepResult;

core::StepResult ImportJob::step(state::Job& job) {
  try {
    return step_unguarded(job);
  } catch (const OperationError& e) {
    return StepResult::failed(Failure{e.kind(), "matomo: " + site_.name + ": " + e.what()});
  }
}

Status ImportJob::prepare(const state::Job& job) {
  if (prepared_) return Status::ok();
  if (!settings_.enabled)
    return Failure::permanent("matomo: [matomo] enabled is false; set it to true to import");
  if (auto st = check_settings(settings_); !st) return st;
  const std::string name = site_of_params(job.params);
  const SiteSettings* site = settings_.site(name);
  if (!site)
    return Failure::permanent("matomo: job " + std::to_string(job.id) + " names site '" + name +
                              "', which is no [[matomo.site]]");
  site_ = *site;
  auto format = parse_log_format(site_.format);
  if (!format)
    return Failure::permanent("matomo: " + site_.name + ": unknown format " + site_.format);
  format_ = *format;
  zone_ = *TimeZone::find(settings_.timezone);  // check_settings found it
  auto from = parse_date(job.from_date);
  auto to = parse_date(job.to_date);
  if (!from || !to || *to < *from)
    return Failure::permanent("matomo: job " + std::to_string(job.id) + " has no valid date range");
  from_ = *from;
  to_ = *to;
  try {
    pull_ = services_.object_store(settings_.pull);
    if (!settings_.push.empty()) push_ = services_.object_store(settings_.push);
  } catch (const UsageError& e) {
    return Failure::permanent(std::string("matomo: ") + e.what());
  }
  prepared_ = true;
  return Status::ok();
}

StepResult ImportJob::step_unguarded(state::Job& job) {
  if (auto st = prepare(job); !st) return StepResult::failed(st.failure());
  Date day = from_;
  if (!job.checkpoint.empty()) {
    auto at = parse_date(job.checkpoint);
    if (!at)
      return StepResult::failed(
          Failure::permanent("matomo: unreadable checkpoint '" + job.checkpoint + "'"));
    day = *at;
  }
  if (to_ < day) return StepResult::done();
  const std::string d = format_date(day);
  if (listed_ != d) {
    if (auto st = list_day(job, day); !st) return StepResult::failed(st.failure());
    return StepResult::more();
  }
  for (const auto& o : MatomoStore(services_.store).objects(site_.name, d)) {
    if (o.status == kImported) continue;
    if (auto st = import_object(job, o); !st) return StepResult::failed(st.failure());
    return StepResult::more();
  }
  auto closed = close_day(job, day);
  if (closed.status != core::StepStatus::kDone) return closed;
  const Date next = add_days(day, 1);
  state::JobStore(services_.store)
      .commit_unit(job.id, format_date(next), days_between(from_, next),
                   days_between(from_, to_) + 1, {}, services_.wall.now());
  return to_ < next ? StepResult::done() : StepResult::more();
}

Status ImportJob::list_day(const state::Job& job, const Date& day) {
  auto listed = select_day(*pull_, site_, zone_, day);
  if (!listed) return listed.failure();
  const std::string d = format_date(day);
  int added = MatomoStore(services_.store).add_listed(site_.name, d, *listed, services_.wall.now());
  spdlog::info("matomo: {}: {}: {} object(s) uploaded that day under {}, {} new", site_.name, d,
               listed->size(), site_.prefix.empty() ? "(the whole target)" : site_.prefix, added);
  if (job.progress_total == 0)
    state::JobStore(services_.store)
        .set_total(job.id, days_between(from_, to_) + 1, services_.wall.now());
  listed_ = d;
  return Status::ok();
}

Status ImportJob::connect() {
  if (client_) return Status::ok();
  ClientOptions options{settings_.url, settings_.token_auth, settings_.connect_timeout,
                        settings_.timeout};
  auto client = std::make_unique<Client>(services_.http, options);
  std::string main_url = site_.main_url;
  if (main_url.empty()) {
    auto got = client->main_url(site_.idsite);
    if (!got) {
      if (got.failure().kind == FailureKind::kPermanent) alert_refused(got.failure().message);
      return got.failure().with_context("matomo: " + site_.name + ": ");
    }
    main_url = *got;
  }
  hit_options_.idsite = site_.idsite;
  hit_options_.main_url = main_url;
  hit_options_.enable_static = settings_.enable_static;
  hit_options_.enable_bots = settings_.enable_bots;
  hit_options_.enable_http_errors = settings_.enable_http_errors;
  hit_options_.enable_http_redirects = settings_.enable_http_redirects;
  client_ = std::move(client);
  return Status::ok();
}

void ImportJob::alert_refused(const std::string& message) {
  services_.alerts.raise(
      "matomo:" + site_.name + ":refused",
      "Matomo refused site " + site_.name + " (idsite " + std::to_string(site_.idsite) + ")",
      message +
          "\n\nCheck matomo.token_auth (write access to the site) and "
          "the site's idsite.");
}

Status ImportJob::import_object(const state::Job& job, ObjectRecord o) {
  if (auto st = connect(); !st) return st;
  MatomoStore store(services_.store);
  const int64_t twice_before = o.maybe_twice;
  o = store.start(o, job.id, services_.wall.now());
  if (o.maybe_twice > twice_before)
    spdlog::warn(
        "matomo: {}: {}: resuming after line {}; {} hit(s) in flight then may be sent "
        "twice",
        site_.name, o.key, o.confirmed_line, o.maybe_twice - twice_before);
  const std::string path = local_path(o);
  if (auto st = download(o, path); !st) return st;
  auto counts = send_object(o, path);
  if (!counts) {
    Failure f = counts.failure();
    if (f.kind == FailureKind::kPermanent) alert_refused(f.message);
    if (f.is_transient()) f.kind = FailureKind::kPermanent;  // the Sender tried max_attempts
    f = f.with_context("matomo: " + site_.name + ": " + o.key + ": ");
    if (!f.is_interrupted()) store.set_error(o, f.message, services_.wall.now());
    return f;
  }
  ObjectTotals t{static_cast<int64_t>(counts->lines), counts->hits, counts->invalid,
                 counts->skipped(), counts->members};
  store.finish(o, t, push_ != nullptr, services_.wall.now());
  auto done = *store.find(o.site, o.key, o.etag);
  spdlog::info("matomo: {}: {}: {} lines, {} hits confirmed, {} invalid lines, {} skipped",
               site_.name, o.key, t.lines, done.hits_confirmed, t.invalid_lines, t.skipped_lines);
  if (done.tracked + done.matomo_invalid < done.hits_confirmed)
    spdlog::warn("matomo: {}: {}: Matomo counted {} tracked + {} invalid of {} hits sent",
                 site_.name, o.key, done.tracked, done.matomo_invalid, done.hits_confirmed);
  if (!push_) services_.env.remove(path);
  return Status::ok();
}

Result<ImportCounts> ImportJob::send_object(const ObjectRecord& o, const std::string& path) {
  ImportOptions options;
  options.format = format_;
  options.hits = hit_options_;
  options.resume_after = static_cast<uint64_t>(o.confirmed_line);
  options.should_stop = [this] { return !services_.budget.can_start_unit(); };
  SenderOptions so;
  so.recorders = settings_.recorders;
  so.batch_size = settings_.batch_size;
  so.max_attempts = settings_.job_attempts;
  so.retry_delay = settings_.retry_delay;
  MatomoStore store(services_.store);
  Client& client = *client_;
  Sender sender(
      [&client](const std::vector<std::string_view>& hits) { return client.send_bulk(hits); }, so,
      [&](const WaveCommit& w) {
        ObjectProgress p{static_cast<int64_t>(w.confirmed_line), w.hits_confirmed, w.tracked,
                         w.invalid, w.in_flight_hits};
        store.progress(o, p, services_.wall.now());
      });
  return import_file(path, options, &sender);
}

}  // namespace ferry::matomo
