// The deletes pass: pending deletes are sent only after their rows were committed, in batches.
#include <spdlog/spdlog.h>

#include <map>

#include "ferry/log/alerts.h"
#include "ferry/mindtrails/server_pass.h"
#include "ferry/mindtrails/store.h"

namespace ferry::mindtrails {

DeleteBatch send_delete_batch(PassContext& ctx, int limit) {
  MindTrailsStore mt(ctx.store);
  const std::string& server = ctx.server.name;
  auto batch = mt.pending_deletes(server, limit);
  DeleteBatch out;
  std::map<std::string, bool> deleteable;  // per table, as the state says now
  for (const auto& d : batch) {
    auto it = deleteable.find(d.name);
    if (it == deleteable.end()) {
      auto t = mt.table(server, d.name);
      it = deleteable.emplace(d.name, !t || t->deleteable).first;
    }
    if (!it->second) {
      mt.finish_delete(server, d.name, d.row_id, DeleteStatus::kKept, "the table is not deleteable",
                       ctx.wall_now());
      ++out.kept;
      continue;
    }
    DeleteResult r = ctx.client.remove(d.name, d.row_id);
    switch (r.outcome) {
      case DeleteOutcome::kDeleted:
        mt.finish_delete(server, d.name, d.row_id, DeleteStatus::kDeleted, "", ctx.wall_now());
        ++out.deleted;
        break;
      case DeleteOutcome::kGone:
        mt.finish_delete(server, d.name, d.row_id, DeleteStatus::kGone, r.error, ctx.wall_now());
        ++out.gone;
        break;
      case DeleteOutcome::kForbidden: {
        int kept = 0;
        ctx.store.transaction(
            [&] { kept = mt.keep_table(server, d.name, r.error, ctx.wall_now()); });
        it->second = false;
        out.kept += kept;
        spdlog::warn(
            "mindtrails: {}: {}: the server refuses deletes ({}); the table is kept "
            "from now on ({} queued deletes dropped)",
            server, d.name, r.error, kept);
        break;
      }
      case DeleteOutcome::kInterrupted:
        out.interrupted = d.name + ": " + r.error;
        return out;
      case DeleteOutcome::kFailed:
        mt.finish_delete(server, d.name, d.row_id, DeleteStatus::kPending, r.error, ctx.wall_now());
        ctx.alerts.raise(ctx.server.source() + ":" + d.name + ":delete",
                         "MindTrails " + server + ": delete failed (" + d.name + ")",
                         r.error +
                             "\n\nThe row is exported and stays queued for deletion; a "
                             "later run sends the delete again.");
        out.failure = d.name + ": " + r.error;
        return out;
    }
  }
  out.more = static_cast<int>(batch.size()) >= limit;
  return out;
}

}  // namespace ferry::mindtrails
