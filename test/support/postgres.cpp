#include "support/postgres.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "ferry/sql/connection.h"

namespace ferry::testing {
namespace {

// As root, `argv` run as the postgres account (PostgreSQL refuses root); else as is.
std::vector<std::string> as_server_user(std::vector<std::string> argv) {
  if (::geteuid() != 0) return argv;
  std::vector<std::string> out = {"setpriv", "--reuid=postgres", "--regid=postgres",
                                  "--clear-groups", "--"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

}  // namespace

std::string postgres_bindir() {
  std::string best;
  int best_version = -1;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    std::string bin = e.path().string() + "/bin";
    int version = std::atoi(e.path().filename().c_str());
    if (file_exists(bin + "/initdb") && file_exists(bin + "/postgres") && version > best_version) {
      best = bin;
      best_version = version;
    }
  }
  return best;
}

Postgres::Postgres() {
  std::string bin = postgres_bindir();
  if (bin.empty()) {
    skip_ = "PostgreSQL is not installed (run `make deps`: Debian postgresql)";
    return;
  }
  struct passwd* pw = ::geteuid() == 0 ? ::getpwnam("postgres") : nullptr;
  if (::geteuid() == 0 && !pw) {
    skip_ = "running as root and there is no postgres account to run PostgreSQL as";
    return;
  }
  dir_ = std::make_unique<TempDir>();
  std::string data = *dir_ / "data";
  std::filesystem::create_directories(data);
  ::chmod(dir_->path().c_str(), 0755);
  ::chmod(data.c_str(), 0700);
  if (pw && (::chown(data.c_str(), pw->pw_uid, pw->pw_gid) != 0 ||
             ::chown(dir_->path().c_str(), pw->pw_uid, pw->pw_gid) != 0)) {
    error_ = "cannot give " + data + " to the postgres account";
    return;
  }
  RunResult init = run_command(as_server_user({bin + "/initdb", "-D", data, "-U", "ferry", "-A",
                                               "trust", "-E", "UTF8", "--locale=C", "--no-sync"}),
                               {}, dir_->path(), std::chrono::seconds(120));
  if (init.exit_code != 0) {
    error_ = "initdb failed: " + init.err + init.out;
    return;
  }
  // The password role's line comes before initdb's `trust` ones, which match first otherwise.
  std::string hba = data + "/pg_hba.conf";
  write_file(hba, "host all ferry_pw 127.0.0.1/32 scram-sha-256\n" + read_file(hba));
  port_ = free_port();
  // The server outlives no test process, even one killed by a signal (no destructor runs then):
  // a shell beside it stops it (SIGQUIT: immediate shutdown) once this process is gone.
  std::string watch = "\"$0\" \"$@\" & p=$!; while [ -d /proc/" + std::to_string(::getpid()) +
                      " ] && kill -0 $p 2>/dev/null; do sleep 1; done; kill -QUIT $p 2>/dev/null;"
                      " wait $p";
  server_ = std::make_unique<Child>(as_server_user({"sh",  "-c",
                                                    watch, bin + "/postgres",
                                                    "-D",  data,
                                                    "-p",  std::to_string(port_),
                                                    "-k",  data,
                                                    "-c",  "listen_addresses=127.0.0.1",
                                                    "-c",  "fsync=off",
                                                    "-c",  "synchronous_commit=off",
                                                    "-c",  "full_page_writes=off",
                                                    "-c",  "max_connections=40"}),
                                    std::map<std::string, std::string>{}, dir_->path(),
                                    *dir_ / "postgres.log");
  if (!wait_for_port(port_, std::chrono::seconds(30)))
    error_ = "postgres did not listen on port " + std::to_string(port_) + " (see " +
             (*dir_ / "postgres.log") + ")";
}

Postgres::~Postgres() {
  if (server_ && dir_) {
    server_->signal(SIGQUIT);  // immediate shutdown: it removes its shared memory
    // The shell beside the server may be gone first; the server is, once its pid file is (the
    // folder cannot be removed while it still writes there).
    std::string pid_file = *dir_ / "data/postmaster.pid";
    wait_until([&] { return !file_exists(pid_file); }, std::chrono::seconds(10));
  }
  server_.reset();
  dir_.reset();
}

std::string Postgres::url(const std::string& db, const std::string& user) const {
  return "postgresql://" + user + "@127.0.0.1:" + std::to_string(port_) + "/" + db;
}

std::string Postgres::new_database(const std::string& owner) {
  if (!ready()) throw std::runtime_error("postgres: " + skip_ + error_);
  std::string name = "t" + std::to_string(++databases_);
  std::string last;
  // The server listens a moment before it accepts logins ("the database system is starting up").
  for (int attempt = 0; attempt < 100; ++attempt) {
    try {
      auto admin = sql::open_postgres(url("postgres"), "");
      if (owner != "ferry" && !role_made_) {
        admin->exec("CREATE ROLE " + owner + " LOGIN PASSWORD 'swordfish'");
        role_made_ = true;
      }
      admin->exec("CREATE DATABASE " + name + " OWNER " + owner);
      return url(name, owner);
    } catch (const std::exception& e) {
      last = e.what();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  throw std::runtime_error("postgres: cannot create database " + name + ": " + last);
}

bool states_on_postgres() {
  const char* v = std::getenv("FERRY_TEST_STATE");
  return v && std::string(v) == "postgresql";
}

Postgres& shared_postgres() {
  static Postgres cluster;
  return cluster;
}

}  // namespace ferry::testing
