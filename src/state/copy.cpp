// `ferry state migrate`: a whole state copied from one database to another (see copy.h).
#include "ferry/state/copy.h"

#include <algorithm>

namespace ferry::state {
namespace {

struct TableShape {
  std::string name;
  std::vector<std::string> columns;
  std::string identity;  // the INTEGER PRIMARY KEY column, if any
};

// The tables of this build's schema in the order they were created (a table after those it
// references), read from a throwaway in-memory SQLite database.
std::vector<TableShape> table_shapes(const std::vector<Component>& components) {
  auto ref = sql::open_sqlite(":memory:", true);
  ref->begin();
  create_schema(*ref, components);
  ref->commit();
  std::vector<TableShape> out;
  ref->query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid", {},
             [&](const sql::Row& r) {
               out.push_back({std::get<std::string>(r[0]), {}, {}});
             });
  for (auto& t : out) {
    int keys = 0;
    std::string key;
    ref->query("SELECT name, upper(type), pk FROM pragma_table_info(?) ORDER BY cid", {t.name},
               [&](const sql::Row& r) {
                 t.columns.push_back(std::get<std::string>(r[0]));
                 if (std::get<int64_t>(r[2]) > 0) {
                   ++keys;
                   if (std::get<std::string>(r[1]) == "INTEGER") key = t.columns.back();
                 }
               });
    if (keys == 1) t.identity = key;
  }
  return out;
}

std::vector<std::pair<std::string, int64_t>> expected_versions(
    const std::vector<Component>& components) {
  std::vector<std::pair<std::string, int64_t>> out;
  out.emplace_back("core", migrations().empty() ? 0 : migrations().back().version);
  for (const auto& c : components)
    if (!c.migrations.empty()) out.emplace_back(c.name, c.migrations.back().version);
  std::sort(out.begin(), out.end());
  return out;
}

std::string versions_text(const std::vector<std::pair<std::string, int64_t>>& v) {
  std::string out;
  for (const auto& [name, version] : v)
    out += (out.empty() ? "" : ", ") + name + " " + std::to_string(version);
  return out;
}

int64_t count_rows(sql::Connection& db, const std::string& table) {
  return std::get<int64_t>(db.scalar("SELECT count(*) FROM " + sql::quote_name(table)));
}

void check_empty(sql::Connection& to) {
  const char* sql = to.dialect() == sql::Dialect::kPostgres
                        ? "SELECT count(*) FROM information_schema.tables "
                          "WHERE table_schema = current_schema()"
                        : "SELECT count(*) FROM sqlite_master";
  int64_t n = std::get<int64_t>(to.scalar(sql));
  if (n > 0)
    throw OperationError(FailureKind::kPermanent,
                         "state migrate: " + to.name() + " is not empty (" + std::to_string(n) +
                             " tables or other objects); it copies into an empty database only");
}

int64_t copy_table(sql::Connection& from, sql::Connection& to, const TableShape& t) {
  std::string cols;
  for (const auto& c : t.columns) cols += (cols.empty() ? "" : ", ") + sql::quote_name(c);
  auto insert = to.bulk_insert(t.name, t.columns);
  int64_t copied = 0;
  from.query("SELECT " + cols + " FROM " + sql::quote_name(t.name), {}, [&](const sql::Row& r) {
    insert->add(r);
    ++copied;
  });
  insert->finish();
  insert.reset();
  int64_t source = count_rows(from, t.name), target = count_rows(to, t.name);
  if (source != copied || target != copied)
    throw OperationError(FailureKind::kPermanent,
                         "state migrate: table " + t.name + " has " + std::to_string(source) +
                             " rows in " + from.name() + " but " + std::to_string(target) + " in " +
                             to.name() + " after copying " + std::to_string(copied) +
                             "; nothing was committed");
  if (to.dialect() == sql::Dialect::kPostgres && !t.identity.empty() && copied > 0)
    to.run("SELECT setval(pg_get_serial_sequence(?, ?), max(" + sql::quote_name(t.identity) +
               ")) FROM " + sql::quote_name(t.name),
           {t.name, t.identity});
  return copied;
}

}  // namespace

std::vector<CopiedTable> copy_state(sql::Connection& from, sql::Connection& to,
                                    const std::vector<Component>& components) {
  auto shapes = table_shapes(components);
  from.exec(from.dialect() == sql::Dialect::kPostgres
                ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                : "BEGIN");
  bool to_open = false;
  try {
    auto have = schema_versions(from), want = expected_versions(components);
    if (have != want)
      throw OperationError(FailureKind::kPermanent,
                           "state migrate: " + from.name() + " has schema versions " +
                               versions_text(have) + " but this ferry's are " +
                               versions_text(want) +
                               "; run this ferry on it first (e.g. `ferry init`), or use the "
                               "ferry that wrote it");
    to.begin();
    to_open = true;
    check_empty(to);
    create_schema(to, components);
    // What a migration seeded into the new, empty tables (a counter started at 0) is replaced
    // by the source's rows.
    for (auto t = shapes.rbegin(); t != shapes.rend(); ++t)
      if (t->name != "schema_versions") to.run("DELETE FROM " + sql::quote_name(t->name));
    std::vector<CopiedTable> out;
    for (const auto& t : shapes) {
      if (t.name == "schema_versions") continue;  // written by create_schema, checked above
      out.push_back({t.name, copy_table(from, to, t)});
    }
    to.commit();
    to_open = false;
    from.commit();
    return out;
  } catch (...) {
    if (to_open) try {
        to.rollback();
      } catch (const std::exception&) {
      }
    try {
      from.rollback();
    } catch (const std::exception&) {
    }
    throw;
  }
}

}  // namespace ferry::state
