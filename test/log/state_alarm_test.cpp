#include "ferry/log/state_alarm.h"

#include <gtest/gtest.h>

#include "ferry/net/mailer.h"
#include "support/process.h"

namespace ferry::log {
namespace {

using ferry::testing::file_exists;
using ferry::testing::read_file;
using ferry::testing::TempDir;
using ferry::testing::write_file;
using namespace std::chrono_literals;

const TimePoint kT0 = TimePoint(std::chrono::seconds(1452470700));  // 2016-01-11T00:05:00Z

AlertSettings settings() {
  AlertSettings s;
  s.to = {"ops@example.org"};
  s.min_interval = 1h;
  s.secrets = {"hunter22"};
  return s;
}

TEST(StateAlarmTest, MailsOncePerIntervalRememberingTheLastMailInTheStampFile) {
  TempDir dir;
  const std::string stamp = dir / "ferry.db.alerted";
  net::FakeMailer mailer;
  const std::string problem = "the state file /x/ferry.db cannot be used: file is not a database";
  EXPECT_EQ(mail_state_alarm(mailer, settings(), stamp, problem, kT0), StateAlarmOutcome::kSent);
  ASSERT_EQ(mailer.sent.size(), 1u);
  EXPECT_EQ(mailer.sent[0].subject, "[ferry] the state file cannot be used");
  EXPECT_NE(mailer.sent[0].body.find(problem), std::string::npos);
  EXPECT_NE(mailer.sent[0].body.find("ferry backup"), std::string::npos);
  EXPECT_EQ(read_file(stamp), "2016-01-11T00:05:00Z\n");

  EXPECT_EQ(mail_state_alarm(mailer, settings(), stamp, problem, kT0 + 59min),
            StateAlarmOutcome::kSuppressed);
  EXPECT_EQ(mailer.sent.size(), 1u);
  EXPECT_EQ(mail_state_alarm(mailer, settings(), stamp, problem, kT0 + 1h),
            StateAlarmOutcome::kSent);
  EXPECT_EQ(mailer.sent.size(), 2u);
  EXPECT_EQ(read_file(stamp), "2016-01-11T01:05:00Z\n");
}

TEST(StateAlarmTest, FailedMailIsNotRememberedSoTheNextRunTriesAgain) {
  TempDir dir;
  const std::string stamp = dir / "ferry.db.alerted";
  net::FakeMailer mailer;
  mailer.fail_with = "connection refused";
  EXPECT_EQ(mail_state_alarm(mailer, settings(), stamp, "broken", kT0),
            StateAlarmOutcome::kFailed);
  EXPECT_FALSE(file_exists(stamp));
  mailer.fail_with.clear();
  EXPECT_EQ(mail_state_alarm(mailer, settings(), stamp, "broken", kT0 + 5min),
            StateAlarmOutcome::kSent);
}

TEST(StateAlarmTest, NoRecipientsUnreadableStampAndSecrets) {
  TempDir dir;
  const std::string stamp = dir / "ferry.db.alerted";
  net::FakeMailer mailer;
  AlertSettings none = settings();
  none.to.clear();
  EXPECT_EQ(mail_state_alarm(mailer, none, stamp, "broken", kT0),
            StateAlarmOutcome::kNoRecipients);
  write_file(stamp, "not a time\n");
  EXPECT_EQ(mail_state_alarm(mailer, settings(), stamp, "password hunter22 in a path", kT0),
            StateAlarmOutcome::kSent);
  ASSERT_EQ(mailer.sent.size(), 1u);
  EXPECT_EQ(mailer.sent[0].body.find("hunter22"), std::string::npos);
}

}  // namespace
}  // namespace ferry::log
