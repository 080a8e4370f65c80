// Recovery: rebuilds one table's CSV from its raw backups alone (no state, no server, no
// deletes). Raw files are those named for exactly that table (`DD` never takes `DD_FU_…`),
// read in the time order their names give (not alphabetical), each reply's rows by id, each id
// once (the first file that holds it wins; later copies are counted as duplicates). Rows are
// decrypted and written as the export writes them, key-set changes included (`.2.csv`, ...).
// A table whose rows have no id (a snapshot table, e.g. ParticipantExportDAO) is recovered from
// its newest readable raw file alone, which holds the whole table, written as its snapshot.
// Writes out_dir/<table>_recovered_<date>.csv and README_<table>_recovered_<date>.txt
// (atomically; a recovery run again the same day replaces them).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ferry/base/time.h"
#include "ferry/crypto/rsa.h"
#include "ferry/io/env.h"

namespace ferry::mindtrails {

struct RecoverOptions {
  std::string raw_dir;
  std::string out_dir;
  std::string table;
  const crypto::RsaPrivateKey* key = nullptr;  // required
  crypto::Padding padding = crypto::Padding::kPkcs1;
  unsigned threads = 0;              // decryption threads; 0 = every core
  TimePoint now;                     // dates the output names and the summary
  io::Env* env = &io::Env::posix();  // what raw files are read and outputs written through
};

struct RecoverReport {
  std::vector<std::string> files;       // raw files read, in time order
  std::vector<std::string> unreadable;  // "file: why" for files that are not row arrays
  std::vector<std::string> outputs;     // CSVs written
  std::string readme;                   // the summary file
  int64_t rows = 0;
  int64_t duplicates = 0;  // ids already taken from an earlier file
  int64_t without_id = 0;
  bool snapshot = false;  // a table without ids: only the newest raw file was read
  int64_t decrypt_failures = 0;
};

// Raw backups of exactly `table` in `raw_dir`, oldest first (by the time in their names, then
// their sequence number). Empty when the folder is missing. Throws OperationError when it
// cannot be listed.
std::vector<std::string> raw_backups(const std::string& raw_dir, const std::string& table,
                                     io::Env& env = io::Env::posix());

// Throws UsageError when there is no raw backup of the table, OperationError when a file
// cannot be read or written.
RecoverReport recover_table(const RecoverOptions& options);

}  // namespace ferry::mindtrails
