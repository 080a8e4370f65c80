// A throwaway PostgreSQL cluster on loopback for integration tests, as S3rver is for S3: initdb
// in its own temp directory, the server on a free port (fsync off: nothing in it outlives the
// test process), stopped on destruction. One per test process (shared_postgres()); each test
// takes a new empty database of its own (new_database()). Its superuser is `ferry`, trusted
// without a password on loopback; the role `ferry_pw` (password `swordfish`) must give its
// password (SCRAM). As root (CI), the cluster runs as the `postgres` account,
// since PostgreSQL refuses to run as root.
#pragma once

#include <memory>
#include <string>

#include "support/process.h"

namespace ferry::testing {

class Postgres {
 public:
  Postgres();
  ~Postgres();
  Postgres(const Postgres&) = delete;
  Postgres& operator=(const Postgres&) = delete;

  // Why the cluster cannot start on this machine (PostgreSQL not installed): give it to
  // FERRY_REQUIRE. error(): it did not start.
  const std::string& skip_reason() const { return skip_; }
  const std::string& error() const { return error_; }
  bool ready() const { return skip_.empty() && error_.empty(); }

  int port() const { return port_; }
  // postgresql://USER@127.0.0.1:PORT/DB
  std::string url(const std::string& db, const std::string& user = "ferry") const;
  // Creates a new empty database (owned by `owner`: "ferry" or "ferry_pw") and returns its URL
  // with that user. Throws std::runtime_error on failure.
  std::string new_database(const std::string& owner = "ferry");

 private:
  std::string skip_, error_;
  int port_ = 0;
  int databases_ = 0;
  bool role_made_ = false;
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<Child> server_;
};

// The test process's cluster, started on first use and stopped at exit.
Postgres& shared_postgres();

// True when the suite runs its states on PostgreSQL (FERRY_TEST_STATE=postgresql): each
// FerryEnv (and each TestStore) then keeps its state in a new database of shared_postgres().
bool states_on_postgres();

// Skips the rest of a test that is about SQLite's file itself, when states_on_postgres().
#define FERRY_SQLITE_ONLY()                                                      \
  do {                                                                           \
    if (::ferry::testing::states_on_postgres())                                  \
      GTEST_SKIP() << "about the SQLite state file: run when states are SQLite"; \
  } while (0)

// The folder with PostgreSQL's server programs (initdb, postgres), or "" when none is installed.
std::string postgres_bindir();

}  // namespace ferry::testing
