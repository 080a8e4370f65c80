#include "ferry/mindtrails/table_csv.h"

#include <filesystem>

#include "ferry/base/error.h"
#include "ferry/io/csv.h"
#include "ferry/io/files.h"
#include "ferry/mindtrails/names.h"

namespace ferry::mindtrails {

TableCsv::TableCsv(io::Env& env, std::string dir, std::string table, std::string date,
                   std::optional<CsvFile> recorded)
    : env_(env),
      dir_(std::move(dir)),
      table_(std::move(table)),
      date_(std::move(date)),
      current_(std::move(recorded)) {
  if (current_ && current_->path.empty()) current_.reset();
}

std::string TableCsv::restore() {
  if (!current_) return "";
  const CsvFile& c = *current_;
  int64_t on_disk = env_.file_size(c.path);
  if (on_disk < 0 && c.size == 0) return "";  // recorded, never written: fine
  if (on_disk < 0 || static_cast<uint64_t>(on_disk) < c.size) {
    usable_ = false;
    return c.path + (on_disk < 0 ? " is missing" : " is shorter than recorded") +
           " (moved or edited by hand?); new rows start a new file";
  }
  if (static_cast<uint64_t>(on_disk) == c.size) return "";
  std::string name = std::filesystem::path(c.path).filename().string();
  if (c.size == 0 && csv_part(name, table_, date_) == 0) {
    // Started on an earlier day by a run that died before its first commit: nothing in it
    // is committed and no later rows will go there.
    env_.remove(c.path);
    return "removed " + c.path + ": written by a run that died before committing";
  }
  io::CheckpointedAppendFile(c.path, c.size, env_);
  return "cut " + std::to_string(static_cast<uint64_t>(on_disk) - c.size) + " bytes from " +
         c.path + " written after the last commit (their rows are exported again)";
}

CsvFile TableCsv::target_for(const std::vector<std::string>& keys) const {
  if (current_ && usable_) {
    std::string name = std::filesystem::path(current_->path).filename().string();
    bool today = csv_part(name, table_, date_) > 0;
    if (today && (current_->header == keys || current_->size == 0))
      return CsvFile{current_->path, current_->size, keys};
  }
  for (int part = 1;; ++part) {
    std::string path = dir_ + "/" + csv_name(table_, date_, part);
    if (current_ && path == current_->path) continue;
    if (env_.file_size(path) < 0) return CsvFile{path, 0, keys};
  }
}

bool TableCsv::is_new(const CsvFile& target) const {
  return !current_ || current_->path != target.path;
}

CsvFile TableCsv::append(const CsvFile& target, const std::vector<const Row*>& rows) {
  io::CheckpointedAppendFile f(target.path, target.size, env_);
  if (f.short_of_committed())
    throw OperationError(FailureKind::kPermanent,
                         target.path + " holds " + std::to_string(f.size()) +
                             " bytes, fewer than the " + std::to_string(target.size) + " recorded");
  std::string text;
  if (f.size() == 0) io::append_csv_row(text, target.header);
  for (const Row* row : rows) io::append_csv_row(text, csv_fields(*row, target.header));
  f.append(text);
  current_ = CsvFile{target.path, f.sync(), target.header};
  usable_ = true;
  return *current_;
}

}  // namespace ferry::mindtrails
