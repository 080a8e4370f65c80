// MindTrails configuration: `[mindtrails]` (pipeline-wide) and `[[mindtrails.server]]` (one
// entry per site), read once per run into plain structs that the rest of the pipeline takes.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "ferry/core/pipeline.h"
#include "ferry/crypto/rsa.h"

namespace ferry {
namespace config {
class Config;
class ConfigSchema;
}  // namespace config

namespace mindtrails {

struct ServerSettings {
  std::string name;         // names the server in state, alerts and logs
  std::string export_url;   // normalised: ends in `/api/export`, no trailing slash
  std::string username;     // HTTP Basic account (an admin of the site)
  std::string password;     // secret
  std::string private_key;  // PEM path (PKCS#1 or PKCS#8)
  std::string passphrase;   // secret; for an encrypted key only
  crypto::Padding padding = crypto::Padding::kPkcs1;
  bool delete_rows = false;          // `delete`: remove exported rows from deleteable tables
  std::string data_dir;              // holds active_data/, raw_data/, recovered_data/
  std::vector<std::string> include;  // exact table names; empty means all
  std::vector<std::string> exclude;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds timeout{60'000};  // one whole request (list, table, delete)

  std::string raw_dir() const { return data_dir + "/raw_data"; }
  std::string active_dir() const { return data_dir + "/active_data"; }
  std::string recovered_dir() const { return data_dir + "/recovered_data"; }
  // `mindtrails:<name>`: the marks source and the prefix of alert keys and run_stats names.
  std::string source() const { return "mindtrails:" + name; }
  // Whether `table` passes include/exclude.
  bool wants(const std::string& table) const;
};

struct PipelineSettings {
  bool enabled = true;
  unsigned decrypt_threads = 0;  // 0 = every core
  int delete_batch = 200;        // deletes sent per step of the deletes pass
};

// Declares `[mindtrails]` and `[[mindtrails.server]]`.
void register_mindtrails_config(config::ConfigSchema& schema);

// The export endpoint for a configured URL: `…/api/export` as given, `…/api/` or `…/api`
// gets `export` added; a trailing slash is dropped.
std::string normalise_export_url(const std::string& url);

PipelineSettings pipeline_settings(const config::Config& config);

// Every configured server, in file order. Throws UsageError naming the entry when a server
// has no url or data_dir, a bad padding, or shares its data_dir with another server (their
// CSVs would overwrite each other).
std::vector<ServerSettings> server_settings(const config::Config& config);

// Every MindTrails value a run would reject (a server without a name, url or data_dir, two
// servers sharing a data_dir or a name, timeouts under 1s), each with where it was set.
std::vector<core::ConfigProblem> check_config(const config::Config& config);
// With a PostgreSQL state (`state.url`, several hosts), each server whose data_dir is not
// marked `shared = true`: the daily CSVs are appended to by whichever host runs the pass, so
// they must be in one folder every host mounts.
std::vector<core::ConfigProblem> shared_state_warnings(const config::Config& config);

}  // namespace mindtrails
}  // namespace ferry
