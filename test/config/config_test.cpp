#include "ferry/config/config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "ferry/base/error.h"
#include "support/process.h"

namespace ferry::config {
namespace {

using ferry::testing::TempDir;
using ferry::testing::write_file;
using std::chrono::seconds;

// The keys of the core issue, a named-table section and a table-array section.
ConfigSchema make_schema() {
  ConfigSchema schema;
  schema.section("state").add_path("dir", "state", "state folder", "../state");
  schema.section("log")
      .add_path("dir", "logs", "log folder", "../logs")
      .add_int("keep_days", 366, "retention", 1, 100000)
      .add_string("level", "info", "console level",
                  {"debug", "info", "warning", "error", "critical", "off"});
  schema.section("alerts")
      .add_string("smtp_url", "smtp://127.0.0.1:25", "server")
      .add_string("from", "ferry@localhost", "sender")
      .add_list("to", {"ops@example.org"}, "recipients")
      .add_string("username", "", "login")
      .add_secret("password", "password")
      .add_bool("enabled", true, "send mail")
      .add_duration("min_interval", seconds(3600), "rate limit")
      .add_string("subject_prefix", "[ferry]", "prefix");
  schema.section("run").add_duration("max_time", seconds(270), "budget");
  schema.section("s3", SectionKind::kNamedTables)
      .add_string("bucket", "", "bucket")
      .add_string("region", "us-east-1", "region")
      .add_string("access_key_id", "", "key id")
      .add_secret("secret_access_key", "secret")
      .add_secret("session_token", "token");
  schema.section("mindtrails.server", SectionKind::kTableArray)
      .add_string("name", "", "server name")
      .add_string("url", "", "base url")
      .add_secret("api_key", "key")
      .add_int("page_size", 500, "rows per request", 1, 10000);
  return schema;
}

// Writes `text` as the config file of a fresh temp dir and loads it.
struct Fixture {
  TempDir dir;
  std::string file = dir / "ferry.toml";
  ConfigSchema schema = make_schema();
  LoadOptions options;

  Config load_text(const std::string& text) {
    write_file(file, text);
    options.file = file;
    return config::load(schema, options);
  }
  // The UsageError message of loading `text`; "" when it loads.
  std::string error_of(const std::string& text) {
    try {
      load_text(text);
    } catch (const UsageError& e) {
      return e.what();
    }
    return "";
  }
};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(ConfigTest, DefaultsWhenThereIsNoFile) {
  Fixture f;
  f.options.file = f.dir / "missing.toml";
  Config c = load(f.schema, f.options);
  EXPECT_EQ(c.file(), "");
  EXPECT_EQ(c.table("state").str("dir"), "state");
  EXPECT_EQ(c.table("log").str("dir"), "logs");
  EXPECT_EQ(c.table("log").integer("keep_days"), 366);
  EXPECT_EQ(c.table("log").str("level"), "info");
  EXPECT_EQ(c.table("alerts").list("to"), std::vector<std::string>{"ops@example.org"});
  EXPECT_EQ(c.table("alerts").duration("min_interval"), seconds(3600));
  EXPECT_TRUE(c.table("alerts").boolean("enabled"));
  EXPECT_EQ(c.table("run").duration("max_time"), seconds(270));
  EXPECT_EQ(c.table("log").setting("dir").origin, "default");
  EXPECT_EQ(c.table("run").setting("max_time").origin, "default");
  EXPECT_TRUE(c.names("s3").empty());
  EXPECT_TRUE(c.entries("mindtrails.server").empty());
}

TEST(ConfigTest, RelativePathsInAFileAreResolvedAgainstItsFolder) {
  Fixture f;
  Config c = f.load_text("[state]\ndir = \"../shared/state/\"\n");
  const std::string base = f.dir.path();
  EXPECT_EQ(c.table("state").str("dir"),
            (std::filesystem::path(base).parent_path() / "shared/state").string());
  EXPECT_EQ(c.table("state").setting("dir").unresolved, "../shared/state/");
  // A default, with a file read, lives beside the file too; a non-path string is left alone.
  EXPECT_EQ(c.table("log").str("dir"), base + "/logs");
  EXPECT_EQ(c.table("alerts").str("from"), "ferry@localhost");
}

TEST(ConfigTest, AbsoluteEnvironmentAndFlagPathsAreKeptAsGiven) {
  Fixture f;
  f.options.environment = {{"FERRY_LOG_DIR", "rel/logs"}};
  f.options.flags.push_back({"state.dir", "here", "--state"});
  Config c = f.load_text("[state]\ndir = \"/srv/ferry/state\"\n[log]\ndir = \"x\"\n");
  EXPECT_EQ(c.table("state").str("dir"), "here");
  EXPECT_EQ(c.table("log").str("dir"), "rel/logs");
  f.options.environment.clear();
  f.options.flags.clear();
  Config d = f.load_text("[state]\ndir = \"/srv/ferry/state\"\n");
  EXPECT_EQ(d.table("state").str("dir"), "/srv/ferry/state");
  EXPECT_EQ(d.table("state").setting("dir").unresolved, "");
}

TEST(ConfigTest, ExampleShowsTheExampleValueOfPathKeys) {
  Fixture f;
  std::string text = example_toml(f.schema);
  EXPECT_TRUE(contains(text, "dir = \"../state\"")) << text;
  EXPECT_TRUE(contains(text, "dir = \"../logs\"")) << text;
}

TEST(ConfigTest, MissingRequiredFileIsUsageError) {
  Fixture f;
  f.options.file = f.dir / "missing.toml";
  f.options.file_required = true;
  try {
    load(f.schema, f.options);
    FAIL() << "no error";
  } catch (const UsageError& e) {
    EXPECT_TRUE(contains(e.what(), f.dir / "missing.toml")) << e.what();
  }
}

// A directory given as the config file (`--config /etc/ferry/`) must not load as an empty file
// and silently fall back to defaults.
TEST(ConfigTest, DirectoryAsConfigFileIsUsageError) {
  for (bool required : {true, false}) {
    Fixture f;
    std::string dir = f.dir / "conf.d";
    ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0);
    f.options.file = dir;
    f.options.file_required = required;
    try {
      Config c = load(f.schema, f.options);
      ADD_FAILURE() << "loaded a directory as config (file_required=" << required << ", file()='"
                    << c.file() << "')";
    } catch (const UsageError& e) {
      EXPECT_TRUE(contains(e.what(), dir)) << e.what();
    }
  }
}

TEST(ConfigTest, FileValuesCarryFileAndLine) {
  Fixture f;
  Config c = f.load_text(
      "# ferry config\n"                   // 1
      "[log]\n"                            // 2
      "dir = \"/var/log/ferry\"\n"         // 3
      "keep_days = 30\n"                   // 4
      "\n"                                 // 5
      "[alerts]\n"                         // 6
      "to = [\"a@x.org\", \"b@y.org\"]\n"  // 7
      "min_interval = \"30m\"\n"           // 8
      "enabled = false\n");                // 9
  EXPECT_EQ(c.file(), f.file);
  EXPECT_EQ(c.table("log").str("dir"), "/var/log/ferry");
  EXPECT_EQ(c.table("log").setting("dir").origin, f.file + ":3");
  EXPECT_EQ(c.table("log").integer("keep_days"), 30);
  EXPECT_EQ(c.table("log").setting("keep_days").origin, f.file + ":4");
  EXPECT_EQ(c.table("alerts").list("to"), (std::vector<std::string>{"a@x.org", "b@y.org"}));
  EXPECT_EQ(c.table("alerts").setting("to").origin, f.file + ":7");
  EXPECT_EQ(c.table("alerts").duration("min_interval"), seconds(1800));
  EXPECT_EQ(c.table("alerts").setting("min_interval").origin, f.file + ":8");
  EXPECT_FALSE(c.table("alerts").boolean("enabled"));
  // Keys the file does not set keep their defaults.
  EXPECT_EQ(c.table("log").str("level"), "info");
  EXPECT_EQ(c.table("log").setting("level").origin, "default");
  EXPECT_EQ(c.table("state").setting("dir").origin, "default");
}

TEST(ConfigTest, PrecedenceDefaultsFileEnvironmentFlags) {
  Fixture f;
  f.options.environment = {{"FERRY_LOG_DIR", "/env/logs"},
                           {"FERRY_STATE_DIR", "/env/state"},
                           {"FERRY_LOG_KEEP_DAYS", "14"}};
  f.options.flags = {{"state.dir", "/flag/state", "--state"}};
  Config c = f.load_text(
      "[log]\n"
      "dir = \"/file/logs\"\n"
      "level = \"debug\"\n"
      "[state]\n"
      "dir = \"/file/state\"\n");
  // flag > env > file
  EXPECT_EQ(c.table("state").str("dir"), "/flag/state");
  EXPECT_EQ(c.table("state").setting("dir").origin, "flag --state");
  // env > file
  EXPECT_EQ(c.table("log").str("dir"), "/env/logs");
  EXPECT_EQ(c.table("log").setting("dir").origin, "env FERRY_LOG_DIR");
  // env > default
  EXPECT_EQ(c.table("log").integer("keep_days"), 14);
  EXPECT_EQ(c.table("log").setting("keep_days").origin, "env FERRY_LOG_KEEP_DAYS");
  // file > default
  EXPECT_EQ(c.table("log").str("level"), "debug");
  EXPECT_EQ(c.table("log").setting("level").origin, f.file + ":3");
  // default
  EXPECT_EQ(c.table("run").setting("max_time").origin, "default");
}

TEST(ConfigTest, FlagBeatsDefaultWithoutFileOrEnvironment) {
  Fixture f;
  f.options.flags = {{"log.level", "warning", "-q"}};
  Config c = load(f.schema, f.options);
  EXPECT_EQ(c.table("log").str("level"), "warning");
  EXPECT_EQ(c.table("log").setting("level").origin, "flag -q");
}

TEST(ConfigTest, EnvironmentParsesEveryType) {
  Fixture f;
  f.options.environment = {{"FERRY_ALERTS_TO", "a@x.org,b@y.org"},
                           {"FERRY_ALERTS_ENABLED", "false"},
                           {"FERRY_ALERTS_MIN_INTERVAL", "1h30m"},
                           {"FERRY_RUN_MAX_TIME", "90s"},
                           {"FERRY_LOG_KEEP_DAYS", "7"}};
  Config c = load(f.schema, f.options);
  EXPECT_EQ(c.table("alerts").list("to"), (std::vector<std::string>{"a@x.org", "b@y.org"}));
  EXPECT_FALSE(c.table("alerts").boolean("enabled"));
  EXPECT_EQ(c.table("alerts").duration("min_interval"), seconds(5400));
  EXPECT_EQ(c.table("run").duration("max_time"), seconds(90));
  EXPECT_EQ(c.table("log").integer("keep_days"), 7);
  EXPECT_EQ(c.table("alerts").setting("to").origin, "env FERRY_ALERTS_TO");
}

TEST(ConfigTest, EnvironmentEmptyListClearsRecipients) {
  Fixture f;
  f.options.environment = {{"FERRY_ALERTS_TO", ""}};
  Config c = load(f.schema, f.options);
  EXPECT_TRUE(c.table("alerts").list("to").empty());
}

TEST(ConfigTest, OnlyFerryVariablesAreRead) {
  Fixture f;
  f.options.environment = {{"LOG_DIR", "/nope"}, {"ferry_log_dir", "/nope"}, {"HOME", "/root"}};
  Config c = load(f.schema, f.options);
  EXPECT_EQ(c.table("log").str("dir"), "logs");
  EXPECT_EQ(c.table("log").setting("dir").origin, "default");
}

TEST(ConfigTest, BadEnvironmentValuesNameTheVariable) {
  struct Case {
    const char* name;
    const char* value;
    const char* says;
  } cases[] = {{"FERRY_LOG_KEEP_DAYS", "thirty", "must be an integer"},
               {"FERRY_LOG_KEEP_DAYS", "0", "out of range"},
               {"FERRY_LOG_KEEP_DAYS", "12abc", "must be an integer"},
               {"FERRY_ALERTS_ENABLED", "maybe", "true or false"},
               {"FERRY_ALERTS_MIN_INTERVAL", "60", "bad duration"},
               {"FERRY_LOG_LEVEL", "loud", "not one of"}};
  for (const auto& c : cases) {
    Fixture f;
    f.options.environment = {{c.name, c.value}};
    try {
      load(f.schema, f.options);
      ADD_FAILURE() << c.name << "=" << c.value << " loaded";
    } catch (const UsageError& e) {
      EXPECT_TRUE(contains(e.what(), c.name)) << e.what();
      EXPECT_TRUE(contains(e.what(), c.says)) << e.what();
    }
  }
}

TEST(ConfigTest, BadFlagValueNamesTheFlag) {
  Fixture f;
  f.options.flags = {{"log.keep_days", "-3", "--keep-days"}};
  try {
    load(f.schema, f.options);
    FAIL() << "no error";
  } catch (const UsageError& e) {
    EXPECT_TRUE(contains(e.what(), "flag --keep-days")) << e.what();
    EXPECT_TRUE(contains(e.what(), "out of range")) << e.what();
  }
}

TEST(ConfigTest, FlagForUndeclaredKeyIsProgrammingError) {
  Fixture f;
  f.options.flags = {{"log.nope", "x", "--nope"}};
  EXPECT_THROW(load(f.schema, f.options), std::logic_error);
}

TEST(ConfigTest, UnknownKeyNamesFileLineAndKey) {
  Fixture f;
  std::string err = f.error_of(
      "[log]\n"
      "dir = \"logs\"\n"
      "keep_dayz = 30\n");
  EXPECT_TRUE(contains(err, f.file + ":3")) << err;
  EXPECT_TRUE(contains(err, "keep_dayz")) << err;
  EXPECT_TRUE(contains(err, "[log]")) << err;
}

TEST(ConfigTest, UnknownTopLevelKeyAndTable) {
  Fixture f;
  std::string err = f.error_of("\nverbose = true\n");
  EXPECT_TRUE(contains(err, f.file + ":2")) << err;
  EXPECT_TRUE(contains(err, "verbose")) << err;

  err = f.error_of(
      "[log]\n"
      "dir = \"logs\"\n"
      "\n"
      "[logging]\n"
      "dir = \"x\"\n");
  EXPECT_TRUE(contains(err, f.file + ":4")) << err;
  EXPECT_TRUE(contains(err, "unknown table [logging]")) << err;

  err = f.error_of("[log.extra]\nx = 1\n");
  EXPECT_TRUE(contains(err, f.file + ":1")) << err;
  EXPECT_TRUE(contains(err, "log.extra")) << err;
}

TEST(ConfigTest, WrongTypeNamesFileLineKeyAndExpectedType) {
  Fixture f;
  std::string err = f.error_of(
      "[log]\n"
      "keep_days = \"thirty\"\n");
  EXPECT_TRUE(contains(err, f.file + ":2")) << err;
  EXPECT_TRUE(contains(err, "log.keep_days")) << err;
  EXPECT_TRUE(contains(err, "must be an integer")) << err;

  err = f.error_of("[alerts]\n\nenabled = \"yes\"\n");
  EXPECT_TRUE(contains(err, f.file + ":3")) << err;
  EXPECT_TRUE(contains(err, "alerts.enabled")) << err;

  err = f.error_of("[alerts]\nto = \"ops@example.org\"\n");
  EXPECT_TRUE(contains(err, f.file + ":2")) << err;
  EXPECT_TRUE(contains(err, "a list of strings")) << err;

  err = f.error_of("[alerts]\nto = [\"a@x.org\", 3]\n");
  EXPECT_TRUE(contains(err, f.file + ":2")) << err;

  err = f.error_of("[run]\nmax_time = 270\n");
  EXPECT_TRUE(contains(err, f.file + ":2")) << err;
  EXPECT_TRUE(contains(err, "duration")) << err;

  err = f.error_of("log = 5\n");
  EXPECT_TRUE(contains(err, f.file + ":1")) << err;
}

TEST(ConfigTest, BadDurationNamesFileLineAndForms) {
  for (const char* bad : {"5 minutes", "90", "1.5h", "", "-5m"}) {
    Fixture f;
    std::string err = f.error_of(std::string("[run]\n# budget\nmax_time = \"") + bad + "\"\n");
    EXPECT_TRUE(contains(err, f.file + ":3")) << bad << ": " << err;
    EXPECT_TRUE(contains(err, "run.max_time")) << err;
    EXPECT_TRUE(contains(err, "bad duration")) << err;
    EXPECT_TRUE(contains(err, "90s")) << err;
  }
}

TEST(ConfigTest, IntegerRangeIsChecked) {
  Fixture f;
  std::string err = f.error_of("[log]\nkeep_days = 0\n");
  EXPECT_TRUE(contains(err, f.file + ":2")) << err;
  EXPECT_TRUE(contains(err, "out of range [1, 100000]")) << err;
  EXPECT_TRUE(contains(f.error_of("[log]\nkeep_days = 100001\n"), "out of range")) << err;
  EXPECT_EQ(f.error_of("[log]\nkeep_days = 1\n"), "");
  EXPECT_EQ(f.error_of("[log]\nkeep_days = 100000\n"), "");
}

TEST(ConfigTest, ChoicesAreChecked) {
  Fixture f;
  std::string err = f.error_of("[log]\nlevel = \"loud\"\n");
  EXPECT_TRUE(contains(err, f.file + ":2")) << err;
  EXPECT_TRUE(contains(err, "'loud' is not one of: debug, info, warning, error, critical, off"))
      << err;
  EXPECT_EQ(f.error_of("[log]\nlevel = \"warning\"\n"), "");
}

TEST(ConfigTest, SyntaxErrorNamesFileAndLine) {
  Fixture f;
  std::string err = f.error_of(
      "[log]\n"
      "dir = \"logs\"\n"
      "keep_days = = 3\n");
  EXPECT_TRUE(contains(err, f.file + ":3")) << err;
  EXPECT_TRUE(contains(err, "syntax")) << err;
}

// Found by fuzzing: a control character in a table header tripped an assertion in toml++ and
// aborted ferry instead of reporting the line.
TEST(ConfigTest, ControlCharacterIsASyntaxErrorNotACrash) {
  Fixture f;
  std::string err = f.error_of("[log]\ndir = \"logs\"\n[\x01state]\ndir = \"s\"\n");
  EXPECT_TRUE(contains(err, f.file + ":3")) << err;
  EXPECT_TRUE(contains(err, "syntax")) << err;
}

// Found by fuzzing: `[#` (a comment where a table header's key must be) broke another of toml++'s
// assertions; any other broken expectation of its parser is a syntax error too, never an abort.
TEST(ConfigTest, AHeaderWithoutAKeyIsASyntaxErrorNotACrash) {
  Fixture f;
  std::string err = f.error_of("# all set up\n[# every pipeline]\n[state]\ndir = \"s\"\n");
  EXPECT_TRUE(contains(err, f.file + ":2")) << err;
  EXPECT_TRUE(contains(err, "syntax")) << err;
  err = f.error_of("[log]\n[[ #x]]\n");
  EXPECT_TRUE(contains(err, f.file + ":2")) << err;
  err = f.error_of("[log]\n[{x]\n");
  EXPECT_TRUE(contains(err, f.file)) << err;
  EXPECT_TRUE(contains(err, "syntax")) << err;
}

TEST(ConfigTest, NamedTablesWithEnvironmentOverride) {
  Fixture f;
  f.options.environment = {{"FERRY_S3_REPORTS_BUCKET", "env-bucket"},
                           {"FERRY_S3_ARCHIVE_SECRET_ACCESS_KEY", "env-secret"}};
  Config c = f.load_text(
      "[s3.reports]\n"            // 1
      "bucket = \"reports\"\n"    // 2
      "region = \"eu-west-1\"\n"  // 3
      "\n"                        // 4
      "[s3.archive]\n"            // 5
      "bucket = \"archive\"\n");  // 6
  EXPECT_EQ(c.names("s3"), (std::vector<std::string>{"archive", "reports"}));
  const Section* reports = c.named("s3", "reports");
  ASSERT_NE(reports, nullptr);
  EXPECT_EQ(reports->path(), "s3.reports");
  EXPECT_EQ(reports->str("bucket"), "env-bucket");
  EXPECT_EQ(reports->setting("bucket").origin, "env FERRY_S3_REPORTS_BUCKET");
  EXPECT_EQ(reports->str("region"), "eu-west-1");
  EXPECT_EQ(reports->setting("region").origin, f.file + ":3");
  const Section* archive = c.named("s3", "archive");
  ASSERT_NE(archive, nullptr);
  EXPECT_EQ(archive->str("bucket"), "archive");
  EXPECT_EQ(archive->setting("bucket").origin, f.file + ":6");
  EXPECT_EQ(archive->str("region"), "us-east-1");
  EXPECT_EQ(archive->setting("region").origin, "default");
  EXPECT_EQ(archive->str("secret_access_key"), "env-secret");
  EXPECT_EQ(c.named("s3", "nope"), nullptr);
  EXPECT_EQ(env_name("s3.reports", "bucket"), "FERRY_S3_REPORTS_BUCKET");
}

TEST(ConfigTest, UnknownKeyInNamedTable) {
  Fixture f;
  std::string err = f.error_of("[s3.reports]\nbucket = \"r\"\nbukket = \"x\"\n");
  EXPECT_TRUE(contains(err, f.file + ":3")) << err;
  EXPECT_TRUE(contains(err, "bukket")) << err;
  EXPECT_TRUE(contains(err, "s3.reports")) << err;
}

TEST(ConfigTest, TableArrayEntriesInFileOrderWithEnvironmentByName) {
  Fixture f;
  f.options.environment = {{"FERRY_MINDTRAILS_SERVER_PROD_API_KEY", "env-key"},
                           {"FERRY_MINDTRAILS_SERVER_STAGING_PAGE_SIZE", "50"}};
  Config c = f.load_text(
      "[[mindtrails.server]]\n"                    // 1
      "name = \"prod\"\n"                          // 2
      "url = \"https://prod.example.org\"\n"       // 3
      "api_key = \"file-key\"\n"                   // 4
      "\n"                                         // 5
      "[[mindtrails.server]]\n"                    // 6
      "name = \"staging\"\n"                       // 7
      "url = \"https://staging.example.org\"\n");  // 8
  const auto& servers = c.entries("mindtrails.server");
  ASSERT_EQ(servers.size(), 2u);
  EXPECT_EQ(servers[0].path(), "mindtrails.server[0]");
  EXPECT_EQ(servers[0].str("name"), "prod");
  EXPECT_EQ(servers[0].str("url"), "https://prod.example.org");
  EXPECT_EQ(servers[0].setting("url").origin, f.file + ":3");
  EXPECT_EQ(servers[0].str("api_key"), "env-key");
  EXPECT_EQ(servers[0].setting("api_key").origin, "env FERRY_MINDTRAILS_SERVER_PROD_API_KEY");
  EXPECT_EQ(servers[0].integer("page_size"), 500);
  EXPECT_EQ(servers[1].path(), "mindtrails.server[1]");
  EXPECT_EQ(servers[1].str("name"), "staging");
  EXPECT_EQ(servers[1].setting("url").origin, f.file + ":8");
  EXPECT_EQ(servers[1].integer("page_size"), 50);
  EXPECT_EQ(servers[1].setting("page_size").origin,
            "env FERRY_MINDTRAILS_SERVER_STAGING_PAGE_SIZE");
  EXPECT_EQ(servers[1].str("api_key"), "");
  EXPECT_EQ(env_name("mindtrails.server.prod", "api_key"), "FERRY_MINDTRAILS_SERVER_PROD_API_KEY");
}

TEST(ConfigTest, TableArrayErrors) {
  Fixture f;
  std::string err = f.error_of("[mindtrails.server]\nname = \"prod\"\n");
  EXPECT_TRUE(contains(err, "[[mindtrails.server]]")) << err;

  err = f.error_of(
      "[[mindtrails.server]]\n"
      "name = \"prod\"\n"
      "[[mindtrails.server]]\n"
      "name = \"staging\"\n"
      "page_size = 0\n");
  EXPECT_TRUE(contains(err, f.file + ":5")) << err;
  EXPECT_TRUE(contains(err, "out of range")) << err;

  err = f.error_of("[[mindtrails.server]]\nname = \"prod\"\nhost = \"x\"\n");
  EXPECT_TRUE(contains(err, f.file + ":3")) << err;
  EXPECT_TRUE(contains(err, "host")) << err;

  err = f.error_of("[mindtrails]\nserver_count = 2\n");
  EXPECT_TRUE(contains(err, f.file + ":2")) << err;
  EXPECT_TRUE(contains(err, "server_count")) << err;
}

// A key is secret because its declaration says so, not because of its name.
TEST(ConfigTest, SecretKeysComeFromDeclarations) {
  ConfigSchema schema = make_schema();
  EXPECT_EQ(
      schema.secret_key_names(),
      (std::vector<std::string>{"api_key", "password", "secret_access_key", "session_token"}));
  EXPECT_TRUE(schema.find("alerts")->find("password")->secret);
  EXPECT_FALSE(schema.find("alerts")->find("username")->secret);
  EXPECT_TRUE(schema.find("s3")->find("secret_access_key")->secret);
  EXPECT_TRUE(schema.find("mindtrails.server")->find("api_key")->secret);
}

TEST(ConfigTest, ShowMasksSecretsAndPrintsOrigins) {
  Fixture f;
  f.options.environment = {{"FERRY_S3_REPORTS_SESSION_TOKEN", "tok-FROM-env-77"}};
  f.options.flags = {{"log.level", "debug", "-v"}};
  Config c = f.load_text(
      "[alerts]\n"                                       // 1
      "username = \"ferry\"\n"                           // 2
      "password = \"hunter2-sekret\"\n"                  // 3
      "[s3.reports]\n"                                   // 4
      "bucket = \"reports\"\n"                           // 5
      "secret_access_key = \"wJalrXUtnFEMI/K7MDENG\"\n"  // 6
      "[[mindtrails.server]]\n"                          // 7
      "name = \"prod\"\n"                                // 8
      "api_key = \"mt-api-key-123\"\n");                 // 9
  std::string shown = c.show();
  for (const char* secret :
       {"hunter2-sekret", "wJalrXUtnFEMI/K7MDENG", "tok-FROM-env-77", "mt-api-key-123"})
    EXPECT_FALSE(contains(shown, secret)) << secret << " shown in:\n" << shown;
  EXPECT_TRUE(contains(shown, "# config file: " + f.file)) << shown;
  EXPECT_TRUE(contains(shown, "password = \"********\"    # " + f.file + ":3")) << shown;
  EXPECT_TRUE(contains(shown, "username = \"ferry\"    # " + f.file + ":2")) << shown;
  EXPECT_TRUE(contains(shown, "secret_access_key = \"********\"    # " + f.file + ":6")) << shown;
  EXPECT_TRUE(
      contains(shown, "session_token = \"********\"    # env FERRY_S3_REPORTS_SESSION_TOKEN"))
      << shown;
  EXPECT_TRUE(contains(shown, "api_key = \"********\"    # " + f.file + ":9")) << shown;
  EXPECT_TRUE(contains(shown, "level = \"debug\"    # flag -v")) << shown;
  EXPECT_TRUE(contains(shown, "keep_days = 366    # default")) << shown;
  EXPECT_TRUE(contains(shown, "min_interval = \"1h\"    # default")) << shown;
  EXPECT_TRUE(contains(shown, "to = [\"ops@example.org\"]    # default")) << shown;
  EXPECT_TRUE(contains(shown, "[log]\n")) << shown;
  EXPECT_TRUE(contains(shown, "[s3.reports]\n")) << shown;
  EXPECT_TRUE(contains(shown, "[[mindtrails.server]]\n")) << shown;
}

TEST(ConfigTest, ShowWithoutFileSaysSo) {
  Fixture f;
  Config c = load(f.schema, f.options);
  std::string shown = c.show();
  EXPECT_TRUE(contains(shown, "# config file: (none; defaults and environment)")) << shown;
  // An empty secret is shown as empty, not masked.
  EXPECT_TRUE(contains(shown, "password = \"\"    # default")) << shown;
}

TEST(ConfigTest, SecretValuesListsNonEmptySecretsOnly) {
  Fixture f;
  f.options.environment = {{"FERRY_S3_REPORTS_SESSION_TOKEN", "tok-FROM-env-77"}};
  Config c = f.load_text(
      "[alerts]\n"
      "username = \"ferry\"\n"
      "password = \"hunter2-sekret\"\n"
      "[s3.reports]\n"
      "bucket = \"reports\"\n"
      "secret_access_key = \"wJalrXUtnFEMI/K7MDENG\"\n"
      "[[mindtrails.server]]\n"
      "name = \"prod\"\n"
      "api_key = \"mt-api-key-123\"\n");
  auto secrets = c.secret_values();
  std::sort(secrets.begin(), secrets.end());
  EXPECT_EQ(secrets, (std::vector<std::string>{"hunter2-sekret", "mt-api-key-123",
                                               "tok-FROM-env-77", "wJalrXUtnFEMI/K7MDENG"}));
}

TEST(ConfigTest, AccessorsRejectUndeclaredKeysAndWrongTypes) {
  Fixture f;
  Config c = load(f.schema, f.options);
  EXPECT_THROW(c.table("log").integer("dir"), std::logic_error);
  EXPECT_THROW(c.table("log").str("keep_days"), std::logic_error);
  EXPECT_THROW(c.table("log").str("nope"), std::logic_error);
  EXPECT_THROW(c.table("log").setting("nope"), std::logic_error);
  EXPECT_THROW(c.table("nope"), std::logic_error);
}

TEST(ConfigTest, SchemaRejectsRedeclarations) {
  ConfigSchema schema;
  schema.section("s3", SectionKind::kNamedTables).add_string("bucket", "", "b");
  EXPECT_EQ(&schema.section("s3", SectionKind::kNamedTables), schema.find("s3"));
  EXPECT_THROW(schema.section("s3", SectionKind::kTable), std::logic_error);
  EXPECT_THROW(schema.section("s3", SectionKind::kNamedTables).add_int("bucket", 1, "b"),
               std::logic_error);
  EXPECT_EQ(schema.find("nope"), nullptr);
}

TEST(ConfigTest, ValueTextWritesToml) {
  EXPECT_EQ(value_text(std::string("a \"q\" \\ b"), ValueType::kString), "\"a \\\"q\\\" \\\\ b\"");
  EXPECT_EQ(value_text(int64_t{-42}, ValueType::kInt), "-42");
  EXPECT_EQ(value_text(true, ValueType::kBool), "true");
  EXPECT_EQ(value_text(false, ValueType::kBool), "false");
  EXPECT_EQ(value_text(seconds(5400), ValueType::kDuration), "\"1h30m\"");
  EXPECT_EQ(value_text(std::vector<std::string>{"a", "b"}, ValueType::kStringList),
            "[\"a\", \"b\"]");
  EXPECT_EQ(value_text(std::vector<std::string>{}, ValueType::kStringList), "[]");
}

TEST(ConfigTest, EnvNameUppercasesAndReplacesPunctuation) {
  EXPECT_EQ(env_name("log", "keep_days"), "FERRY_LOG_KEEP_DAYS");
  EXPECT_EQ(env_name("alerts", "min_interval"), "FERRY_ALERTS_MIN_INTERVAL");
  EXPECT_EQ(env_name("s3.my-bucket", "region"), "FERRY_S3_MY_BUCKET_REGION");
}

}  // namespace
}  // namespace ferry::config
