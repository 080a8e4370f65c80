// One server's share of a `mindtrails` pass, as units of work for the runner:
//   start   load the private key (a key that cannot be loaded stops this server before
//           anything is fetched or deleted), then GET the table list;
//   tables  one table per step (TableExporter), in list order, include/exclude applied,
//           tables listed with size 0 skipped; a table whose cells the key cannot decrypt is
//           tried again after the others, and if the key proves no better the server stops
//           before anything is deleted;
//   deletes pending deletes of this server, a batch per step, only when `delete = true`;
//           200 deleted, 404 gone, 403 the table is kept from now on, anything else stays
//           pending (alerted) and the pass moves on;
//   digest  exported rows still on deleteable tables that cannot be deleted: one alert per
//           server per local day listing tables and counts.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ferry/crypto/rsa.h"
#include "ferry/mindtrails/client.h"
#include "ferry/mindtrails/settings.h"
#include "ferry/mindtrails/table_export.h"

namespace ferry {
namespace core {
struct Services;
}

namespace mindtrails {

struct DeleteBatch {
  int deleted = 0, gone = 0, kept = 0;
  bool more = false;        // a full batch was sent: there may be more pending
  std::string failure;      // a delete that failed after retries (alerted); the rest wait
  std::string interrupted;  // a delete cut by a stop request (not alerted); it stays pending
};

// Sends up to `limit` pending deletes of ctx.server (oldest rows first) and records each
// outcome. Never sends for a table the state marks not deleteable.
DeleteBatch send_delete_batch(PassContext& ctx, int limit);

class ServerPass {
 public:
  // `server`, `pipeline` and `services` must outlive the pass.
  ServerPass(const ServerSettings& server, const PipelineSettings& pipeline,
             core::Services& services);
  ~ServerPass();

  // One unit of work. Returns true when this server's pass is over.
  bool step();
  // One line per critical problem met (each was alerted).
  const std::vector<std::string>& failures() const { return failures_; }
  // Set when a call was cut by a stop request (SIGTERM, the run's budget): the pass ended
  // there with no alert, and nothing uncommitted was kept. Names the call.
  const std::optional<std::string>& interrupted() const { return interrupted_; }

 private:
  enum class Phase { kStart, kTables, kDeletes, kDigest, kDone };
  void start();
  void next_table();
  void deletes();
  void digest();
  void stop(const std::string& alert_key, const std::string& subject, const std::string& line);
  // Stops the pass with the one alert of a data_dir that cannot be written (`<source>:data_dir`);
  // `line` names the path and the system error.
  void stop_for_data_dir(const std::string& line);
  // Ends the pass for a call cut by a stop request: no alert.
  void interrupt(const std::string& line);

  const ServerSettings& server_;
  const PipelineSettings& pipeline_;
  core::Services& services_;
  ExportClient client_;
  std::optional<crypto::RsaPrivateKey> key_;
  PassContext ctx_;
  Phase phase_ = Phase::kStart;
  std::deque<TableInfo> tables_;
  std::vector<TableInfo> deferred_;
  bool last_round_ = false;
  std::map<std::string, int64_t> leftovers_;  // table -> rows that cannot be deleted
  std::vector<std::string> failures_;
  std::optional<std::string> interrupted_;
};

// Whether a listed table name can be used in file names: letters, digits, `_`, `-`, `$`, `.`,
// not starting with a dot (Java class names always are).
bool safe_table_name(const std::string& name);

}  // namespace mindtrails
}  // namespace ferry
