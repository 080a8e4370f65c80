// One table of one server, in the order of safety:
//   0. the CSV the state records is cut back to its committed size (a run that died after
//      appending but before committing left rows there that will be fetched again);
//   1. GET the rows above the benchmark (rows at or below it are dropped here too);
//   2. when the key is not yet proven in this pass, a few `*RSA` cells are tried: a key that
//      decrypts none of them stops here, before anything is written;
//   3. the whole reply is written to raw_data/ under a name no earlier reply has (temp file,
//      fsync, rename);
//   4. every `*RSA` cell is decrypted (in parallel);
//   5. the new rows are appended to the day's CSV and fsynced;
//   6. ONE transaction moves the benchmark to the highest id written and records the CSV's
//      path, size and header and the rows to delete (when deletes are allowed there).
// Rows whose key set changes start a new file; each file's rows are committed (step 6) before
// the next file is begun, so a crash anywhere loses nothing and duplicates nothing.
// Deletes themselves are sent later by the server pass, from the pending list.
//
// A table whose rows have no integer id (ParticipantExportDAO) cannot be exported by id; it is
// a snapshot: when the reply's SHA-256 differs from the recorded one (or today's file is not the
// recorded snapshot), (1) the raw backup is written, (2) `*RSA` cells are decrypted, (3) the
// whole reply replaces the day's CSV atomically, (4) one transaction records the file and the
// hash. An unchanged reply writes nothing. No benchmark, no deletes, no leftovers.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "ferry/base/clock.h"
#include "ferry/base/time.h"
#include "ferry/crypto/rsa.h"
#include "ferry/mindtrails/client.h"
#include "ferry/mindtrails/settings.h"

namespace ferry {
namespace state {
class Store;
}
namespace log {
class AlertSink;
}
namespace io {
class Env;
}

namespace mindtrails {

class TableCsv;

// What every table of one server pass shares.
struct PassContext {
  const ServerSettings& server;
  const PipelineSettings& pipeline;
  state::Store& store;
  ExportClient& client;
  log::AlertSink& alerts;
  io::Env& env;  // every file written goes through it
  TimePoint now;
  int64_t run_id = 0;
  const crypto::RsaPrivateKey* key = nullptr;  // loaded before the first table
  bool key_proven = false;      // some cell decrypted in this pass: later failures are the data's
  const Clock* wall = nullptr;  // the wall clock, for when state rows were written

  // When a state row is written now: the wall clock (`now` when none is given).
  TimePoint wall_now() const { return wall ? wall->now() : now; }
};

enum class TableStatus {
  kDone,           // exported (or nothing new)
  kFailed,         // a critical step failed; alert raised; nothing uncommitted is kept
  kDeferred,       // the key decrypted none of this table's cells: try it after the others
  kKeyRejected,    // the same on the last try: the key is not the server's
  kDataDirFailed,  // a file could not be written because its folder cannot be: the server's
                   // cause, not the table's (no alert raised; the message names path and error)
  kInterrupted,    // a call was cut by a stop request (base/interrupt.h): nothing uncommitted
                   // is kept, no alert raised; the message names the call
};

struct TableResult {
  TableStatus status = TableStatus::kDone;
  std::string message;  // for every status but kDone and kDeferred
  int64_t rows_written = 0;
  int64_t leftovers = 0;  // exported rows still on a deleteable table that cannot be deleted
};

class TableExporter {
 public:
  TableExporter(PassContext& ctx, TableInfo info);
  ~TableExporter();
  // Exports the table. `last_try`: a key that decrypts nothing is rejected, not deferred.
  TableResult run(bool last_try);

 private:
  struct Reply;
  // Fetches with greaterThan = `greater_than` (default: the benchmark) and exports the reply.
  TableResult fetch_and_export(Reply& reply, int64_t benchmark, bool last_try,
                               std::optional<int64_t> greater_than = std::nullopt);
  // Parses the body and sorts its rows into new, old and unusable. Returns an error or "".
  std::string split(Reply& reply, int64_t benchmark);
  TableResult key_check(const Reply& reply, bool last_try);
  void decrypt(Reply& reply);
  // The steps before any output, in order of safety: the key check, the raw backup (durable
  // before anything else is written), decryption. kDone when all went well.
  TableResult back_up_and_decrypt(Reply& reply, bool last_try);
  TableResult write_rows(const Reply& reply);
  // Exports a reply whose rows have no integer id as the day's snapshot (table_snapshot.cpp).
  TableResult write_snapshot(Reply& reply, bool last_try);
  // The day's file of the snapshot: `<name>_<date>.csv`, or the next part when the table's
  // rows with ids were appended to that one today.
  std::string snapshot_path();
  void queue_leftovers(const Reply& reply);
  bool sweep_wanted(const Reply& reply);
  bool deletes_allowed() const;
  TableResult fail(const std::string& what, const std::string& subject, const std::string& line);

  PassContext& ctx_;
  TableInfo info_;
  bool state_deleteable_ = true;
  bool snapshot_ = false;  // the reply had rows and none with an integer id
  int64_t benchmark_ = 0;  // moves as rows are committed
  std::unique_ptr<TableCsv> csv_;
};

// Writes `body` to raw_dir/<table>_<date>_<time>[.N].json under a name no file has yet
// (atomically, through `env`). Returns the path. Throws OperationError.
std::string write_raw_backup(io::Env& env, const std::string& raw_dir, const std::string& table,
                             TimePoint now, const std::string& body);

}  // namespace mindtrails
}  // namespace ferry
