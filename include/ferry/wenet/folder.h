// A report folder that appears complete or not at all: files are written into
// `<output_dir>/.tmp-<name>/`, each fsynced when closed, and commit() puts the folder at
// `<output_dir>/<name>/` (replacing an earlier folder of that name) only after every file and
// the folder itself are synced. Until then an earlier `<name>/` is untouched. Every file write,
// fsync and rename goes through io::Env; failures throw OperationError (io/env.h).
#pragma once

#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace ferry::io {
class Env;
}

namespace ferry::wenet {

class ReportFolder {
 public:
  // Removes what an earlier run left in `output_dir` (clean_leftovers), then creates the empty
  // temp folder (and `output_dir` when missing). Throws OperationError.
  ReportFolder(io::Env& env, std::string output_dir, std::string name);
  // Without commit(): removes the temp folder and its files (best effort, never throws).
  ~ReportFolder();
  ReportFolder(const ReportFolder&) = delete;
  ReportFolder& operator=(const ReportFolder&) = delete;

  // Creates `file` in the temp folder and returns a buffered stream onto it (valid until
  // close(file)); a failed write throws OperationError from the stream's operations.
  // Precondition: `file` is a plain name not opened before.
  std::ostream& open(const std::string& file);
  // Flushes, fsyncs and closes `file`. Throws OperationError.
  void close(const std::string& file);
  // Precondition: every opened file is closed. Syncs the temp folder, renames it to
  // `<output_dir>/<name>` (an earlier folder of that name goes aside first and is removed
  // after), and syncs `output_dir`. Returns the final folder's path. Throws OperationError;
  // the earlier folder is then still (or again, after the next clean_leftovers) in place.
  std::string commit();

  const std::string& temp_path() const { return temp_; }
  const std::string& final_path() const { return final_; }
  // Names of the closed files, in the order they were opened.
  const std::vector<std::string>& files() const { return order_; }

 private:
  class Stream;
  io::Env& env_;
  std::string output_dir_;
  std::string temp_, final_, old_;
  std::map<std::string, std::unique_ptr<Stream>> open_;
  std::vector<std::string> order_;
  bool committed_ = false;
};

// Tidies `output_dir` after a run that died: removes every `.tmp-*` folder; puts an `.old-NAME`
// folder back as `NAME` when no `NAME` exists (a run died between its two renames), else removes
// it. Nothing when `output_dir` does not exist. Throws OperationError.
void clean_leftovers(io::Env& env, const std::string& output_dir);

}  // namespace ferry::wenet
