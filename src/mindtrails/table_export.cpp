#include "ferry/mindtrails/table_export.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "ferry/base/error.h"
#include "ferry/base/text.h"
#include "ferry/io/files.h"
#include "ferry/log/alerts.h"
#include "ferry/mindtrails/decrypt.h"
#include "ferry/mindtrails/names.h"
#include "ferry/mindtrails/store.h"
#include "ferry/mindtrails/table_csv.h"
#include "ferry/state/runs.h"
#include "mindtrails/reply.h"

namespace ferry::mindtrails {
std::string write_raw_backup(io::Env& env, const std::string& raw_dir, const std::string& table,
                             TimePoint now, const std::string& body) {
  const std::string date = file_date(now), time = file_time(now);
  std::string path;
  for (int seq = 1;; ++seq) {
    path = raw_dir + "/" + raw_name(table, date, time, seq);
    if (env.file_size(path) < 0) break;
  }
  io::AtomicFile f(path, env);
  f.write(body);
  f.commit();
  return path;
}

TableExporter::TableExporter(PassContext& ctx, TableInfo info)
    : ctx_(ctx), info_(std::move(info)) {}

TableExporter::~TableExporter() = default;

TableResult TableExporter::fail(const std::string& what, const std::string& subject,
                                const std::string& line) {
  if (what == "backup" || what == "csv") {
    // A folder that cannot be written fails every table alike: one cause, the server's.
    try {
      io::check_writable_dir(ctx_.env,
                             what == "backup" ? ctx_.server.raw_dir() : ctx_.server.active_dir());
    } catch (const OperationError& e) {
      TableResult r;
      r.status = TableStatus::kDataDirFailed;
      r.message = "data_dir " + ctx_.server.data_dir + ": " + e.what();
      return r;
    }
  }
  ctx_.alerts.raise(ctx_.server.source() + ":" + info_.name + ":" + what,
                    "MindTrails " + ctx_.server.name + ": " + subject + " (" + info_.name + ")",
                    line +
                        "\n\nNothing was deleted from the server for rows not yet exported; the "
                        "next run tries again.");
  TableResult r;
  r.status = TableStatus::kFailed;
  r.message = info_.name + ": " + line;
  return r;
}

bool TableExporter::deletes_allowed() const {
  return ctx_.server.delete_rows && info_.deleteable && state_deleteable_;
}

TableResult TableExporter::run(bool last_try) {
  MindTrailsStore mt(ctx_.store);
  auto mark = state::MarkStore(ctx_.store).get(ctx_.server.source(), info_.name);
  auto benchmark = mark ? parse_int64(*mark) : std::optional<int64_t>(0);
  if (!benchmark)
    return fail("benchmark", "unreadable benchmark",
                "the benchmark in marks is '" + *mark + "', not an id; correct it with sqlite3");
  auto recorded = mt.table(ctx_.server.name, info_.name);
  state_deleteable_ = !recorded || recorded->deleteable;
  std::optional<CsvFile> file;
  if (recorded && !recorded->csv_path.empty())
    file = CsvFile{recorded->csv_path, static_cast<uint64_t>(recorded->csv_size),
                   parse_header_json(recorded->csv_header).value_or(std::vector<std::string>{})};
  benchmark_ = *benchmark;
  csv_ = std::make_unique<TableCsv>(ctx_.env, ctx_.server.active_dir(), info_.name,
                                    file_date(ctx_.now), file);
  try {
    std::string note = csv_->restore();
    if (!note.empty()) spdlog::warn("mindtrails: {}: {}: {}", ctx_.server.name, info_.name, note);
  } catch (const OperationError& e) {
    return fail("csv", "CSV write failed", e.what());
  }
  Reply reply;
  TableResult result = fetch_and_export(reply, benchmark_, last_try);
  if (result.status != TableStatus::kDone) return result;
  if (sweep_wanted(reply)) {
    Reply all;
    TableResult swept = fetch_and_export(all, benchmark_, last_try, 0);
    swept.rows_written += result.rows_written;
    return swept;
  }
  if (!deletes_allowed() && info_.deleteable && !snapshot_)
    result.leftovers = !reply.old_ids.empty()
                           ? static_cast<int64_t>(reply.old_ids.size())
                           : std::max<int64_t>(0, info_.size - result.rows_written);
  return result;
}

TableResult TableExporter::fetch_and_export(Reply& reply, int64_t benchmark, bool last_try,
                                            std::optional<int64_t> greater_than) {
  auto fetched = ctx_.client.fetch(info_.name, greater_than.value_or(benchmark));
  if (!fetched && fetched.failure().is_interrupted()) {
    TableResult r;
    r.status = TableStatus::kInterrupted;
    r.message = info_.name + ": " + fetched.failure().message;
    return r;
  }
  if (!fetched) return fail("fetch", "table download failed", fetched.failure().message);
  if (!fetched->has_value()) {
    spdlog::warn("mindtrails: {}: {} is listed but the server does not know it (HTTP 404)",
                 ctx_.server.name, info_.name);
    return {};
  }
  reply.body = std::move(**fetched);
  if (auto bad = split(reply, benchmark); !bad.empty())
    return fail("fetch", "unreadable table download",
                ctx_.client.url_for("/" + info_.name) + ": " + bad);
  if (snapshot_) return write_snapshot(reply, last_try);
  TableResult result;
  if (!reply.fresh.empty()) {
    result = back_up_and_decrypt(reply, last_try);
    if (result.status != TableStatus::kDone) return result;
    result = write_rows(reply);
    if (result.status != TableStatus::kDone) return result;
  }
  queue_leftovers(reply);
  return result;
}

std::string TableExporter::split(Reply& reply, int64_t benchmark) {
  ParsedRows parsed = parse_rows(reply.body);
  if (!parsed.ok()) return parsed.error;
  snapshot_ = is_snapshot(parsed.rows);
  if (snapshot_) {
    reply.fresh = std::move(parsed.rows);
    return "";
  }
  std::set<int64_t> seen;
  for (auto& row : parsed.rows) {
    if (!row.id) {
      ++reply.without_id;
    } else if (*row.id <= benchmark) {
      reply.old_ids.push_back(*row.id);
    } else if (!seen.insert(*row.id).second) {
      ++reply.repeated;
    } else {
      reply.fresh.push_back(std::move(row));
    }
  }
  std::stable_sort(reply.fresh.begin(), reply.fresh.end(),
                   [](const Row& a, const Row& b) { return *a.id < *b.id; });
  if (reply.without_id > 0)
    spdlog::warn(
        "mindtrails: {}: {}: {} rows have no integer id among rows that have one; they "
        "cannot be exported by id and are skipped",
        ctx_.server.name, info_.name, reply.without_id);
  if (reply.repeated > 0)
    spdlog::warn("mindtrails: {}: {}: {} rows repeat an id of the same reply; the first is kept",
                 ctx_.server.name, info_.name, reply.repeated);
  return "";
}

}  // namespace ferry::mindtrails
