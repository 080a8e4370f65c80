// `ferry state migrate --to URL`: the whole state copied into a new database (PostgreSQL, or a
// new SQLite file), verified table by table.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "cli/app_context.h"
#include "ferry/base/text.h"
#include "ferry/core/lock.h"
#include "ferry/io/files.h"
#include "ferry/sql/connection.h"
#include "ferry/state/copy.h"

namespace ferry::cli {
namespace {

struct MigrateOptions {
  std::string to;
  std::string from;  // "": the configured state
};

bool is_postgres(const std::string& url) {
  return starts_with(url, "postgresql://") || starts_with(url, "postgres://");
}

std::string sqlite_path(const std::string& url, const char* flag) {
  if (!starts_with(url, "sqlite:") || url.size() == 7)
    throw UsageError(std::string("state migrate: ") + flag + " '" + sql::mask_url(url) +
                     "' is neither postgresql://USER@HOST[:PORT]/DB nor sqlite:PATH");
  return url.substr(7);
}

std::unique_ptr<sql::Connection> open_postgres(AppContext& ctx, const std::string& url) {
  return sql::open_postgres(url, ctx.config().table("state").str("password"));
}

// A new SQLite state at `path`: written under a temp name beside it, renamed once committed.
class NewSqliteFile {
 public:
  explicit NewSqliteFile(const std::string& path) : path_(path) {
    if (io::file_size(path) >= 0 || io::file_size(path + "-wal") >= 0)
      throw UsageError("state migrate: " + path +
                       " exists; --to sqlite:PATH makes a new file only");
    auto slash = path.rfind('/');
    dir_ = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    io::make_dirs(dir_);
    std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    temp_ = dir_ + "/." + name + ".tmp." + std::to_string(::getpid()) + ".0";
    db_ = sql::open_sqlite(temp_, true);
  }
  ~NewSqliteFile() {
    db_.reset();
    if (!done_) std::remove(temp_.c_str());
  }
  sql::Connection& db() { return *db_; }
  // Closes the copy, makes it durable and gives it its name.
  void finish() {
    db_->exec("PRAGMA journal_mode=WAL");  // as ferry keeps its state
    db_.reset();
    if (std::rename(temp_.c_str(), path_.c_str()) != 0)
      throw OperationError(FailureKind::kPermanent,
                           "state migrate: cannot rename " + temp_ + " to " + path_);
    done_ = true;
    io::sync_directory(dir_);
  }

 private:
  std::string path_, dir_, temp_;
  std::unique_ptr<sql::Connection> db_;
  bool done_ = false;
};

int do_migrate(AppContext& ctx, const MigrateOptions& o) {
  auto components = core::state_components(ctx.pipelines());
  std::unique_ptr<sql::Connection> from;
  std::unique_ptr<core::RunLock> lock;
  if (o.from.empty()) {
    // This host's state: no run may write it while it is copied.
    std::string path = ctx.store().path();
    lock = core::RunLock::try_acquire(ctx.lock_path());
    if (!lock)
      throw UsageError("state migrate: a run is in progress (pid " +
                       std::to_string(core::RunLock::holder_pid(ctx.lock_path())) +
                       "); try again when it has ended");
    from = sql::open_sqlite(path, false);
  } else if (is_postgres(o.from)) {
    from = open_postgres(ctx, o.from);
  } else {
    from = sql::open_sqlite(sqlite_path(o.from, "--from"), false);
  }
  std::unique_ptr<sql::Connection> to;
  std::unique_ptr<NewSqliteFile> file;
  if (is_postgres(o.to)) {
    to = open_postgres(ctx, o.to);
  } else {
    file = std::make_unique<NewSqliteFile>(sqlite_path(o.to, "--to"));
  }
  sql::Connection& target = file ? file->db() : *to;
  auto tables = state::copy_state(*from, target, components);
  if (file) file->finish();
  int64_t rows = 0;
  for (const auto& t : tables) {
    std::cout << "  " << t.name << std::string(t.name.size() < 24 ? 24 - t.name.size() : 1, ' ')
              << t.rows << "\n";
    rows += t.rows;
  }
  std::cout << "copied " << tables.size() << " tables, " << rows << " rows from " << from->name()
            << " to " << (file ? sqlite_path(o.to, "--to") : target.name())
            << "; every table's count checked\n";
  return kExitOk;
}

}  // namespace

void add_state_migrate(CLI::App& state, AppContext& ctx, int& exit_code) {
  auto o = std::make_shared<MigrateOptions>();
  auto* migrate = state.add_subcommand("migrate", "copy the whole state into a new database");
  migrate
      ->add_option("--to", o->to, "postgresql://USER@HOST[:PORT]/DB (empty) or sqlite:PATH (new)")
      ->required();
  migrate->add_option("--from", o->from,
                      "copy from this database instead of the configured state "
                      "(postgresql://… or sqlite:PATH)");
  migrate->footer(
      "Copies every table in one transaction on the target and checks each table's row count\n"
      "before committing; the source is read from one snapshot. The configured state is copied\n"
      "under the run lock, so no run on this host writes it meanwhile. The PostgreSQL password\n"
      "comes from state.password (FERRY_STATE_PASSWORD), else the URL or ~/.pgpass; it is never\n"
      "printed.\n"
      "Examples: ferry state migrate --to postgresql://ferry@db.internal/ferry\n"
      "          ferry state migrate --from postgresql://ferry@db.internal/ferry "
      "--to sqlite:/var/lib/ferry/ferry.db");
  migrate->callback([&ctx, &exit_code, o] { exit_code = do_migrate(ctx, *o); });
}

}  // namespace ferry::cli
