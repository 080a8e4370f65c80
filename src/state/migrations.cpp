// Forward migrations of state/ferry.db. Never edit a released migration: append a new one.
#include "ferry/state/store.h"

namespace ferry::state {

namespace {

const char* kCore = R"sql(
CREATE TABLE runs (
  id            INTEGER PRIMARY KEY,
  started_at    TEXT NOT NULL,             -- ISO-8601 UTC, the run's pinned clock
  finished_at   TEXT,
  outcome       TEXT NOT NULL DEFAULT 'running'
                CHECK (outcome IN ('running','ok','failed','interrupted','crashed')),
  pid           INTEGER NOT NULL,
  units_done    INTEGER NOT NULL DEFAULT 0,
  units_failed  INTEGER NOT NULL DEFAULT 0,
  jobs_finished INTEGER NOT NULL DEFAULT 0,
  jobs_failed   INTEGER NOT NULL DEFAULT 0,
  alerts_sent   INTEGER NOT NULL DEFAULT 0,
  note          TEXT NOT NULL DEFAULT ''
);

CREATE TABLE jobs (
  id             INTEGER PRIMARY KEY,
  kind           TEXT NOT NULL,
  status         TEXT NOT NULL DEFAULT 'queued'
                 CHECK (status IN ('queued','running','succeeded','failed','cancelled')),
  from_date      TEXT,                     -- yyyy-mm-dd, inclusive
  to_date        TEXT,                     -- yyyy-mm-dd, inclusive
  params         TEXT NOT NULL DEFAULT '{}',  -- JSON
  attempts       INTEGER NOT NULL DEFAULT 0,  -- runs that started work on it
  failures       INTEGER NOT NULL DEFAULT 0,  -- tries that ended in a transient failure or a crash
  progress_done  INTEGER NOT NULL DEFAULT 0,
  progress_total INTEGER NOT NULL DEFAULT 0,
  checkpoint     TEXT NOT NULL DEFAULT '',  -- the handler's resume point
  error          TEXT NOT NULL DEFAULT '',  -- last error, one line
  run_id         INTEGER REFERENCES runs(id),
  created_at     TEXT NOT NULL,
  started_at     TEXT,
  finished_at    TEXT,
  updated_at     TEXT NOT NULL
);
CREATE INDEX jobs_by_status ON jobs(status, id);

CREATE TABLE job_outputs (
  id              INTEGER PRIMARY KEY,
  job_id          INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  name            TEXT NOT NULL,            -- file name
  path            TEXT NOT NULL DEFAULT '', -- local copy, if kept
  s3_target       TEXT NOT NULL DEFAULT '',
  s3_key          TEXT NOT NULL DEFAULT '',
  size            INTEGER NOT NULL DEFAULT 0,
  sha256          TEXT NOT NULL DEFAULT '',
  rows            INTEGER NOT NULL DEFAULT 0,
  link            TEXT NOT NULL DEFAULT '',
  link_expires_at TEXT,
  created_at      TEXT NOT NULL,
  UNIQUE (job_id, name)
);

CREATE TABLE marks (
  source     TEXT NOT NULL,                 -- e.g. 'mindtrails:prod'
  stream     TEXT NOT NULL,                 -- e.g. a table name
  value      TEXT NOT NULL,                 -- the high-water mark
  updated_at TEXT NOT NULL,
  PRIMARY KEY (source, stream)
);

CREATE TABLE schedule (
  task       TEXT PRIMARY KEY,              -- a scheduled pipeline's name
  last_done  TEXT NOT NULL,                 -- ISO-8601 UTC of the last completed pass
  last_run   INTEGER REFERENCES runs(id)
);

CREATE TABLE alerts (
  id          INTEGER PRIMARY KEY,
  key         TEXT NOT NULL,                -- what failed, where: one key per distinct problem
  subject     TEXT NOT NULL,
  body        TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  status      TEXT NOT NULL DEFAULT 'pending'
              CHECK (status IN ('pending','sent','suppressed')),
  attempts    INTEGER NOT NULL DEFAULT 0,
  last_error  TEXT NOT NULL DEFAULT '',
  sent_at     TEXT
);
CREATE INDEX alerts_by_status ON alerts(status, key);

CREATE TABLE alert_keys (
  key          TEXT PRIMARY KEY,
  last_sent_at TEXT NOT NULL,
  suppressed   INTEGER NOT NULL DEFAULT 0   -- repeats not mailed since last_sent_at
);

CREATE VIEW queue_depth AS
  SELECT kind, status, count(*) AS jobs FROM jobs
  WHERE status IN ('queued','running') GROUP BY kind, status;

CREATE VIEW failed_jobs AS
  SELECT id, kind, from_date, to_date, attempts, error, finished_at FROM jobs
  WHERE status = 'failed' ORDER BY id DESC;

CREATE VIEW recent_runs AS
  SELECT id, started_at, finished_at, outcome, units_done, units_failed, jobs_finished,
         jobs_failed, alerts_sent, note FROM runs ORDER BY id DESC LIMIT 50;

CREATE VIEW pending_alerts AS
  SELECT id, key, subject, created_at, attempts, last_error FROM alerts WHERE status = 'pending';
)sql";

// Counters a run records beyond the runs row: rows exported, decryption failures, calls...
const char* kRunStats = R"sql(
CREATE TABLE run_stats (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  name   TEXT NOT NULL,                     -- e.g. 'mindtrails:prod:decrypt_failures'
  value  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, name)
);
)sql";

// Versions of the other components' schemas (each pipeline's own tables, see Component).
// Files made before components had their own numbers got the CAKE and MindTrails tables from
// core migrations 3 and 4; those files start their components at version 1.
const char* kComponents = R"sql(
CREATE TABLE schema_versions (
  component TEXT PRIMARY KEY,               -- e.g. 'cake'
  version   INTEGER NOT NULL
);
INSERT INTO schema_versions (component, version)
  SELECT 'cake', 1 WHERE EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'cake_currencies');
INSERT INTO schema_versions (component, version)
  SELECT 'mindtrails', 1 WHERE EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'mindtrails_tables');
ALTER TABLE schedule ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;  -- failed passes in a row
)sql";

// PostgreSQL's: a new database never held the tables of the old core migrations 3 and 4. The
// store made schema_versions already, to record the core's versions before this one.
const char* kComponentsPostgres = R"sql(
CREATE TABLE IF NOT EXISTS schema_versions (
  component TEXT PRIMARY KEY,
  version   BIGINT NOT NULL
);
ALTER TABLE schedule ADD COLUMN failures BIGINT NOT NULL DEFAULT 0;
)sql";

// Where each output was uploaded, so `ferry link` reaches it after the target's config changed.
const char* kOutputLocation = R"sql(
ALTER TABLE job_outputs ADD COLUMN s3_endpoint TEXT NOT NULL DEFAULT '';   -- endpoint URL
ALTER TABLE job_outputs ADD COLUMN s3_region TEXT NOT NULL DEFAULT '';
ALTER TABLE job_outputs ADD COLUMN s3_bucket TEXT NOT NULL DEFAULT '';
ALTER TABLE job_outputs ADD COLUMN s3_object_key TEXT NOT NULL DEFAULT ''; -- prefix + s3_key
)sql";

// A queued job that waits for its data to become final is not started before `not_before`.
const char* kNotBefore = R"sql(
ALTER TABLE jobs ADD COLUMN not_before TEXT;  -- ISO-8601 UTC; NULL: may start at once
)sql";

// Crashes (a run found dead by the next one) are counted apart from transient failures, with a
// higher limit of their own (run.job_crashes).
const char* kCrashes = R"sql(
ALTER TABLE jobs ADD COLUMN crashes INTEGER NOT NULL DEFAULT 0;  -- runs that died while it ran
)sql";

// What the tick and the history pruning read, so that neither scans a table that grows: the
// runs still marked running, runs and finished jobs by age, the runs jobs name, alerts done with
// and alerts still to send.
const char* kHistoryIndexes = R"sql(
CREATE INDEX runs_running ON runs(id) WHERE outcome = 'running';
CREATE INDEX runs_by_start ON runs(started_at);
CREATE INDEX jobs_by_run ON jobs(run_id) WHERE run_id IS NOT NULL;
CREATE INDEX jobs_finished ON jobs(finished_at) WHERE status IN ('succeeded','cancelled');
CREATE INDEX alerts_done ON alerts(created_at) WHERE status <> 'pending';
CREATE INDEX alerts_pending ON alerts(id) WHERE status = 'pending';
)sql";

// Cumulative counters for the metrics file (`ferry_*_total`): kept apart from the history, which
// is pruned, so that a counter never goes down. A file from before starts them from what its
// history still holds: runs by outcome and mails sent.
const char* kTotals = R"sql(
CREATE TABLE totals (
  counter TEXT NOT NULL,                    -- runs, units, rows, job_failures, bytes_uploaded, alerts_sent
  label   TEXT NOT NULL DEFAULT '',         -- the outcome, pipeline or job kind; '' for none
  value   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (counter, label)
);
INSERT INTO totals (counter, label, value)
  SELECT 'runs', outcome, count(*) FROM runs WHERE outcome <> 'running' GROUP BY outcome;
INSERT INTO totals (counter, label, value)
  SELECT 'alerts_sent', '', coalesce(sum(alerts_sent), 0) FROM runs;
)sql";

// The host each run ran on, so that the hosts sharing one state can be told apart (`ferry
// workers`). Runs from before have ''.
const char* kRunHost = R"sql(
ALTER TABLE runs ADD COLUMN host TEXT NOT NULL DEFAULT '';  -- run.host, else the hostname
)sql";

// Leases, for several hosts on one PostgreSQL state: a run holds a lease until `lease_until`,
// renewed while it works; a running job is held through its run (jobs.run_id), a scheduled task
// through a row of `claims`. A run whose lease has passed is taken for dead by the others, which
// then take over what it held. Runs from before have no lease (NULL: taken for dead once ended).
// `call_slots` counts the calls in flight to a source that limits concurrency, across hosts.
// `job_units` holds the units of a job with independent units (an hour of CAKE clicks) that
// runs have claimed, and those done beyond its checkpoint (done out of order): several runs
// work on such a job at once, each unit claimed by one.
const char* kLeases = R"sql(
ALTER TABLE runs ADD COLUMN lease_until TEXT;  -- ISO-8601 UTC; NULL: no lease
CREATE TABLE claims (
  name       TEXT PRIMARY KEY,                 -- task:NAME, one per scheduled task
  run_id     INTEGER NOT NULL,                 -- the run holding it while its run lives
  claimed_at TEXT NOT NULL
);
CREATE INDEX runs_lease ON runs(lease_until) WHERE outcome = 'running';
CREATE TABLE call_slots (
  resource   TEXT NOT NULL,                    -- what limits concurrency: cake:ADMIN_URL
  slot       INTEGER NOT NULL,                 -- 0 .. limit - 1
  run_id     INTEGER NOT NULL,                 -- the run making a call through it
  taken_at   TEXT NOT NULL,
  PRIMARY KEY (resource, slot)
);
CREATE TABLE job_units (
  job_id     INTEGER NOT NULL,                 -- a job of a kind whose units are independent
  unit       INTEGER NOT NULL,                 -- 0 .. progress_total - 1
  run_id     INTEGER NOT NULL,                 -- the run that claimed (or did) it
  claimed_at TEXT NOT NULL,
  done_at    TEXT,                             -- NULL: claimed, held while its run lives
  PRIMARY KEY (job_id, unit)
);
)sql";

}  // namespace

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> kAll = {
      {1, "core: runs, jobs, outputs, marks, schedule, alert outbox", kCore},
      {2, "run_stats: per-run counters", kRunStats},
      // 3 and 4 made the CAKE and MindTrails tables; those are now their components' own.
      {3, "(moved to the cake component)", "-- nothing"},
      {4, "(moved to the mindtrails component)", "-- nothing"},
      {5, "schema_versions: one version per component; schedule failures", kComponents,
       kComponentsPostgres},
      {6, "job_outputs: endpoint, region, bucket and key of each upload", kOutputLocation},
      {7, "jobs.not_before: jobs waiting for final data", kNotBefore},
      {8, "jobs.crashes: runs that died while the job ran", kCrashes},
      {9, "indexes for the tick and for pruning history", kHistoryIndexes},
      {10, "totals: cumulative counters that pruning never lowers", kTotals},
      {11, "runs.host: the host each run ran on", kRunHost},
      {12, "leases: runs.lease_until, claims of scheduled tasks, call slots, job units", kLeases},
  };
  return kAll;
}

}  // namespace ferry::state
