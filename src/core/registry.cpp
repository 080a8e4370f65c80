#include "ferry/core/registry.h"

#include <stdexcept>

#include "ferry/config/config.h"
#include "ferry/core/doctor.h"

namespace ferry::core {

void Registry::add_job_kind(JobKind kind) {
  if (find_job_kind(kind.name)) throw std::logic_error("job kind registered twice: " + kind.name);
  job_kinds_.push_back(std::move(kind));
}

void Registry::add_task(TaskKind task) {
  for (const auto& t : tasks_)
    if (t.name == task.name) throw std::logic_error("task registered twice: " + task.name);
  tasks_.push_back(std::move(task));
}

const JobKind* Registry::find_job_kind(const std::string& name) const {
  for (const auto& k : job_kinds_)
    if (k.name == name) return &k;
  return nullptr;
}

void declare_core_config(config::ConfigSchema& schema) {
  using std::chrono::seconds;
  schema.section("state")
      .add_path("dir", "state", "folder of ferry.db and ferry.lock", "../state")
      .add_string("url", "",
                  "postgresql://USER@HOST[:PORT]/DB: the state in that PostgreSQL database, "
                  "shared by every host that runs ticks on it (ferry.lock stays in state.dir); "
                  "empty: the SQLite file state.dir/ferry.db")
      .add_duration("lease", seconds(60),
                    "with state.url: how long a run's claim on its work lasts unless renewed "
                    "(every third of it while the run works); a host silent this long is taken "
                    "for dead and its work taken over (at least 10s)")
      .add_duration("busy_timeout", seconds(10),
                    "how long a write waits for another program's lock on ferry.db")
      .add_duration("keep_history", seconds(400 * 86400),
                    "runs, run_stats and sent alerts older than this are deleted; 0 = for ever")
      .add_duration("keep_jobs", seconds(0),
                    "succeeded and cancelled jobs (and their outputs) older than this are "
                    "deleted; 0 = for ever")
      .add_secret("password",
                  "PostgreSQL password for state.url and `ferry state migrate` (best from the "
                  "environment: FERRY_STATE_PASSWORD); empty: ~/.pgpass");
  schema.section("log")
      .add_path("dir", "logs", "folder of debug.log, daily.log, error.log, critical.log", "../logs")
      .add_int("keep_days", 366, "rotated log files older than this are deleted", 1, 100000)
      .add_string("level", "info", "console level (-v: debug, -q: warning)",
                  {"debug", "info", "warning", "error", "critical", "off"})
      .add_string("format", "text",
                  "the files' lines: text, or json (one object per line, for log shippers)",
                  {"text", "json"});
  schema.section("alerts")
      .add_string("smtp_url", "smtp://127.0.0.1:25", "smtp:// (STARTTLS when offered) or smtps://")
      .add_string("starttls", "auto", "auto: use STARTTLS when offered; required: refuse without",
                  {"auto", "required"})
      .add_string("from", "ferry@localhost", "sender address")
      .add_list("to", {"ops@example.org"}, "recipients; empty disables mail")
      .add_string("username", "", "SMTP login (empty: none)")
      .add_secret("password", "SMTP password")
      .add_duration("min_interval", seconds(3600), "at most one mail per problem per interval")
      .add_string("subject_prefix", "[ferry]", "put before every subject")
      .add_duration("timeout", seconds(30), "SMTP exchange timeout");
  schema.section("run")
      .add_duration("max_time", seconds(270),
                    "the tick's budget: no unit starts after it, HTTP waits end by it")
      .add_int("job_attempts", 3, "failed tries (transient failures) before a job fails", 1, 100)
      .add_int("job_crashes", 10, "runs that died while a job ran before the job fails", 1, 1000)
      .add_string("host", "",
                  "this host's name in the runs it records (`ferry workers`); empty: the "
                  "machine's hostname")
      .add_duration("stop_grace", seconds(5),
                    "after SIGTERM/SIGINT the unit in progress may finish within this")
      .add_duration("max_range", seconds(366 * 86400),
                    "longest date range `ferry queue` accepts without --force");
  schema.section("status").add_path(
      "html_path", "",
      "status page written after every run (e.g. /var/www/ferry/index.html); \"\" = none", "");
  schema.section("metrics").add_path("textfile_path", "",
                                     "Prometheus textfile written after every run (e.g. "
                                     "/var/lib/prometheus/node-exporter/ferry.prom); \"\" = none",
                                     "");
  // Timeouts are per API (each pipeline's and each S3 target's own keys); these are the retries.
  schema.section("http")
      .add_int("max_attempts", 5, "tries per request for timeouts, 429 and 5xx", 1, 20)
      .add_duration("max_backoff", seconds(30), "longest back-off between tries")
      .add_duration("retry_after_cap", seconds(120), "longest Retry-After honoured");
  schema.section("heartbeat")
      .add_secret("url",
                  "healthchecks.io-style ping URL (e.g. https://hc-ping.com/<uuid>); empty: none")
      .add_duration("timeout", seconds(5), "longest time one ping may take, retries included");
  declare_doctor_config(schema);
}

}  // namespace ferry::core
