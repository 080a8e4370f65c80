#include "ferry/mindtrails/server_pass.h"

#include <spdlog/spdlog.h>

#include <cctype>

#include "ferry/base/error.h"
#include "ferry/core/registry.h"
#include "ferry/io/files.h"
#include "ferry/log/alerts.h"
#include "ferry/mindtrails/store.h"
#include "ferry/state/runs.h"
#include "ferry/toolkit/day_guard.h"

namespace ferry::mindtrails {

bool safe_table_name(const std::string& name) {
  if (name.empty() || name.size() > 200 || name[0] == '.') return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '$' &&
        c != '.')
      return false;
  return true;
}

ServerPass::ServerPass(const ServerSettings& server, const PipelineSettings& pipeline,
                       core::Services& services)
    : server_(server),
      pipeline_(pipeline),
      services_(services),
      client_(services.http, server),
      ctx_{server,       pipeline,        services.store, client_, services.alerts, services.env,
           services.now, services.run_id, nullptr,        false,   &services.wall} {}

ServerPass::~ServerPass() = default;

bool ServerPass::step() {
  switch (phase_) {
    case Phase::kStart:
      start();
      break;
    case Phase::kTables:
      next_table();
      break;
    case Phase::kDeletes:
      deletes();
      break;
    case Phase::kDigest:
      digest();
      break;
    case Phase::kDone:
      break;
  }
  return phase_ == Phase::kDone;
}

void ServerPass::stop(const std::string& alert_key, const std::string& subject,
                      const std::string& line) {
  services_.alerts.raise(server_.source() + ":" + alert_key,
                         "MindTrails " + server_.name + ": " + subject,
                         line +
                             "\n\nThe export of this server stopped for this run before "
                             "anything was deleted; the next run tries again.");
  failures_.push_back(line);
  phase_ = Phase::kDone;
}

void ServerPass::interrupt(const std::string& line) {
  spdlog::info("mindtrails: {}: stopped ({}); the pass continues next run", server_.name, line);
  interrupted_ = line;
  phase_ = Phase::kDone;
}

void ServerPass::stop_for_data_dir(const std::string& line) {
  stop("data_dir", "data_dir cannot be written", line);
}

void ServerPass::start() {
  // Nothing is fetched for a data_dir that cannot take it: one alert for the server.
  for (const std::string& dir : {server_.raw_dir(), server_.active_dir()}) {
    try {
      io::check_writable_dir(services_.env, dir);
    } catch (const OperationError& e) {
      return stop_for_data_dir("data_dir " + server_.data_dir + ": " + e.what());
    }
  }
  // Raw backups and snapshots are written under temp names. Safe: the run lock is held, so no
  // other process writes these temps.
  for (const std::string& dir : {server_.raw_dir(), server_.active_dir()}) {
    try {
      auto stale = io::remove_stale_temps(services_.env, dir);
      if (!stale.empty())
        spdlog::info("mindtrails: {}: removed {} temp files left by a killed run in {}",
                     server_.name, stale.size(), dir);
    } catch (const OperationError& e) {  // the first write there alerts it
      spdlog::warn("mindtrails: {}: temp files left by a killed run not removed: {}", server_.name,
                   e.what());
    }
  }
  if (server_.private_key.empty())
    return stop("key", "private key unusable",
                "no private_key is configured for [[mindtrails.server]] '" + server_.name + "'");
  try {
    key_.emplace(crypto::RsaPrivateKey::load_pem_file(server_.private_key, server_.passphrase));
  } catch (const OperationError& e) {
    return stop("key", "private key unusable", e.what());
  }
  ctx_.key = &*key_;
  auto list = client_.list_tables();
  if (!list && list.failure().is_interrupted()) return interrupt(list.failure().message);
  if (!list) return stop("list", "table list failed", list.failure().message);
  for (const auto& t : *list) {
    if (!safe_table_name(t.name)) {
      spdlog::error(
          "mindtrails: {}: the table list names '{}', which cannot be a file name; "
          "skipped",
          server_.name, t.name);
      continue;
    }
    if (server_.wants(t.name) && t.size > 0) tables_.push_back(t);
  }
  spdlog::info("mindtrails: {}: {} tables listed, {} with rows to read", server_.name, list->size(),
               tables_.size());
  phase_ = Phase::kTables;
}

void ServerPass::next_table() {
  if (tables_.empty()) {
    if (!deferred_.empty() && !last_round_) {
      tables_.assign(deferred_.begin(), deferred_.end());
      deferred_.clear();
      last_round_ = true;
      return;
    }
    phase_ = server_.delete_rows ? Phase::kDeletes : Phase::kDigest;
    return;
  }
  TableInfo info = tables_.front();
  tables_.pop_front();
  TableResult r = TableExporter(ctx_, info).run(last_round_);
  switch (r.status) {
    case TableStatus::kDone:
      if (r.leftovers > 0) leftovers_[info.name] = r.leftovers;
      break;
    case TableStatus::kFailed:
      failures_.push_back(r.message);
      break;
    case TableStatus::kDeferred:
      spdlog::warn("mindtrails: {}: {}: {}; trying the other tables first", server_.name, info.name,
                   r.message);
      deferred_.push_back(info);
      break;
    case TableStatus::kKeyRejected:
      stop("key", "private key unusable", r.message);
      break;
    case TableStatus::kDataDirFailed:
      stop_for_data_dir(r.message);
      break;
    case TableStatus::kInterrupted:
      interrupt(r.message);
      break;
  }
}

void ServerPass::deletes() {
  DeleteBatch b = send_delete_batch(ctx_, pipeline_.delete_batch);
  if (b.deleted + b.gone + b.kept > 0)
    spdlog::info("mindtrails: {}: deletes: {} deleted, {} already gone, {} kept on the server",
                 server_.name, b.deleted, b.gone, b.kept);
  if (!b.interrupted.empty()) return interrupt(b.interrupted);
  if (!b.failure.empty()) failures_.push_back(b.failure);
  if (!b.more || !b.failure.empty()) phase_ = Phase::kDigest;
}

void ServerPass::digest() {
  phase_ = Phase::kDone;
  if (leftovers_.empty()) return;
  int64_t total = 0;
  std::string lines;
  for (const auto& [table, n] : leftovers_) {
    lines += "  " + table + ": " + std::to_string(n) + " rows\n";
    total += n;
  }
  toolkit::DayGuard guard(services_.store, server_.source() + ":digest");
  const Date today = local_date(services_.now);
  if (guard.done("leftovers", today)) {
    spdlog::info(
        "mindtrails: {}: {} exported rows are still on deleteable tables (alerted "
        "today already)",
        server_.name, total);
    return;
  }
  std::string why = server_.delete_rows
                        ? "The server refused deletes on these tables (HTTP 403), so ferry keeps "
                          "them."
                        : "delete = false for this server, so ferry does not delete them.";
  services_.alerts.raise(server_.source() + ":leftovers",
                         "MindTrails " + server_.name + ": exported rows still on the server",
                         "Rows already exported to CSV are still on deleteable tables of " +
                             server_.name + ":\n" + lines + "\n" + why +
                             " The server's watchdog and its maxRecords limit count them.\n"
                             "This digest is sent once a day.");
  guard.mark("leftovers", today, services_.wall.now());
}

}  // namespace ferry::mindtrails
