// The `ferry doctor` runner and its `[doctor]` config.
#include "ferry/core/doctor.h"

#include "ferry/base/bytes.h"
#include "ferry/base/error.h"
#include "ferry/config/config.h"
#include "ferry/core/pipeline.h"

namespace ferry::core {

DoctorCheck skipped_check(std::string name, std::string why) {
  DoctorCheck c;
  c.name = std::move(name);
  c.run = [why = std::move(why)]() -> std::string { throw DoctorSkip(why); };
  return c;
}

namespace {

// One line: line breaks (a reply quoted in an error) become "; ", trailing blanks go.
std::string one_line(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r' || c == '\n') {
      while (i + 1 < text.size() && (text[i + 1] == '\r' || text[i + 1] == '\n')) ++i;
      if (!out.empty() && i + 1 < text.size()) out += "; ";
      continue;
    }
    out.push_back(c);
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
  return out;
}

DoctorLine run_one(const DoctorCheck& check) {
  DoctorLine line;
  line.name = check.name;
  try {
    line.reason = check.run ? check.run() : "nothing to run";
    if (!line.reason.empty())
      line.outcome = check.warning_only ? DoctorOutcome::kWarn : DoctorOutcome::kFail;
  } catch (const DoctorSkip& e) {
    line.outcome = DoctorOutcome::kSkip;
    line.reason = e.what();
  } catch (const std::exception& e) {
    line.outcome = check.warning_only ? DoctorOutcome::kWarn : DoctorOutcome::kFail;
    line.reason = e.what();
    if (line.reason.empty()) line.reason = "failed without a message";
  }
  return line;
}

}  // namespace

std::vector<DoctorLine> run_doctor(const std::vector<DoctorCheck>& checks, const Scrubber& scrub,
                                   std::ostream& out) {
  std::vector<DoctorLine> lines;
  for (const auto& check : checks) {
    DoctorLine line = run_one(check);
    line.name = one_line(scrub(line.name));
    line.reason = one_line(scrub(line.reason));
    out << format_doctor_line(line) << "\n" << std::flush;
    lines.push_back(std::move(line));
  }
  return lines;
}

std::string format_doctor_line(const DoctorLine& line) {
  switch (line.outcome) {
    case DoctorOutcome::kOk:
      return "ok   " + line.name;
    case DoctorOutcome::kWarn:
      return "warn " + line.name + ": " + line.reason;
    case DoctorOutcome::kFail:
      return "FAIL " + line.name + ": " + line.reason;
    case DoctorOutcome::kSkip:
      return "skip " + line.name + ": " + line.reason;
  }
  return line.name;
}

int doctor_exit_code(const std::vector<DoctorLine>& lines) {
  for (const auto& l : lines)
    if (l.outcome == DoctorOutcome::kFail) return kExitWorkFailed;
  return kExitOk;
}

void declare_doctor_config(config::ConfigSchema& schema) {
  schema.section("doctor").add_string(
      "min_free", "1GiB",
      "`ferry doctor` warns when a state, log or output folder has less free space (e.g. "
      "500MiB, 2GB)");
}

void check_doctor_config(const config::Config& config, std::vector<ConfigProblem>& out) {
  const auto& d = config.table("doctor");
  if (!parse_byte_size(d.str("min_free")))
    out.push_back({d.setting("min_free").origin,
                   "[doctor] min_free '" + d.str("min_free") +
                       "' is not a size (a whole number and B, KB, MB, GB, TB, KiB, MiB, GiB or "
                       "TiB, e.g. 1GiB)"});
}

uint64_t doctor_min_free(const config::Config& config) {
  return parse_byte_size(config.table("doctor").str("min_free")).value_or(0);
}

}  // namespace ferry::core
