// The daily CSV files of one table in active_data/, and the rules that keep them exact:
//   - rows are appended under the header of the file they go to, and the header is the sorted
//     keys of the first row written to that file;
//   - a row whose key set differs from the current file's header, or a new local day, starts
//     a new file (`<name>_<date>.csv`, then `.2.csv`, `.3.csv`, ...), never shifting columns;
//   - the state records the file and its size at the last commit; bytes beyond that size were
//     written by a run that died before committing, and are cut off before anything else is
//     appended (those rows are fetched again because the benchmark did not move).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ferry/mindtrails/rows.h"

namespace ferry::io {
class Env;
}

namespace ferry::mindtrails {

// A CSV file as the state records it.
struct CsvFile {
  std::string path;
  uint64_t size = 0;  // committed bytes (header included)
  std::vector<std::string> header;
};

class TableCsv {
 public:
  // `dir` is active_data/, `date` the run's file date (`Feb_01_2016`); `recorded` the file the
  // state names (nullopt before the table's first commit). Files are written through `env`,
  // which must outlive it.
  TableCsv(io::Env& env, std::string dir, std::string table, std::string date,
           std::optional<CsvFile> recorded);

  // Brings the recorded file back to its committed size. Returns a line for the log when it
  // cut bytes or found the file missing or shorter than recorded (then the next rows start a
  // new file), "" otherwise. Throws OperationError when the file cannot be opened or cut.
  std::string restore();

  // The file rows with `keys` go to: the current one when it is today's, still as recorded,
  // and has this header (or is empty); else the next free name of today.
  CsvFile target_for(const std::vector<std::string>& keys) const;
  // Whether `target` is a different file from the recorded one (it must be recorded, with
  // size 0, before anything is written to it).
  bool is_new(const CsvFile& target) const;

  // Appends `rows` under `target` (the header first when the file is empty), fsyncs, and
  // makes `target` the current file. Returns it with its new size. Bytes beyond target.size
  // are cut off first. Throws OperationError, also when the file holds fewer than target.size.
  CsvFile append(const CsvFile& target, const std::vector<const Row*>& rows);

  const std::optional<CsvFile>& current() const { return current_; }

 private:
  io::Env& env_;
  std::string dir_, table_, date_;
  std::optional<CsvFile> current_;
  bool usable_ = true;  // false when the recorded file is missing or shorter than recorded
};

}  // namespace ferry::mindtrails
