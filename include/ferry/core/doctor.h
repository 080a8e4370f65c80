// `ferry doctor`: running the checks of everything a run depends on, one line each, and the
// core's own checks (state, logs, free space, alert mail, S3 targets). Pipelines add theirs
// through Pipeline::doctor_checks (ops.h) and may build them from the helpers here.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "ferry/base/scrub.h"
#include "ferry/core/ops.h"

namespace ferry {
namespace config {
class Config;
class ConfigSchema;
}  // namespace config
namespace net {
class Mailer;
class ObjectStore;
}  // namespace net

namespace core {

struct ConfigProblem;

enum class DoctorOutcome { kOk, kWarn, kFail, kSkip };

struct DoctorLine {
  DoctorOutcome outcome = DoctorOutcome::kOk;
  std::string name;
  std::string reason;  // empty for kOk
};

// Thrown by a check's run() that has nothing to check (nothing configured for it): its line
// says `skip NAME: WHY` and does not count as a failure. skipped_check() makes such a check.
class DoctorSkip : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
DoctorCheck skipped_check(std::string name, std::string why);

// Runs every check in order, each once, whatever the earlier ones gave: "" is ok, a reason is a
// failure (a warning when warning_only), an exception a failure with its what() (a DoctorSkip a
// skip). Names and reasons pass through `scrub`, and line breaks in reasons become "; ". Each
// line is written to `out` (format_doctor_line) as soon as its check ends.
std::vector<DoctorLine> run_doctor(const std::vector<DoctorCheck>& checks, const Scrubber& scrub,
                                   std::ostream& out);

// `ok   NAME`, `warn NAME: REASON`, `FAIL NAME: REASON`, `skip NAME: REASON`.
std::string format_doctor_line(const DoctorLine& line);

// 0 (kExitOk) when no line failed (warnings and skips allowed), else 1 (kExitWorkFailed).
int doctor_exit_code(const std::vector<DoctorLine>& lines);

// Declares `[doctor]` (min_free) and adds a problem for a min_free that is not a size.
void declare_doctor_config(config::ConfigSchema& schema);
void check_doctor_config(const config::Config& config, std::vector<ConfigProblem>& out);
// [doctor] min_free in bytes. Precondition: the config passed check_doctor_config.
uint64_t doctor_min_free(const config::Config& config);

// Bytes an unprivileged user may still write on the file system holding `dir` (its nearest
// existing parent when `dir` does not exist yet). Throws OperationError when it cannot tell.
using FreeBytes = std::function<uint64_t(const std::string& dir)>;
uint64_t statvfs_free_bytes(const std::string& dir);

// `WHAT DIR writable`: ok when DIR is a folder this process may create files in; when DIR does
// not exist, ok if its nearest existing parent is such a folder (ferry creates it on first use)
// and `may_be_missing`, else a failure saying what to do (`missing`).
DoctorCheck writable_folder_check(const std::string& what, const std::string& dir,
                                  bool may_be_missing, const std::string& missing = "missing");

// `free space in WHAT DIR`: a warning (warning_only) under `min_free`.
DoctorCheck free_space_check(const std::string& what, const std::string& dir, uint64_t min_free,
                             FreeBytes free_bytes = statvfs_free_bytes);

// The seams the core's checks use; each must outlive the checks made from it.
struct DoctorServices {
  // The SMTP mailer of [alerts] (connect and login only: verify()).
  std::function<std::unique_ptr<net::Mailer>()> mailer;
  // Opens the configured `[s3.NAME]` target; may throw.
  std::function<std::unique_ptr<net::ObjectStore>(const std::string& target)> object_store;
  // The state file's integrity, as state::check_integrity.
  std::function<std::string(const std::string& path)> state_integrity;
  // A PostgreSQL state (state.url): "" when it answers and holds a ferry state, else why not.
  std::function<std::string(const std::string& url)> state_database;
  FreeBytes free_bytes = statvfs_free_bytes;
};

// The core's checks of a valid `config`, in this order: state folder writable, state file
// integrity (a missing state fails, pointing at `ferry init`), log folder writable, free space
// in the state and log folders, alert mail (SMTP connect and login; skipped when [alerts] to is
// empty), then each `[s3.NAME]` target listing one key.
std::vector<DoctorCheck> core_doctor_checks(const config::Config& config,
                                            const DoctorServices& services);

}  // namespace core
}  // namespace ferry
