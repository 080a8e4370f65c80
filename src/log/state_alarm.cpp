#include "ferry/log/state_alarm.h"

#include <spdlog/spdlog.h>

#include "ferry/base/error.h"
#include "ferry/base/scrub.h"
#include "ferry/base/text.h"
#include "ferry/io/env.h"
#include "ferry/io/files.h"
#include "ferry/net/mailer.h"

namespace ferry::log {
namespace {

// The time in the stamp file; nullopt when there is none or it cannot be read.
std::optional<TimePoint> last_sent(const std::string& stamp_path) {
  try {
    io::Env& env = io::Env::posix();
    if (env.file_size(stamp_path) < 0) return std::nullopt;
    return parse_iso8601(trim(env.read_file(stamp_path)));
  } catch (const OperationError& e) {
    spdlog::warn("state alarm: cannot read {}: {}", stamp_path, e.what());
    return std::nullopt;
  }
}

std::string body_for(const std::string& problem, const AlertSettings& settings,
                     const std::string& stamp_path) {
  return problem +
         "\n\nUntil this is fixed every `ferry run` stops at once and exits 1: nothing is "
         "exported, no job moves, and alerts cannot be queued (they live in the state file).\n"
         "What to do: look at the file (`sqlite3 FILE 'PRAGMA integrity_check'`), its owner and "
         "mode, and the disk; restore a copy made with `ferry backup`, or move the file away "
         "(with its -wal and -shm files) to start an empty state.\n\n"
         "At most one such mail per " +
         format_duration(settings.min_interval) + "; the time of the last one is kept in " +
         stamp_path + ".\n-- \nferry\n";
}

}  // namespace

StateAlarmOutcome mail_state_alarm(net::Mailer& mailer, const AlertSettings& settings,
                                   const std::string& stamp_path, const std::string& problem,
                                   TimePoint now) {
  if (settings.to.empty()) {
    spdlog::warn("state alarm: alerts.to is empty; not mailed");
    return StateAlarmOutcome::kNoRecipients;
  }
  if (auto last = last_sent(stamp_path); last && now - *last < settings.min_interval) {
    spdlog::info("state alarm: mailed at {}; not again before {} has passed",
                 format_iso8601(*last), format_duration(settings.min_interval));
    return StateAlarmOutcome::kSuppressed;
  }
  Scrubber scrub(settings.secrets);
  net::Mail mail;
  mail.from = settings.from;
  mail.to = settings.to;
  mail.subject = scrub(settings.subject_prefix + " the state file cannot be used");
  mail.body = scrub(body_for(problem, settings, stamp_path));
  try {
    mailer.send(mail, now);
  } catch (const OperationError& e) {
    spdlog::error("state alarm: could not mail '{}': {}", mail.subject, e.what());
    return StateAlarmOutcome::kFailed;
  }
  spdlog::info("state alarm: mailed '{}' to {} recipient(s)", mail.subject, mail.to.size());
  try {
    io::write_file_atomic(stamp_path, format_iso8601(now) + "\n");
  } catch (const OperationError& e) {
    spdlog::warn("state alarm: cannot remember the mail in {} (the next run mails again): {}",
                 stamp_path, e.what());
  }
  return StateAlarmOutcome::kSent;
}

}  // namespace ferry::log
