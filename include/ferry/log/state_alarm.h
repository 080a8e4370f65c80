// The alarm for a state file ferry cannot use (corrupt, unreadable, read-only, a newer schema,
// missing with its WAL). The alert outbox lives in that file, so this mail goes straight
// through the mailer; its rate limit is kept in a small file beside the state instead.
#pragma once

#include <string>

#include "ferry/base/time.h"
#include "ferry/log/alerts.h"

namespace ferry {
namespace net {
class Mailer;
}
namespace log {

enum class StateAlarmOutcome {
  kSent,          // mailed; `stamp_path` now holds `now`
  kSuppressed,    // one was mailed less than settings.min_interval before `now`
  kNoRecipients,  // settings.to is empty
  kFailed,        // the mailer refused or could not connect (logged); tried again next time
};

// Mails `problem` (one line: what is wrong with which file) to settings.to with the subject
// `<subject_prefix> the state file cannot be used` and a body saying what ferry does meanwhile
// and what the operator can do, unless `stamp_path` holds a time less than
// settings.min_interval before `now`. After a mail, writes `now` to `stamp_path` atomically (a
// failure to write it is logged, not thrown). Secrets in settings.secrets are masked. Never
// throws for a mail or stamp problem.
StateAlarmOutcome mail_state_alarm(net::Mailer& mailer, const AlertSettings& settings,
                                   const std::string& stamp_path, const std::string& problem,
                                   TimePoint now);

}  // namespace log
}  // namespace ferry
