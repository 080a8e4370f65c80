// Runs that stopped because the state was locked: the file beside the state, and closing them.
#include "ferry/sql/statement.h"

#include <sstream>

#include "ferry/io/env.h"
#include "ferry/io/files.h"
#include "ferry/state/runs.h"

namespace ferry::state {
namespace {

// `ids` as a JSON array, for Store::json_ints().
std::string json_ids(const std::vector<int64_t>& ids) {
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  return out + "]";
}

}  // namespace

std::vector<int64_t> UnrecordedRuns::ids() const {
  io::Env& env = io::Env::posix();
  if (env.file_size(path_) < 0) return {};
  std::istringstream in(env.read_file(path_));
  std::vector<int64_t> out;
  int64_t id = 0;
  while (in >> id)
    if (id > 0) out.push_back(id);
  return out;
}

void UnrecordedRuns::add(int64_t run_id) const {
  std::string text;
  for (int64_t id : ids())
    if (id != run_id) text += std::to_string(id) + "\n";
  io::write_file_atomic(path_, text + std::to_string(run_id) + "\n");
}

void UnrecordedRuns::clear() const {
  io::Env::posix().remove(path_);
}

int RunStore::close_unrecorded(const std::vector<int64_t>& ids, TimePoint now) {
  if (ids.empty()) return 0;
  int jobs = 0;
  const std::string t = format_iso8601(now);
  store_.transaction([&] {
    sql::Statement runs(store_.db(),
                        "UPDATE runs SET outcome = 'interrupted', note = "
                        "'stopped: another program held the state file locked; its jobs "
                        "were queued again by the next run' WHERE outcome = 'running' AND "
                        "id IN " +
                            store_.json_ints());
    runs.bind(1, json_ids(ids));
    TotalStore(store_).add("runs", "interrupted", runs.run());
    sql::Statement q(store_.db(),
                     "UPDATE jobs SET status = 'queued', error = '', updated_at = ?, "
                     "finished_at = NULL WHERE status = 'running' AND "
                     "run_id IN " +
                         store_.json_ints());
    q.bind(1, t);
    q.bind(2, json_ids(ids));
    jobs = q.run();
  });
  return jobs;
}

}  // namespace ferry::state
