// Where the state and logs are, through the real binary: paths in a config file are relative
// to its folder, never to the current directory; only `run` and `init` create a state.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/process.h"

namespace ferry::testing {
namespace {

// A ferry folder DIR/deploy with config/ferry.toml, and an unrelated DIR/elsewhere to run from.
struct Layout {
  TempDir dir;
  std::string deploy = dir / "deploy";
  std::string elsewhere = dir / "elsewhere";
  std::string config = deploy + "/config/ferry.toml";

  explicit Layout(const std::string& toml) {
    std::filesystem::create_directories(deploy + "/config");
    std::filesystem::create_directories(elsewhere);
    write_file(config, toml);
  }
  // `ferry --config ABSOLUTE ARGS...` in `cwd`, with no FERRY_* path from the environment.
  RunResult run(const std::vector<std::string>& args, const std::string& cwd) const {
    std::vector<std::string> argv = {ferry_bin(), "--config", config};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, {{"FERRY_CONFIG", ""}, {"FERRY_STATE_DIR", ""}, {"FERRY_LOG_DIR", ""}},
                       cwd);
  }
};

TEST(PathsE2E, ARunFromAnotherFolderUsesTheConfigFilesFolder) {
  Layout l("[state]\ndir = \"../state\"\n[log]\ndir = \"../logs\"\n");
  RunResult r = l.run({"run"}, l.elsewhere);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(file_exists(l.deploy + "/state/ferry.db"));
  EXPECT_TRUE(file_exists(l.deploy + "/logs/daily.log"));
  EXPECT_TRUE(list_dir(l.elsewhere).empty()) << "wrote into the current directory";
  const std::string created = "creating a new state at " + l.deploy + "/state/ferry.db";
  auto at = r.err.find(created);
  EXPECT_NE(at, std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(created, at + 1), std::string::npos) << "said twice: " << r.err;
  // The same state from a third folder: no second state, and `status` finds it.
  r = l.run({"status"}, l.dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(l.deploy + "/state/ferry.db"), std::string::npos) << r.out;
  EXPECT_FALSE(file_exists(l.dir / "state"));
}

TEST(PathsE2E, DefaultsLiveBesideTheConfigFile) {
  Layout l("");
  ASSERT_EQ(l.run({"run"}, l.elsewhere).exit_code, 0);
  EXPECT_TRUE(file_exists(l.deploy + "/config/state/ferry.db"));
  EXPECT_TRUE(list_dir(l.elsewhere).empty());
}

TEST(PathsE2E, CommandsOtherThanRunRefuseAMissingStateAndCreateNothing) {
  Layout l("[state]\ndir = \"../state\"\n[log]\ndir = \"../logs\"\n");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"jobs"},
           {"status"},
           {"queue", "cake-clicks", "--from", "2016-01-01", "--to", "2016-01-01"}}) {
    RunResult r = l.run(args, l.elsewhere);
    EXPECT_EQ(r.exit_code, 1) << args[0] << ": " << r.err;
    EXPECT_NE(r.err.find("no state at " + l.deploy + "/state/ferry.db"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("ferry init"), std::string::npos) << r.err;
  }
  EXPECT_FALSE(file_exists(l.deploy + "/state"));
  RunResult init = l.run({"init"}, l.elsewhere);
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_NE(init.out.find(l.deploy + "/state/ferry.db"), std::string::npos) << init.out;
  EXPECT_EQ(l.run({"jobs"}, l.elsewhere).exit_code, 0);
}

TEST(PathsE2E, ARunRefusesToStartAfreshBesideTheFileWhenTheOldLayoutHasAState) {
  // Before paths were resolved against the config's folder, `cd DEPLOY && ferry --config
  // config/ferry.toml` with dir = "state" meant DEPLOY/state.
  Layout l("[state]\ndir = \"state\"\n");
  RunResult made =
      run_command({ferry_bin(), "init"},
                  {{"FERRY_CONFIG", ""}, {"FERRY_STATE_DIR", l.deploy + "/state"}}, l.deploy);
  ASSERT_EQ(made.exit_code, 0) << made.err;
  RunResult r = l.run({"run"}, l.deploy);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("there is one at " + l.deploy + "/state/ferry.db"), std::string::npos)
      << r.err;
  EXPECT_FALSE(file_exists(l.deploy + "/config/state/ferry.db"));
}

}  // namespace
}  // namespace ferry::testing
