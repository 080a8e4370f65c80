// TableExporter, snapshots: a table whose rows have no integer id is written whole to the day's
// CSV, replacing it atomically, only when the reply differs from the last snapshot.
#include <spdlog/spdlog.h>

#include <filesystem>

#include "ferry/base/error.h"
#include "ferry/crypto/hash.h"
#include "ferry/io/files.h"
#include "ferry/mindtrails/names.h"
#include "ferry/mindtrails/rows.h"
#include "ferry/mindtrails/store.h"
#include "ferry/mindtrails/table_export.h"
#include "mindtrails/reply.h"

namespace ferry::mindtrails {

std::string TableExporter::snapshot_path() {
  // Today's first part, unless rows with ids were appended there (the table had ids before).
  auto appended = MindTrailsStore(ctx_.store).table(ctx_.server.name, info_.name);
  for (int part = 1;; ++part) {
    std::string path =
        ctx_.server.active_dir() + "/" + csv_name(info_.name, file_date(ctx_.now), part);
    if (!appended || appended->csv_path != path) return path;
  }
}

TableResult TableExporter::write_snapshot(Reply& reply, bool last_try) {
  MindTrailsStore mt(ctx_.store);
  const std::string path = snapshot_path();
  const std::string hash = crypto::sha256_hex(reply.body);
  auto last = mt.snapshot(ctx_.server.name, info_.name);
  if (last && last->sha256 == hash && last->csv_path == path &&
      ctx_.env.file_size(path) == last->csv_size) {
    spdlog::debug("mindtrails: {}: {}: unchanged since the last snapshot", ctx_.server.name,
                  info_.name);
    return {};
  }
  TableResult result = back_up_and_decrypt(reply, last_try);
  if (result.status != TableStatus::kDone) return result;
  const std::string text = snapshot_csv(reply.fresh);
  try {
    io::AtomicFile f(path, ctx_.env);
    f.write(text);
    f.commit();
  } catch (const OperationError& e) {
    return fail("csv", "CSV write failed", e.what());
  }
  const auto rows = static_cast<int64_t>(reply.fresh.size());
  ctx_.store.transaction([&] {
    mt.save_snapshot(
        {ctx_.server.name, info_.name, path, static_cast<int64_t>(text.size()), hash, rows},
        ctx_.wall_now());
  });
  result.rows_written = rows;
  spdlog::info("mindtrails: {}: {}: rows have no id; snapshot of {} rows written to {}{}",
               ctx_.server.name, info_.name, rows, std::filesystem::path(path).filename().string(),
               last && last->sha256 != hash ? " (the table changed)" : "");
  return result;
}

}  // namespace ferry::mindtrails
