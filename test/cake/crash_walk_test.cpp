// Crash walks of the CAKE jobs: the process "dies" at every durable step of a clicks hour and
// of a whole conversions job (FaultInjectingEnv drops what was not synced), a second run on the
// real file system finishes the job, and the objects, local files and job state are
// byte-identical to those of a run that never crashed.
#include <gtest/gtest.h>

#include "cake/pipeline_fixture.h"
#include "support/crash_walk.h"
#include "support/test_store.h"

namespace ferry::cake::testing {
namespace {

using ferry::testing::crash_walk;
using ferry::testing::dump_query;
using ferry::testing::read_tree;
using io::UnsyncedNames;

// What a job leaves once done: objects, local files, S3 uploads made, and the job's rows.
struct Outcome {
  std::map<std::string, std::string> objects;
  std::map<std::string, std::string> files;  // under output_dir, by relative path
  size_t puts = 0;
  std::string job;      // checkpoint and progress
  std::string outputs;  // every job output, local paths relative to the world
};

class CakeCrashWalk : public PipelineTest {
 protected:
  // Runs `kind` over 2016-01-10 in a fresh world under `root`: first on `env` for at most
  // `first_units` units or until the env crashes; then as the next process would (the state
  // opened again, a new handler, the real file system) until the job is done.
  Outcome attempt(const std::string& kind, const std::string& root, io::Env& env, int first_units) {
    settings_.output_dir = root + "/out";
    net::FakeObjectStore s3;
    int64_t id = 0;
    {
      ferry::testing::TestStore store(root + "/state", {{"cake", cake::migrations()}});
      id = state::JobStore(store).enqueue(kind, "2016-01-10", "2016-01-10", "{}", services_.now);
      core::Services services = services_over(store, env, s3);
      auto h = handler(kind, services);
      try {
        step(*h, store, id, first_units);
      } catch (const io::SimulatedCrash&) {  // the process died here
      }
    }
    ferry::testing::TestStore store(root + "/state", {{"cake", cake::migrations()}});
    core::Services services = services_over(store, io::Env::posix(), s3);
    auto h = handler(kind, services);
    EXPECT_EQ(step(*h, store, id, 1000).status, core::StepStatus::kDone) << root;
    Outcome o;
    o.objects = s3.objects();
    o.files = read_tree(settings_.output_dir);
    o.puts = s3.puts().size();
    o.job = dump_query(store, "SELECT checkpoint, progress_done, progress_total, error FROM jobs");
    o.outputs = dump_query(store, "SELECT name, replace(path, '" + root +
                                      "', ''), s3_key, size, sha256, rows, link, link_expires_at "
                                      "FROM job_outputs ORDER BY name");
    return o;
  }

  static core::StepResult step(core::JobHandler& h, state::Store& store, int64_t id, int units) {
    core::StepResult r = core::StepResult::more();
    for (int i = 0; i < units && r.status == core::StepStatus::kMore; ++i) {
      auto job = state::JobStore(store).get(id);
      r = h.step(*job);
    }
    return r;
  }

  static void expect_same(const Outcome& got, const Outcome& want, const std::string& where) {
    auto same_map = [&](const std::map<std::string, std::string>& a,
                        const std::map<std::string, std::string>& b, const char* what) {
      std::vector<std::string> ka, kb;
      for (const auto& [k, v] : a) ka.push_back(k);
      for (const auto& [k, v] : b) kb.push_back(k);
      EXPECT_EQ(ka, kb) << where << ": " << what;
      for (const auto& [k, v] : b)
        if (a.count(k)) {
          EXPECT_TRUE(a.at(k) == v) << where << ": " << what << " " << k << " differs";
        }
    };
    same_map(got.objects, want.objects, "objects");
    same_map(got.files, want.files, "local files");
    EXPECT_EQ(got.puts, want.puts) << where << ": uploads";
    EXPECT_EQ(got.job, want.job) << where;
    EXPECT_EQ(got.outputs, want.outputs) << where;
  }

  // A fresh folder for one world.
  std::string world() { return dir_ / ("world-" + std::to_string(++worlds_)); }
  int worlds_ = 0;

  // Walks every durable step of the first `first_units` units of a `kind` job. Returns the
  // crash points tried.
  int walk(const std::string& name, const std::string& kind, int first_units, UnsyncedNames names) {
    io::FaultInjectingEnv never(io::Env::posix());
    Outcome want = attempt(kind, world(), never, first_units);
    EXPECT_FALSE(never.crashed());
    int n = 0;
    return crash_walk(name, names, [&](io::FaultInjectingEnv& env) {
      std::string where = name + " crash point " + std::to_string(++n);
      expect_same(attempt(kind, world(), env, first_units), want, where);
    });
  }
};

TEST_F(CakeCrashWalk, ClicksHourAtEveryDurableStep) {
  // The hour file: fsync of its temp, rename, fsync of the folder; a crash before and after each.
  EXPECT_EQ(walk("cake-clicks", kClicksKind, 1, UnsyncedNames::kUndone), 6);
  EXPECT_EQ(walk("cake-clicks", kClicksKind, 1, UnsyncedNames::kKept), 6);
}

TEST_F(CakeCrashWalk, ConversionsJobAtEveryDurableStep) {
  settings_.conversion_window = std::chrono::hours(3);  // 8 windows in the day
  // 12 durable steps: the header (fsync, folder fsync), one fsync per window, then the local
  // copy's rename and folder fsync after the upload; a crash before and after each.
  EXPECT_EQ(walk("cake-conversions", kConversionsKind, 1000, UnsyncedNames::kUndone), 24);
  EXPECT_EQ(walk("cake-conversions", kConversionsKind, 1000, UnsyncedNames::kKept), 24);
}

}  // namespace
}  // namespace ferry::cake::testing
