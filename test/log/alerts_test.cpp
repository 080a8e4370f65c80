#include "ferry/log/alerts.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>
#include <vector>

#include "ferry/net/mailer.h"
#include "ferry/state/alerts.h"
#include "ferry/state/store.h"
#include "support/process.h"
#include "support/test_store.h"

namespace ferry::log {
namespace {

using ferry::testing::TempDir;
using std::chrono::minutes;
using std::chrono::seconds;

// 2016-01-11T00:05:00Z
const TimePoint kT0 = TimePoint(seconds(1452470700));

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

size_t count_of(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size()))
    ++n;
  return n;
}

// Silences the default logger for the scope of a test (the dispatcher logs every mail).
class QuietLog {
 public:
  QuietLog() : level_(spdlog::get_level()) { spdlog::set_level(spdlog::level::off); }
  ~QuietLog() { spdlog::set_level(level_); }

 private:
  spdlog::level::level_enum level_;
};

struct AlertsFixture {
  QuietLog quiet;
  TempDir dir;
  ferry::testing::TestStore store{dir.path()};
  state::AlertStore alerts{store};
  net::FakeMailer mailer;
  AlertSettings settings = make_settings();

  static AlertSettings make_settings() {
    AlertSettings s;
    s.from = "ferry@host.example.org";
    s.to = {"ops@example.org", "oncall@example.org"};
    s.subject_prefix = "[ferry]";
    s.min_interval = seconds(3600);
    return s;
  }
  FlushResult flush(TimePoint now) { return AlertDispatcher(alerts, mailer, settings).flush(now); }
};

const char* kKey = "cake:job:12:failed";

TEST(AlertsTest, FirstEventSendsOneMail) {
  AlertsFixture f;
  f.alerts.add(kKey, "CAKE job 12 failed", "POST /api/11/reports.asmx/Clicks: HTTP 502", kT0);
  FlushResult r = f.flush(kT0);
  EXPECT_EQ(r.mails_sent, 1);
  EXPECT_EQ(r.events_suppressed, 0);
  EXPECT_EQ(r.mails_failed, 0);
  ASSERT_EQ(f.mailer.sent.size(), 1u);
  const net::Mail& m = f.mailer.sent[0];
  EXPECT_EQ(m.from, "ferry@host.example.org");
  EXPECT_EQ(m.to, (std::vector<std::string>{"ops@example.org", "oncall@example.org"}));
  EXPECT_EQ(m.subject, "[ferry] CAKE job 12 failed");
  EXPECT_TRUE(contains(m.body, "POST /api/11/reports.asmx/Clicks: HTTP 502")) << m.body;
  EXPECT_TRUE(contains(m.body, "[2016-01-11T00:05:00Z] CAKE job 12 failed")) << m.body;
  EXPECT_TRUE(contains(m.body, std::string("Key: ") + kKey)) << m.body;
  EXPECT_FALSE(contains(m.body, "more time")) << m.body;
  EXPECT_EQ(f.alerts.count_pending(), 0);
  auto state = f.alerts.key_state(kKey);
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->last_sent_at, "2016-01-11T00:05:00Z");
  EXPECT_EQ(state->suppressed, 0);
}

TEST(AlertsTest, NothingPendingSendsNothing) {
  AlertsFixture f;
  FlushResult r = f.flush(kT0);
  EXPECT_EQ(r.mails_sent, 0);
  EXPECT_EQ(r.events_suppressed, 0);
  EXPECT_EQ(r.mails_failed, 0);
  EXPECT_TRUE(f.mailer.sent.empty());
}

TEST(AlertsTest, SameKeyWithinIntervalIsSuppressed) {
  AlertsFixture f;
  f.alerts.add(kKey, "CAKE job 12 failed", "first", kT0);
  f.flush(kT0);
  f.alerts.add(kKey, "CAKE job 12 failed", "second", kT0 + minutes(5));
  FlushResult r = f.flush(kT0 + minutes(5));
  EXPECT_EQ(r.mails_sent, 0);
  EXPECT_EQ(r.events_suppressed, 1);
  f.alerts.add(kKey, "CAKE job 12 failed", "third", kT0 + minutes(59));
  r = f.flush(kT0 + minutes(59));
  EXPECT_EQ(r.mails_sent, 0);
  EXPECT_EQ(r.events_suppressed, 1);
  EXPECT_EQ(f.mailer.sent.size(), 1u);
  EXPECT_EQ(f.alerts.count_pending(), 0);
  auto state = f.alerts.key_state(kKey);
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->suppressed, 2);
  EXPECT_EQ(state->last_sent_at, "2016-01-11T00:05:00Z");
}

TEST(AlertsTest, AfterIntervalOneMailCountsTheRepeats) {
  AlertsFixture f;
  f.alerts.add(kKey, "CAKE job 12 failed", "first", kT0);
  f.flush(kT0);
  for (int i = 1; i <= 3; ++i) {
    f.alerts.add(kKey, "CAKE job 12 failed", "repeat", kT0 + minutes(5 * i));
    f.flush(kT0 + minutes(5 * i));
  }
  ASSERT_EQ(f.mailer.sent.size(), 1u);
  TimePoint later = kT0 + minutes(65);
  f.alerts.add(kKey, "CAKE job 12 failed", "after the interval", later);
  FlushResult r = f.flush(later);
  EXPECT_EQ(r.mails_sent, 1);
  EXPECT_EQ(r.events_suppressed, 0);
  ASSERT_EQ(f.mailer.sent.size(), 2u);
  const std::string& body = f.mailer.sent[1].body;
  EXPECT_TRUE(contains(body, "after the interval")) << body;
  EXPECT_TRUE(contains(body,
                       "This problem happened 3 more times since the last mail at "
                       "2016-01-11T00:05:00Z (at most one mail per 1h)."))
      << body;
  auto state = f.alerts.key_state(kKey);
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->suppressed, 0);
  EXPECT_EQ(state->last_sent_at, "2016-01-11T01:10:00Z");
}

TEST(AlertsTest, OneSuppressedRepeatIsSingular) {
  AlertsFixture f;
  f.alerts.add(kKey, "s", "first", kT0);
  f.flush(kT0);
  f.alerts.add(kKey, "s", "second", kT0 + minutes(1));
  f.flush(kT0 + minutes(1));
  f.alerts.add(kKey, "s", "third", kT0 + minutes(61));
  f.flush(kT0 + minutes(61));
  ASSERT_EQ(f.mailer.sent.size(), 2u);
  EXPECT_TRUE(contains(f.mailer.sent[1].body, "happened 1 more time since"))
      << f.mailer.sent[1].body;
  EXPECT_FALSE(contains(f.mailer.sent[1].body, "more times")) << f.mailer.sent[1].body;
}

TEST(AlertsTest, MailIsSentExactlyAtTheInterval) {
  AlertsFixture f;
  f.alerts.add(kKey, "s", "first", kT0);
  f.flush(kT0);
  f.alerts.add(kKey, "s", "second", kT0 + seconds(3599));
  EXPECT_EQ(f.flush(kT0 + seconds(3599)).mails_sent, 0);
  f.alerts.add(kKey, "s", "third", kT0 + seconds(3600));
  EXPECT_EQ(f.flush(kT0 + seconds(3600)).mails_sent, 1);
  EXPECT_EQ(f.mailer.sent.size(), 2u);
}

TEST(AlertsTest, NoNewEventAfterIntervalSendsNothing) {
  AlertsFixture f;
  f.alerts.add(kKey, "s", "first", kT0);
  f.flush(kT0);
  f.alerts.add(kKey, "s", "second", kT0 + minutes(1));
  f.flush(kT0 + minutes(1));
  FlushResult r = f.flush(kT0 + minutes(120));
  EXPECT_EQ(r.mails_sent, 0);
  EXPECT_EQ(f.mailer.sent.size(), 1u);
}

TEST(AlertsTest, DifferentKeysGetSeparateMails) {
  AlertsFixture f;
  f.alerts.add("cake:job:12:failed", "CAKE job 12 failed", "a", kT0);
  f.alerts.add("mindtrails:prod:key", "MindTrails key unreadable", "b", kT0);
  f.alerts.add("cake:job:12:failed", "CAKE job 12 failed", "c", kT0);
  FlushResult r = f.flush(kT0);
  EXPECT_EQ(r.mails_sent, 2);
  ASSERT_EQ(f.mailer.sent.size(), 2u);
  std::vector<std::string> subjects = {f.mailer.sent[0].subject, f.mailer.sent[1].subject};
  std::sort(subjects.begin(), subjects.end());
  EXPECT_EQ(subjects, (std::vector<std::string>{"[ferry] CAKE job 12 failed",
                                                "[ferry] MindTrails key unreadable"}));
  EXPECT_EQ(f.alerts.count_pending(), 0);
  // The key with two events in one flush: one mail holding both, saying it happened twice.
  const net::Mail& cake = f.mailer.sent[0].subject == "[ferry] CAKE job 12 failed"
                              ? f.mailer.sent[0]
                              : f.mailer.sent[1];
  EXPECT_EQ(count_of(cake.body, "CAKE job 12 failed\n"), 2u) << cake.body;
  EXPECT_TRUE(contains(cake.body, "This problem happened 2 times.")) << cake.body;
  // One key being rate limited does not hold back another.
  f.alerts.add("cake:job:12:failed", "CAKE job 12 failed", "d", kT0 + minutes(1));
  f.alerts.add("matomo:site:3", "Matomo import failed", "e", kT0 + minutes(1));
  r = f.flush(kT0 + minutes(1));
  EXPECT_EQ(r.mails_sent, 1);
  EXPECT_EQ(r.events_suppressed, 1);
  EXPECT_EQ(f.mailer.sent.back().subject, "[ferry] Matomo import failed");
}

TEST(AlertsTest, FailedMailStaysPendingAndGoesOutLater) {
  AlertsFixture f;
  f.mailer.fail_with = "smtp smtp://127.0.0.1:2525: Couldn't connect to server";
  f.alerts.add(kKey, "CAKE job 12 failed", "body", kT0);
  FlushResult r = f.flush(kT0);
  EXPECT_EQ(r.mails_sent, 0);
  EXPECT_EQ(r.mails_failed, 1);
  EXPECT_TRUE(contains(r.last_error, "Couldn't connect to server")) << r.last_error;
  EXPECT_TRUE(f.mailer.sent.empty());
  EXPECT_EQ(f.alerts.count_pending(), 1);
  auto pending = f.alerts.pending();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].attempts, 1);
  EXPECT_FALSE(f.alerts.key_state(kKey).has_value());

  // Still down on the next run.
  r = f.flush(kT0 + minutes(5));
  EXPECT_EQ(r.mails_failed, 1);
  EXPECT_EQ(f.alerts.pending().at(0).attempts, 2);

  // Back up: delivered, even though it is within min_interval of the first try.
  f.mailer.fail_with.clear();
  r = f.flush(kT0 + minutes(10));
  EXPECT_EQ(r.mails_sent, 1);
  EXPECT_EQ(r.mails_failed, 0);
  ASSERT_EQ(f.mailer.sent.size(), 1u);
  EXPECT_EQ(f.mailer.sent[0].subject, "[ferry] CAKE job 12 failed");
  EXPECT_EQ(f.alerts.count_pending(), 0);
  EXPECT_EQ(f.alerts.key_state(kKey)->last_sent_at, "2016-01-11T00:15:00Z");
}

TEST(AlertsTest, AnUnreachableServerCostsOneTryAndTheRestWaitsForTheNextRun) {
  AlertsFixture f;
  f.mailer.fail_with = "smtp smtp://127.0.0.1:2525: Timeout was reached";
  for (int i = 0; i < 10; ++i)
    f.alerts.add("cake:job:" + std::to_string(i), "CAKE job failed", "body", kT0);
  FlushResult r = f.flush(kT0);
  EXPECT_EQ(f.mailer.calls, 1);
  EXPECT_EQ(r.mails_failed, 1);
  EXPECT_EQ(r.mails_deferred, 9);
  EXPECT_EQ(f.alerts.count_pending(), 10);
  int tried = 0;
  for (const auto& e : f.alerts.pending()) {
    EXPECT_LE(e.attempts, 1);
    tried += e.attempts;
  }
  EXPECT_EQ(tried, 1);  // no failure counted against the alerts not tried

  // The next run tries again, and delivers all once the server answers.
  f.mailer.fail_with.clear();
  r = f.flush(kT0 + minutes(5));
  EXPECT_EQ(r.mails_sent, 10);
  EXPECT_EQ(r.mails_deferred, 0);
  EXPECT_EQ(f.alerts.count_pending(), 0);
}

TEST(AlertsTest, AMailRefusedForGoodDoesNotHoldBackTheOthers) {
  AlertsFixture f;
  f.mailer.fail_with = "smtp smtp://127.0.0.1:2525: message refused (server said 554)";
  f.mailer.fail_kind = FailureKind::kPermanent;
  for (int i = 0; i < 3; ++i)
    f.alerts.add("cake:job:" + std::to_string(i), "CAKE job failed", "body", kT0);
  FlushResult r = f.flush(kT0);
  EXPECT_EQ(f.mailer.calls, 3);
  EXPECT_EQ(r.mails_failed, 3);
  EXPECT_EQ(r.mails_deferred, 0);
}

TEST(AlertsTest, EmptyRecipientsSendNothingAndKeepPending) {
  AlertsFixture f;
  f.settings.to.clear();
  f.alerts.add(kKey, "CAKE job 12 failed", "body", kT0);
  FlushResult r = f.flush(kT0);
  EXPECT_EQ(r.mails_sent, 0);
  EXPECT_EQ(r.mails_failed, 0);
  EXPECT_EQ(r.events_suppressed, 0);
  EXPECT_TRUE(f.mailer.sent.empty());
  EXPECT_EQ(f.alerts.count_pending(), 1);
  // Configuring a recipient later delivers it.
  f.settings.to = {"ops@example.org"};
  EXPECT_EQ(f.flush(kT0 + minutes(5)).mails_sent, 1);
  EXPECT_EQ(f.alerts.count_pending(), 0);
}

TEST(AlertsTest, OutboxSinkStampsEventsWithTheWallClock) {
  AlertsFixture f;
  FixedClock wall(kT0);
  OutboxAlertSink sink(f.alerts, wall);
  sink.raise("k1", "subject one", "body one");
  sink.raise("k2", "subject two", "body two");
  EXPECT_EQ(sink.raised(), 2);
  auto pending = f.alerts.pending();
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].key, "k1");
  EXPECT_EQ(pending[0].subject, "subject one");
  EXPECT_EQ(pending[0].body, "body one");
  EXPECT_EQ(pending[0].created_at, "2016-01-11T00:05:00Z");
  EXPECT_EQ(pending[1].key, "k2");
}

TEST(AlertsTest, RecordingSinkKeepsEvents) {
  RecordingAlertSink sink;
  sink.raise("k", "s", "b");
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_EQ(sink.events[0].key, "k");
  EXPECT_EQ(sink.events[0].subject, "s");
  EXPECT_EQ(sink.events[0].body, "b");
}

net::Mail sample_mail() {
  net::Mail m;
  m.from = "ferry@host.example.org";
  m.to = {"ops@example.org", "oncall@example.org"};
  m.subject = "[ferry] disk full";
  m.body = "line one\nline two\n\nKey: x";
  return m;
}

TEST(AlertsTest, FormatMessageHeaders) {
  std::string msg = net::format_message(sample_mail(), kT0);
  EXPECT_EQ(msg.rfind("Date: Mon, 11 Jan 2016 00:05:00 +0000\r\n", 0), 0u) << msg;
  EXPECT_TRUE(contains(msg, "\r\nFrom: ferry@host.example.org\r\n")) << msg;
  EXPECT_TRUE(contains(msg, "\r\nTo: ops@example.org, oncall@example.org\r\n")) << msg;
  EXPECT_TRUE(contains(msg, "\r\nSubject: [ferry] disk full\r\n")) << msg;
  EXPECT_TRUE(contains(msg, "\r\nMessage-ID: <")) << msg;
  EXPECT_TRUE(contains(msg, "\r\nMIME-Version: 1.0\r\n")) << msg;
  EXPECT_TRUE(contains(msg, "\r\nContent-Type: text/plain; charset=utf-8\r\n")) << msg;
}

TEST(AlertsTest, FormatMessageUsesCrlfEverywhere) {
  std::string msg = net::format_message(sample_mail(), kT0);
  for (size_t i = 0; i < msg.size(); ++i) {
    if (msg[i] == '\n') {
      EXPECT_TRUE(i > 0 && msg[i - 1] == '\r') << "bare LF at " << i;
    }
  }
  auto blank = msg.find("\r\n\r\n");
  ASSERT_NE(blank, std::string::npos);
  EXPECT_EQ(msg.substr(blank + 4), "line one\r\nline two\r\n\r\nKey: x\r\n");
}

TEST(AlertsTest, FormatMessageEncodesNonAsciiSubject) {
  net::Mail m = sample_mail();
  m.subject = "café";
  std::string msg = net::format_message(m, kT0);
  EXPECT_TRUE(contains(msg, "\r\nSubject: =?UTF-8?Q?caf=C3=A9?=\r\n")) << msg;
  // UTF-8 in the body passes through.
  m.body = "naïve ☃";
  EXPECT_TRUE(contains(net::format_message(m, kT0), "\r\n\r\nnaïve ☃\r\n"));
}

TEST(AlertsTest, FormatMessageSubjectCannotInjectHeaders) {
  net::Mail m = sample_mail();
  m.subject = "oops\r\nBcc: attacker@example.com";
  std::string msg = net::format_message(m, kT0);
  EXPECT_FALSE(contains(msg, "\r\nBcc:")) << msg;
  EXPECT_FALSE(contains(msg, "\nBcc:")) << msg;
}

TEST(AlertsTest, MailsMaskTheConfiguredSecretsInEveryForm) {
  AlertsFixture f;
  f.settings.secrets = {"k/y+\"q\\7"};
  // An event stored before the store masked secrets, quoting the key as JSON and as a form.
  f.alerts.add(kKey, "job failed: k/y+\"q\\7",
               R"(request was {"api_key":"k/y+\"q\\7"} (form: api_key=k%2Fy%2B%22q%5C7))", kT0);
  f.flush(kT0);
  ASSERT_EQ(f.mailer.sent.size(), 1u);
  const net::Mail& m = f.mailer.sent[0];
  EXPECT_EQ(m.subject, "[ferry] job failed: ********");
  EXPECT_TRUE(contains(m.body, R"(request was {"api_key":"********"} (form: api_key=********))"))
      << m.body;
  EXPECT_FALSE(contains(m.body, "k/y")) << m.body;
  EXPECT_FALSE(contains(m.body, "k%2F")) << m.body;
}

}  // namespace
}  // namespace ferry::log
