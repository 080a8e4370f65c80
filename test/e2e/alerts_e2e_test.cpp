// Alert mail end to end: the real binary, a real SMTP server on loopback (Debian's aiosmtpd),
// the rate limit per problem (on the wall clock: FERRY_NOW does not move it), and delivery of
// mail that could not be sent earlier.
#include <gtest/gtest.h>

#include "ferry/sql/statement.h"

#include <thread>

#include "e2e/ferry_fixture.h"
#include "ferry/base/time.h"
#include "support/requirements.h"
#include "support/smtp_server.h"

namespace ferry::testing {
namespace {

using namespace std::chrono_literals;

// Moves every problem's last mail `hours` into the past, as if that much wall-clock time had
// gone by since; returns the new time.
std::string age_last_mails(const FerryEnv& f, int hours) {
  std::string then = format_iso8601(
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) -
      std::chrono::hours(hours));
  f.exec("UPDATE alert_keys SET last_sent_at = '" + then + "'");
  return f.sql("SELECT max(last_sent_at) FROM alert_keys");
}

TEST(AlertsE2E, OneMailPerProblemPerIntervalAndQueuedWhenServerDown) {
  FERRY_REQUIRE(SmtpServer::missing());
  int port = free_port();
  FerryEnv f("[alerts]\nsmtp_url = \"smtp://127.0.0.1:" + std::to_string(port) +
             "\"\nto = [\"ops@example.org\", \"oncall@example.org\"]\nmin_interval = \"1h\"\n");
  f.env = {{"FERRY_SELFTEST", "1"}, {"FERRY_SELFTEST_CRITICAL", "1"}};
  auto server = std::make_unique<SmtpServer>(port, f.path("smtp1.log"));
  ASSERT_TRUE(server->ready()) << "the SMTP server did not listen: " << server->log();

  // First occurrence: exactly one mail, to both recipients.
  ASSERT_EQ(f.run({"run"}, {{"FERRY_NOW", "2016-01-11T00:05:00Z"}}).exit_code, 0);
  ASSERT_TRUE(server->wait_messages(1)) << server->log();
  EXPECT_NE(server->log().find("Subject: [ferry] selftest alarm"), std::string::npos);
  EXPECT_NE(server->log().find("To: ops@example.org, oncall@example.org"), std::string::npos);

  // Again within the interval: no mail, though FERRY_NOW says hours went by.
  ASSERT_EQ(f.run({"run"}, {{"FERRY_NOW", "2016-01-11T00:10:00Z"}}).exit_code, 0);
  ASSERT_EQ(f.run({"run"}, {{"FERRY_NOW", "2016-01-11T05:15:00Z"}}).exit_code, 0);
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(server->messages(), 1);
  EXPECT_EQ(f.sql("SELECT count(*) FROM alerts WHERE status = 'suppressed'"), "2");

  // After the interval of real time: one mail that counts the repeats.
  const std::string last = age_last_mails(f, 2);
  ASSERT_EQ(f.run({"run"}, {{"FERRY_NOW", "2016-01-11T05:20:00Z"}}).exit_code, 0);
  ASSERT_TRUE(server->wait_messages(2)) << server->log();
  EXPECT_NE(server->log().find("happened 2 more times since the last mail at " + last),
            std::string::npos)
      << server->log();

  // Server down: the alert stays in the outbox.
  server.reset();
  age_last_mails(f, 2);
  ASSERT_EQ(f.run({"run"}, {{"FERRY_NOW", "2016-01-11T02:15:00Z"}}).exit_code, 0);
  EXPECT_EQ(f.sql("SELECT count(*) FROM alerts WHERE status = 'pending'"), "1");
  EXPECT_NE(f.run({"status"}).out.find("pending alerts: 1"), std::string::npos);

  // Server back: the next run delivers it, though nothing new happened.
  SmtpServer again(port, f.path("smtp2.log"));
  ASSERT_TRUE(again.ready()) << "the SMTP server did not listen: " << again.log();
  RunResult r =
      f.run({"run"}, {{"FERRY_NOW", "2016-01-11T02:20:00Z"}, {"FERRY_SELFTEST_CRITICAL", "0"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(again.wait_messages(1)) << again.log();
  EXPECT_NE(again.log().find("selftest alarm"), std::string::npos);
  EXPECT_EQ(f.sql("SELECT count(*) FROM alerts WHERE status = 'pending'"), "0");
}

TEST(AlertsE2E, AlertTestReportsTheSmtpResult) {
  FERRY_REQUIRE(SmtpServer::missing());
  int port = free_port();
  FerryEnv f("[alerts]\nsmtp_url = \"smtp://127.0.0.1:" + std::to_string(port) + "\"\n");
  RunResult down = f.run({"alert", "test"});
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_NE(down.err.find("not sent"), std::string::npos) << down.err;
  SmtpServer server(port, f.path("smtp.log"));
  ASSERT_TRUE(server.ready()) << "the SMTP server did not listen: " << server.log();
  RunResult up = f.run({"alert", "test"});
  EXPECT_EQ(up.exit_code, 0) << up.err;
  EXPECT_NE(up.out.find("sent to 1 recipient"), std::string::npos);
  EXPECT_TRUE(server.wait_messages(1));
}

}  // namespace
}  // namespace ferry::testing
