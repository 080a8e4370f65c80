// `ferry config check` (and every command's start-up) runs each pipeline's check: a value a run
// would reject exits 2 naming the file and line where it was set.
#include <gtest/gtest.h>

#include "e2e/ferry_fixture.h"

namespace ferry::testing {
namespace {

struct Case {
  std::string toml;
  std::string expect;
};

TEST(ConfigCheckE2E, ValuesARunWouldRejectAreRefusedWithFileAndLine) {
  FerryEnv f;
  const std::string cake = "[cake]\nadmin_url = \"https://cake.test\"\napi_key = \"k\"\n";
  const std::string s3 = "[s3.reports]\nbucket = \"b\"\n";
  const Case cases[] = {
      {s3 + cake + "daily_at = \"25:00\"\n",
       "ferry.toml:6: [cake] daily_at '25:00' is not a time of day HH:MM"},
      {s3 + cake + "timezone = \"Mars/Olympus_Mons\"\n",
       "ferry.toml:6: [cake] timezone 'Mars/Olympus_Mons' is not in the time zone database"},
      {cake + "s3 = \"archive\"\n", "ferry.toml:4: [cake] s3 = 'archive' names no [s3.archive]"},
      {"[[mindtrails.server]]\nname = \"a\"\ndata_dir = \"data/x\"\n"
       "[[mindtrails.server]]\nname = \"b\"\ndata_dir = \"data/x/\"\n",
       "ferry.toml:6: [[mindtrails.server]] 'b' and 'a' share data_dir"},
      {"[run]\nmax_time = \"0s\"\n", "ferry.toml:2: [run] max_time must be more than 0s"},
      {"[alerts]\nsmtp_url = \"http://u:hunter2@mail.test\"\n",
       "ferry.toml:2: [alerts] smtp_url 'http://u:********@mail.test' must start with smtp://"},
      {"[s3.reports]\nbucket = \"b\"\nendpoint = \"https://user:hunter2@s3.test\"\n",
       "ferry.toml:3: [s3.reports] endpoint 'https://user:********@s3.test' has user info"},
  };
  for (const auto& c : cases) {
    f.write_config(c.toml);
    RunResult check = f.run({"config", "check"});
    EXPECT_EQ(check.exit_code, 2) << c.toml;
    EXPECT_NE(check.err.find(c.expect), std::string::npos) << c.toml << "\n" << check.err;
    EXPECT_EQ(check.err.find("hunter2"), std::string::npos) << check.err;
    EXPECT_EQ(f.run({"run"}).exit_code, 2) << c.toml;
  }
  f.write_config(s3 + cake + "daily_at = \"02:00\"\ntimezone = \"America/New_York\"\n");
  RunResult ok = f.run({"config", "check"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

// An environment variable's value is checked as the file's are, naming the variable.
TEST(ConfigCheckE2E, EnvironmentValuesAreCheckedToo) {
  FerryEnv f("[s3.reports]\nbucket = \"b\"\n[cake]\nadmin_url = \"https://cake.test\"\n");
  RunResult r =
      f.run({"config", "check"}, {{"FERRY_CAKE_API_KEY", "k"}, {"FERRY_CAKE_DAILY_AT", "7pm"}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("FERRY_CAKE_DAILY_AT: [cake] daily_at '7pm'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ferry::testing
