// Test support: a state with rows in every table, and a state's contents as comparable text.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ferry/sql/connection.h"

namespace ferry::testing {

// Adds rows to every table of a new ferry state on `db` (SQLite or PostgreSQL): runs, jobs in
// each status, outputs, marks, the schedule, alerts, counters and each pipeline's tables, with
// NULLs, quotes, newlines, non-ASCII text and integers past 2^53.
void fill_every_table(sql::Connection& db);

// Every row of every table (schema_versions too) as text, each table's rows sorted; a value's
// kind is part of its text (`i:1`, `t:1`, `null`).
std::map<std::string, std::vector<std::string>> table_contents(sql::Connection& db);

// The SQLite schema (every CREATE statement of sqlite_master, sorted) and the core version.
std::string sqlite_schema(sql::Connection& db);

}  // namespace ferry::testing
