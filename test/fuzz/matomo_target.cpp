// The Matomo log line parser's fuzz target: every format and auto-detection, each line's hit.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "ferry/matomo/hits.h"
#include "ferry/matomo/log_parser.h"
#include "fuzz/targets.h"

namespace ferry::fuzz {
namespace {

// Reads every byte of `v`: a view of a hit must be readable (the sanitizers check the read).
size_t touch(std::string_view v) {
  size_t sum = 0;
  for (char c : v) sum += static_cast<unsigned char>(c);
  return sum;
}

void check_line(const matomo::LogLine& l, std::string_view line) {
  volatile size_t sum = touch(l.ip) + touch(l.host) + touch(l.path) + touch(l.query) +
                        touch(l.userid) + touch(l.referrer) + touch(l.user_agent) +
                        touch(l.method) + touch(l.extension);
  (void)sum;
  require(l.status >= 0, "a negative status");
  require(l.generation_ms >= -1, "a server time below -1");
  require(l.time_utc >= -62135596800LL && l.time_utc <= 253402300799LL,
          "a time outside years 1..9999");
  require(l.query != "-" && l.userid != "-" && l.referrer != "-", "a `-` value left in place");
  require(l.path.size() <= line.size(), "a path longer than its line");
  for (char c : l.host) require(c < 'A' || c > 'Z', "a host with capitals");
  for (char c : l.extension) require(c < 'A' || c > 'Z', "an extension with capitals");
}

}  // namespace

void fuzz_matomo_log(const uint8_t* data, size_t size) {
  std::string_view text = as_text(data, size);
  matomo::HitOptions options;
  options.idsite = 7;
  options.main_url = "https://example.org/";
  std::string out;
  for (auto name : matomo::log_format_names()) {
    matomo::LogParser parser(*matomo::parse_log_format(name));
    size_t pos = 0;
    while (pos <= text.size()) {
      size_t nl = text.find('\n', pos);
      if (nl == std::string_view::npos) nl = text.size();
      std::string_view line = text.substr(pos, nl - pos);
      pos = nl + 1;
      matomo::LogLine l;
      matomo::ParseResult r = parser.parse(line, l);
      if (r.outcome == matomo::LineOutcome::kInvalid) {
        require(!r.reason.empty(), "an invalid line without a reason");
        continue;
      }
      require(r.reason.empty(), "a reason for a line that is not invalid");
      if (r.outcome != matomo::LineOutcome::kHit) continue;
      check_line(l, line);
      require(parser.format() != matomo::LogFormat::kAuto, "a hit before a format was chosen");
      out.clear();
      matomo::BuiltHit hit = matomo::build_hit(l, options, out);
      require(hit.kept, "a hit skipped with every class on");
      auto j = nlohmann::json::parse(out, nullptr, false);
      require(!j.is_discarded() && j.is_object(), "a hit that is not a JSON object: " + out);
      auto cvar = nlohmann::json::parse(j.value("_cvar", std::string()), nullptr, false);
      require(!cvar.is_discarded(), "a _cvar that is not JSON");
      require(j.value("ua", std::string()).size() >= l.user_agent.size(),
              "the user agent shrank in the hit");
    }
  }
}

}  // namespace ferry::fuzz
