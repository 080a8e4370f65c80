// MindTrails state: per table, the CSV rows are appended to (path, size at the last commit,
// header) and whether the server lets us delete there; per exported row, its server-side
// delete (pending, deleted, gone, kept). The benchmark itself is a mark (MarkStore, source
// `mindtrails:<server>`, stream = table name), moved in the same transaction as save_table.
// A table whose rows have no integer id is exported as a snapshot: its state is the file the
// last snapshot went to and the hash of the reply it was made from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ferry/base/time.h"
#include "ferry/state/store.h"

namespace ferry::mindtrails {

struct MindTrailsTable {
  std::string server, name;
  bool deleteable = true;  // false once the server answered 403 to a delete
  std::string csv_path;    // "" before the first file
  int64_t csv_size = 0;    // bytes of csv_path that are committed
  std::string csv_header;  // JSON array of column names
};

struct MindTrailsSnapshot {
  std::string server, name;
  std::string csv_path;  // the day's file the last snapshot replaced
  int64_t csv_size = 0;  // its size when written
  std::string sha256;    // hex SHA-256 of the reply body the snapshot holds
  int64_t rows = 0;
};

struct MindTrailsDelete {
  std::string name;
  int64_t row_id = 0;
  int64_t attempts = 0;
};

enum class DeleteStatus { kPending, kDeleted, kGone, kKept };
const char* delete_status_name(DeleteStatus s);

// The pipeline's own tables, as its state component's migrations (see state::Component).
std::vector<state::Migration> migrations();

class MindTrailsStore {
 public:
  explicit MindTrailsStore(state::Store& store) : store_(store) {}

  // The table's state, or nullopt before its first commit.
  std::optional<MindTrailsTable> table(const std::string& server, const std::string& name);
  // Inserts or updates every field of `t`.
  void save_table(const MindTrailsTable& t, TimePoint now);

  // The last snapshot of a table without ids, or nullopt before the first.
  std::optional<MindTrailsSnapshot> snapshot(const std::string& server, const std::string& name);
  // Inserts or updates every field of `s`; `wall` is the time it was written.
  void save_snapshot(const MindTrailsSnapshot& s, TimePoint wall);

  // Queues server-side deletes for `ids`: new ids become pending; ids recorded as deleted or
  // gone become pending again (the server still has them); pending and kept ones stay as they
  // are. Returns how many are now newly pending.
  int queue_deletes(const std::string& server, const std::string& name,
                    const std::vector<int64_t>& ids, TimePoint now);
  // Up to `limit` pending deletes of `server`, oldest rows first.
  std::vector<MindTrailsDelete> pending_deletes(const std::string& server, int limit);
  int64_t count_pending(const std::string& server, const std::string& name);
  // Records a try of a delete: attempts + 1, its outcome and note (the error when it failed;
  // a failed try passes kPending and the row stays queued).
  void finish_delete(const std::string& server, const std::string& name, int64_t row_id,
                     DeleteStatus status, const std::string& note, TimePoint now);
  // After a 403: the table is marked not deleteable and its pending deletes become kept.
  // Returns how many were kept.
  int keep_table(const std::string& server, const std::string& name, const std::string& why,
                 TimePoint now);

 private:
  state::Store& store_;
};

}  // namespace ferry::mindtrails
