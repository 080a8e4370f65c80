// The Matomo pipeline's tables (state component `matomo`): every object selected for a site and
// day with its import record (matomo_objects), and per site and day the archive upload and the
// archive_command (matomo_days). Statistics are read from them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ferry/base/time.h"
#include "ferry/state/store.h"

namespace ferry::matomo {

// The component's migrations.
std::vector<state::Migration> migrations();

// Object statuses.
inline constexpr const char* kPending = "pending";      // listed, not started
inline constexpr const char* kImporting = "importing";  // started; confirmed_line says how far
inline constexpr const char* kImported = "imported";    // every line sent and confirmed

struct ObjectRecord {
  std::string site, day, key, etag;  // day: yyyy-mm-dd, the upload day the object was chosen for
  int64_t size = 0;
  std::string last_modified;
  int64_t seq = 0;  // import order within the site and day, from 0
  std::string status = kPending;
  int64_t confirmed_line = 0;  // every line up to it is confirmed (lines count across members)
  int64_t lines = 0, hits = 0, invalid_lines = 0, skipped_lines = 0;  // when imported
  int64_t hits_confirmed = 0, tracked = 0, matomo_invalid = 0;        // from Matomo's replies
  int64_t in_flight = 0;    // hits sent and not yet confirmed at the last checkpoint
  int64_t maybe_twice = 0;  // hits that may have been sent twice (in flight at a crash)
  int64_t members = 0;      // logs in the object (ZIP members, or 1)
  int64_t job_id = 0;
  std::string error;
};

// One checkpoint: the wave(s) Matomo confirmed and what is in flight now.
struct ObjectProgress {
  int64_t confirmed_line = 0;
  int64_t hits_confirmed = 0, tracked = 0, matomo_invalid = 0;  // added to the totals
  int64_t in_flight = 0;                                        // replaces the recorded one
};

// The totals of an object imported to its end.
struct ObjectTotals {
  int64_t lines = 0, hits = 0, invalid_lines = 0, skipped_lines = 0, members = 0;
};

inline constexpr const char* kArchiveNone = "none";  // nothing to archive (or no push target)
inline constexpr const char* kArchivePending = "pending";
inline constexpr const char* kArchiveUploaded = "uploaded";

struct DayRecord {
  std::string site, day;
  std::string archive_status = kArchiveNone;
  std::string archive_key;  // key in the push target
  int64_t archive_size = 0, archive_members = 0, archive_failures = 0;
  std::string archive_error, archived_at;
  std::string command_status;  // "", "pending", "ok", "failed"
  std::string command_note;
};

// One row of `ferry stats matomo`: a site and day, from its imported objects.
struct StatsRow {
  std::string site, day;
  int64_t files = 0, bytes = 0, lines = 0, hits_sent = 0, hits_confirmed = 0, invalid_lines = 0,
          skipped_lines = 0, maybe_twice = 0;
  int64_t avg_bytes() const { return files ? bytes / files : 0; }
};

// A listed object, as the selection gives it.
struct ListedObject {
  std::string key, etag, last_modified;
  int64_t size = 0;
};

class MatomoStore {
 public:
  explicit MatomoStore(state::Store& store) : store_(store) {}

  // Records the objects of `listed` (in key order) that are not yet known by site, key and
  // ETag, as pending for `day`, numbered after the day's highest seq. Returns how many.
  int add_listed(const std::string& site, const std::string& day,
                 const std::vector<ListedObject>& listed, TimePoint now);
  std::optional<ObjectRecord> find(const std::string& site, const std::string& key,
                                   const std::string& etag);
  // The objects of a site and day, in seq order.
  std::vector<ObjectRecord> objects(const std::string& site, const std::string& day);

  // Marks the object importing for `job_id`. An import that was in flight at a crash (or a
  // failure) adds its in_flight hits to maybe_twice and clears them. Returns the record.
  ObjectRecord start(const ObjectRecord& o, int64_t job_id, TimePoint now);
  // Records one checkpoint.
  void progress(const ObjectRecord& o, const ObjectProgress& p, TimePoint now);
  // Marks the object imported with its totals; marks the day's archive pending when
  // `archive` and its archive_command pending when the object had hits, in one transaction.
  void finish(const ObjectRecord& o, const ObjectTotals& t, bool archive, TimePoint now);
  // Records the last error of an object (its status stays).
  void set_error(const ObjectRecord& o, const std::string& error, TimePoint now);

  // The day's record (defaults when none was written).
  DayRecord day(const std::string& site, const std::string& day);
  void archive_uploaded(const std::string& site, const std::string& day, const std::string& key,
                        int64_t size, int64_t members, TimePoint now);
  // Counts a failed upload; returns the failures in a row.
  int64_t archive_failed(const std::string& site, const std::string& day, const std::string& error,
                         TimePoint now);
  void command_done(const std::string& site, const std::string& day, bool ok,
                    const std::string& note, TimePoint now);

  // Per site and day with imported objects, in day then site order; `site` "" = every site;
  // `from`/`to` "" = open.
  std::vector<StatsRow> stats(const std::string& site, const std::string& from,
                              const std::string& to);

 private:
  void ensure_day(const std::string& site, const std::string& day, TimePoint now);
  state::Store& store_;
};

}  // namespace ferry::matomo
