// Crash walk of a MindTrails server pass: after a clean first pass, the next pass "dies" at
// every durable step (raw backups, CSV appends to a file of the first pass and to a new part
// after a key-set change, the snapshot of a table without ids replaced; FaultInjectingEnv drops
// what was not synced), a pass on the real file system follows, and the CSVs, benchmarks, table
// and snapshot records, deletes and the server's rows are the same as when nothing crashed.
#include <gtest/gtest.h>

#include "ferry/io/files.h"
#include "ferry/mindtrails/names.h"
#include "ferry/mindtrails/rows.h"
#include "mindtrails/export_fixture.h"
#include "support/crash_walk.h"
#include "support/test_store.h"

namespace ferry::mindtrails::testing {
namespace {

using ferry::testing::crash_walk;
using ferry::testing::dump_query;
using ferry::testing::read_tree;
using io::UnsyncedNames;

// What the passes leave.
struct Outcome {
  std::map<std::string, std::string> csvs;        // active_data/
  std::string marks, tables, snapshots, deletes;  // state rows
  std::string server;                             // ids still on the server, per table

  bool operator==(const Outcome& o) const {
    return csvs == o.csvs && marks == o.marks && tables == o.tables && snapshots == o.snapshots &&
           deletes == o.deletes && server == o.server;
  }
};

std::ostream& operator<<(std::ostream& out, const Outcome& o) {
  for (const auto& [name, bytes] : o.csvs) out << "--- " << name << "\n" << bytes;
  return out << "--- marks\n"
             << o.marks << "--- tables\n"
             << o.tables << "--- snapshots\n"
             << o.snapshots << "--- deletes\n"
             << o.deletes << "--- server\n"
             << o.server;
}

// One world's server, behind its own HTTP client.
struct World {
  World() : http([this](const net::HttpRequest& r) { return server.handle(r); }) {
    server.add("SUDS", 11, 101);
    server.add("SUDS", 14, 102);
    server.table("DASS21_AS", false);
    server.add("DASS21_AS", 12, 101, false, {{"worry", 3}});
    participant(101, "Social");
  }
  // Rows for the walked pass: appended to both tables' files, and a key-set change that starts
  // SUDS's second part.
  void more_rows() {
    server.add("SUDS", 20, 103);
    server.add("SUDS", 21, 104, true, {{"newField", true}});
    server.add("DASS21_AS", 22, 105, false, {{"worry", 1}});
    participant(102, "Health");  // the snapshot changes: its file is replaced
  }
  // A row of a table without ids (a snapshot table).
  void participant(int id, const std::string& theme) {
    server.table("ParticipantExportDAO", false)
        .rows.push_back({{"participantId", id},
                         {"theme", theme},
                         {"emailRSA", TestKeys::get().encrypt(std::to_string(id))}});
  }
  FakeMindTrails server;
  net::FakeHttpClient http;
};

class MindTrailsCrashWalk : public ExportFixture {
 protected:
  // In a fresh world under `root`: a clean pass, then a pass on `env` until it ends or the env
  // crashes, then, as the next process would (the state opened again, the real file system),
  // one more pass.
  Outcome attempt(const std::string& root, io::Env& env) {
    settings_.data_dir = root + "/data";
    World w;
    {
      ferry::testing::TestStore store(root + "/state", {{"mindtrails", mindtrails::migrations()}});
      core::Services clean = services_over(store, w.http, io::Env::posix());
      EXPECT_TRUE(pass(clean).empty());
      w.more_rows();
      core::Services services = services_over(store, w.http, env);
      try {
        pass(services);
      } catch (const io::SimulatedCrash&) {  // the process died here
      }
    }
    ferry::testing::TestStore store(root + "/state", {{"mindtrails", mindtrails::migrations()}});
    core::Services services = services_over(store, w.http, io::Env::posix());
    EXPECT_TRUE(pass(services).empty()) << root;
    for (const auto& [name, bytes] : read_tree(settings_.raw_dir())) {
      EXPECT_FALSE(io::is_temp_name(name)) << name << " left in raw_data";
      EXPECT_TRUE(parse_rows(bytes).ok()) << name << " is not a whole reply";
    }
    Outcome o;
    o.csvs = read_tree(settings_.active_dir());
    o.marks = dump_query(store, "SELECT source, stream, value FROM marks ORDER BY 1, 2");
    o.tables =
        dump_query(store, "SELECT server, name, deleteable, replace(csv_path, '" + root +
                              "', ''), csv_size, csv_header FROM mindtrails_tables ORDER BY 1, 2");
    // The hash itself differs per world: every world encrypts its cells afresh.
    o.snapshots =
        dump_query(store, "SELECT server, name, replace(csv_path, '" + root +
                              "', ''), csv_size, length(sha256), rows FROM mindtrails_snapshots");
    o.deletes = dump_query(
        store, "SELECT server, name, row_id, status FROM mindtrails_deletes ORDER BY 1, 2, 3");
    for (const char* table : {"SUDS", "DASS21_AS", "ParticipantExportDAO"}) {
      o.server += table;
      for (int64_t id : w.server.ids(table)) o.server += " " + std::to_string(id);
      o.server += " rows " + std::to_string(w.server.row_count(table));
      o.server += "\n";
    }
    return o;
  }

  std::string world() { return tmp_ / ("world-" + std::to_string(++worlds_)); }

  int walk(UnsyncedNames names) {
    io::FaultInjectingEnv never(io::Env::posix());
    Outcome want = attempt(world(), never);
    EXPECT_FALSE(never.crashed());
    EXPECT_EQ(want.csvs.size(), 4u) << want;  // SUDS, its second part, DASS21_AS, the snapshot
    EXPECT_NE(want.snapshots.find("ParticipantExportDAO"), std::string::npos) << want;
    int n = 0;
    return crash_walk("mindtrails", names, [&](io::FaultInjectingEnv& env) {
      ++n;
      EXPECT_EQ(attempt(world(), env), want) << "mindtrails crash point " << n;
    });
  }

  int worlds_ = 0;
};

TEST_F(MindTrailsCrashWalk, ServerPassAtEveryDurableStep) {
  // 18 durable steps: per table a raw backup (fsync, rename, folder fsync), then per file
  // appended to an fsync and a folder fsync (SUDS twice, for its new part), and the snapshot's
  // replacement (fsync, rename, folder fsync); a crash before and after each.
  EXPECT_EQ(walk(UnsyncedNames::kUndone), 36);
  EXPECT_EQ(walk(UnsyncedNames::kKept), 36);
}

}  // namespace
}  // namespace ferry::mindtrails::testing
