// TableExporter, second half: the key check, decryption, the CSV appends with their commits,
// and the leftovers (exported rows still on the server).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "ferry/base/error.h"
#include "ferry/mindtrails/decrypt.h"
#include "ferry/mindtrails/names.h"
#include "ferry/mindtrails/store.h"
#include "ferry/mindtrails/table_csv.h"
#include "ferry/mindtrails/table_export.h"
#include "ferry/state/runs.h"
#include "ferry/toolkit/day_guard.h"
#include "mindtrails/reply.h"

namespace ferry::mindtrails {
namespace {

constexpr size_t kProbeCells = 8;           // cells tried before the key is trusted
constexpr size_t kLoggedCellFailures = 10;  // per reply; the rest are only counted

// Consecutive rows with the same key set: each run of them goes to one file.
std::vector<std::vector<const Row*>> segments(const std::vector<Row>& rows) {
  std::vector<std::vector<const Row*>> out;
  std::vector<std::string> keys;
  for (const auto& row : rows) {
    auto k = row.sorted_keys();
    if (out.empty() || k != keys) out.emplace_back();
    keys = std::move(k);
    out.back().push_back(&row);
  }
  return out;
}

// ` +added -removed` for the log line of a key-set change.
std::string key_change(const std::vector<std::string>& from, const std::vector<std::string>& to) {
  std::string out;
  for (const auto& k : to)
    if (!std::binary_search(from.begin(), from.end(), k)) out += " +" + k;
  for (const auto& k : from)
    if (!std::binary_search(to.begin(), to.end(), k)) out += " -" + k;
  return out;
}

}  // namespace

TableResult TableExporter::key_check(const Reply& reply, bool last_try) {
  if (ctx_.key_proven) return {};
  std::vector<std::string> probe;
  for (const auto& row : reply.fresh)
    for (const auto& [name, cell] : row.fields)
      if (probe.size() < kProbeCells && cell.kind == CellKind::kString && is_encrypted_field(name))
        probe.push_back(cell.text);
  if (probe.empty()) return {};
  bool refused = false;
  for (const auto& r : crypto::decrypt_all(*ctx_.key, ctx_.server.padding, probe, 1)) {
    if (r.ok()) {
      ctx_.key_proven = true;
      return {};
    }
    refused = refused || r.status == crypto::DecryptResult::kBadCiphertext;
  }
  if (!refused) return {};  // not base64 at all: the data's problem, kept as it is
  TableResult out;
  out.status = last_try ? TableStatus::kKeyRejected : TableStatus::kDeferred;
  out.message = "the private key " + ctx_.key->source() + " decrypts none of the " +
                std::to_string(probe.size()) + " participantRSA cells tried in " + info_.name +
                " (wrong key, or padding " + crypto::padding_name(ctx_.server.padding) +
                " is not the server's)";
  return out;
}

TableResult TableExporter::back_up_and_decrypt(Reply& reply, bool last_try) {
  TableResult result = key_check(reply, last_try);
  if (result.status != TableStatus::kDone) return result;
  try {
    std::string raw =
        write_raw_backup(ctx_.env, ctx_.server.raw_dir(), info_.name, ctx_.now, reply.body);
    spdlog::debug("mindtrails: {}: {}: raw reply kept in {}", ctx_.server.name, info_.name, raw);
  } catch (const OperationError& e) {
    return fail("backup", "raw backup failed", e.what());
  }
  decrypt(reply);
  return result;
}

void TableExporter::decrypt(Reply& reply) {
  DecryptStats stats =
      decrypt_rows(reply.fresh, *ctx_.key, ctx_.server.padding, ctx_.pipeline.decrypt_threads);
  if (stats.decrypted > 0) ctx_.key_proven = true;
  if (stats.failed() == 0) return;
  for (size_t i = 0; i < stats.failures.size() && i < kLoggedCellFailures; ++i) {
    const auto& f = stats.failures[i];
    spdlog::error("mindtrails: {}: {}: row {}: {} not decrypted ({}); the ciphertext is kept",
                  ctx_.server.name, info_.name, f.row_id ? std::to_string(*f.row_id) : "?", f.field,
                  f.error);
  }
  if (stats.failures.size() > kLoggedCellFailures)
    spdlog::error("mindtrails: {}: {}: {} more cells not decrypted", ctx_.server.name, info_.name,
                  stats.failures.size() - kLoggedCellFailures);
  state::RunStatStore(ctx_.store)
      .add(ctx_.run_id, ctx_.server.source() + ":decrypt_failures", stats.failed());
}

TableResult TableExporter::write_rows(const Reply& reply) {
  TableResult result;
  MindTrailsStore mt(ctx_.store);
  const bool deletes = deletes_allowed();
  for (const auto& seg : segments(reply.fresh)) {
    const auto keys = seg.front()->sorted_keys();
    CsvFile written;
    try {
      CsvFile target = csv_->target_for(keys);
      if (csv_->is_new(target)) {
        if (csv_->current() && !csv_->current()->header.empty() && csv_->current()->header != keys)
          spdlog::info("mindtrails: {}: {}: the key set changed ({}); rows go to {}",
                       ctx_.server.name, info_.name, key_change(csv_->current()->header, keys),
                       std::filesystem::path(target.path).filename().string());
        // Recorded before it is written, so a crash leaves it named in state and cut back.
        mt.save_table(
            {ctx_.server.name, info_.name, state_deleteable_, target.path, 0, header_json(keys)},
            ctx_.wall_now());
      }
      written = csv_->append(target, seg);
    } catch (const OperationError& e) {
      return fail("csv", "CSV write failed", e.what());
    }
    std::vector<int64_t> ids;
    for (const Row* row : seg) ids.push_back(*row->id);
    ctx_.store.transaction([&] {
      state::MarkStore(ctx_.store)
          .set(ctx_.server.source(), info_.name, std::to_string(ids.back()), ctx_.wall_now());
      mt.save_table({ctx_.server.name, info_.name, state_deleteable_, written.path,
                     static_cast<int64_t>(written.size), header_json(written.header)},
                    ctx_.wall_now());
      if (deletes) mt.queue_deletes(ctx_.server.name, info_.name, ids, ctx_.wall_now());
      state::RunStatStore(ctx_.store)
          .add(ctx_.run_id, ctx_.server.source() + ":rows_exported",
               static_cast<int64_t>(ids.size()));
    });
    benchmark_ = ids.back();
    result.rows_written += static_cast<int64_t>(ids.size());
    spdlog::info("mindtrails: {}: {}: {} new rows to {} (benchmark {}{})", ctx_.server.name,
                 info_.name, ids.size(), std::filesystem::path(written.path).filename().string(),
                 benchmark_, deletes ? ", deletes queued" : "");
  }
  return result;
}

void TableExporter::queue_leftovers(const Reply& reply) {
  if (reply.old_ids.empty() || !deletes_allowed()) return;
  MindTrailsStore mt(ctx_.store);
  int queued = 0;
  ctx_.store.transaction([&] {
    queued = mt.queue_deletes(ctx_.server.name, info_.name, reply.old_ids, ctx_.wall_now());
  });
  if (queued > 0)
    spdlog::info(
        "mindtrails: {}: {}: {} rows exported earlier are still on the server; their "
        "deletes are queued again",
        ctx_.server.name, info_.name, queued);
}

bool TableExporter::sweep_wanted(const Reply& reply) {
  if (!deletes_allowed() || !reply.old_ids.empty() || benchmark_ <= 0) return false;
  int64_t pending = MindTrailsStore(ctx_.store).count_pending(ctx_.server.name, info_.name);
  int64_t unknown = info_.size - pending;  // new rows were queued, so pending counts them
  if (unknown <= 0) return false;
  // At most once a day per table, so a table whose size never adds up is not re-read in full
  // every five minutes.
  toolkit::DayGuard guard(ctx_.store, ctx_.server.source() + ":sweep");
  if (!guard.claim(info_.name, local_date(ctx_.now), ctx_.wall_now())) return false;
  spdlog::info(
      "mindtrails: {}: {}: about {} rows exported earlier may still be on the server; "
      "reading the whole table once to queue their deletes",
      ctx_.server.name, info_.name, unknown);
  return true;
}

}  // namespace ferry::mindtrails
