// The state's schema on either SQL dialect, and copying a whole state from one database to
// another (`ferry state migrate`).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ferry/sql/connection.h"
#include "ferry/state/store.h"

namespace ferry::state {

// `ddl` (a migration's SQLite text) for PostgreSQL: `INTEGER PRIMARY KEY` becomes a BIGINT
// identity column (SQLite's rowid alias: ids come from the database), other INTEGERs BIGINT,
// REAL DOUBLE PRECISION, BLOB BYTEA. Quoted text and comments are left as they are.
std::string postgres_ddl(const std::string& ddl);

// Runs migration `m` on `db`: its SQLite text, or on PostgreSQL its own text or
// postgres_ddl() of the SQLite one. Throws sql::Error.
void apply_migration(sql::Connection& db, const Migration& m);

// Records that `component` (the core as "core") is at schema `version`: SQLite's core in
// PRAGMA user_version, everything else as its row of schema_versions. Throws sql::Error.
void record_version(sql::Connection& db, const std::string& component, int version);

// Applies every migration of the core and then of `components`, in order, to `db`, an empty
// database, and records the versions reached: SQLite's core version in PRAGMA user_version,
// PostgreSQL's as the `core` row of schema_versions, each component's as its row there.
// Precondition: a transaction is open on `db`. Throws sql::Error.
void create_schema(sql::Connection& db, const std::vector<Component>& components);

// Each component's schema version in `db` (the core as "core"), sorted by name. Throws
// sql::Error when `db` holds no ferry state.
std::vector<std::pair<std::string, int64_t>> schema_versions(sql::Connection& db);

struct CopiedTable {
  std::string name;
  int64_t rows = 0;
};

// Copies the state in `from` into `to`, an empty database, in one transaction on `to`: the
// schema of this build (create_schema), then every row of every table, read from one snapshot
// of `from`; PostgreSQL's id sequences continue after the ids copied. Before committing, each
// table's row count in `to` is checked against `from`'s. Returns the tables in copy order.
// Throws OperationError (nothing committed in `to`) when `from`'s schema versions are not this
// build's (migrate it first by running this ferry on it), when `to` already holds tables, or
// when a count differs; sql::Error for the databases' own failures.
std::vector<CopiedTable> copy_state(sql::Connection& from, sql::Connection& to,
                                    const std::vector<Component>& components);

}  // namespace ferry::state
