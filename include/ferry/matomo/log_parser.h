// Web server access log lines to fields, for the Matomo import: the formats of Matomo's
// import_logs.py that ferry reads (common, common_vhost, ncsa_extended, common_complete,
// w3c_extended, iis, s3, elb, nginx_json) and detection of the format of a file. Pure: no I/O,
// no clock. Fast: no regular expressions, no allocation per line once the buffers have grown.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::matomo {

enum class LogFormat {
  kAuto,
  kCommon,
  kCommonVhost,
  kNcsaExtended,
  kCommonComplete,
  kW3cExtended,
  kIis,
  kS3,
  kElb,
  kNginxJson
};

// The format named as import_logs.py names it ("auto", "common", "ncsa_extended", ...);
// nullopt for any other name.
std::optional<LogFormat> parse_log_format(std::string_view name);
// The name parse_log_format reads back.
std::string_view log_format_name(LogFormat f);
// Every name parse_log_format accepts, "auto" first (for messages and config checks).
const std::vector<std::string_view>& log_format_names();

// One parsed line. Views point into the line or into the parser's scratch buffers: valid until
// the next parse() call on the same parser.
struct LogLine {
  std::string_view ip;          // client address as written (IPv4 or IPv6, no port)
  std::string_view host;        // lower-cased, dots stripped, no port; empty when none
  std::string_view path;        // before the first '?'
  std::string_view query;       // after it; empty for none or `-`
  std::string_view userid;      // empty for none or `-`
  std::string_view referrer;    // unquoted; empty for none or `-`
  std::string_view user_agent;  // unquoted
  std::string_view method;      // empty when the format has none
  std::string_view extension;   // after the path's last '.', lower-cased (the whole path if none)
  int status = 0;
  uint64_t length = 0;         // 0 when `-` or missing
  int64_t generation_ms = -1;  // server time in ms; -1 when the format has none
  int64_t time_utc = 0;        // seconds since the epoch, offset already applied
};

enum class LineOutcome { kHit, kHeader, kSkip /* empty line */, kInvalid };

// The fixed texts ParseResult::reason takes for kInvalid.
namespace reason {
constexpr std::string_view kNoMatch = "no format matches";
constexpr std::string_view kBadDate = "bad date";
constexpr std::string_view kBadOffset = "bad offset";
constexpr std::string_view kNoFields = "W3C line before #Fields";
constexpr std::string_view kBadJson = "bad JSON";
constexpr std::string_view kMissingField = "missing JSON field";
constexpr std::string_view kBadStatus = "bad status";
}  // namespace reason

struct ParseResult {
  LineOutcome outcome = LineOutcome::kInvalid;
  std::string_view reason;  // for kInvalid: one of the texts in namespace reason
};

// Parses the lines of ONE file (or one ZIP member) in order. With kAuto it detects the format on
// the first data lines (W3C/IIS by their #Fields header, the others by the line; the match with
// the most fields wins; a line nothing matches is invalid and the next one is tried) and keeps it
// for the file. In W3C/IIS files (and before detection) `#` lines are headers, and every
// `#Fields:` line is re-read (a new header block).
class LogParser {
 public:
  explicit LogParser(LogFormat format);
  // `line` without its "\n" / "\r\n" (a trailing "\r" is ignored anyway). Fills `out` for kHit
  // (left in an unspecified state otherwise). Throws nothing but std::bad_alloc.
  ParseResult parse(std::string_view line, LogLine& out);
  // The configured format; with kAuto, the detected one once a line matched a format (even if
  // that line then had a bad date), kAuto before.
  LogFormat format() const { return current_; }

  // Internal: one W3C `#Fields:` column.
  enum class W3cField : uint8_t {
    kOther,
    kDate,
    kTime,
    kIp,
    kMethod,
    kPath,
    kQuery,
    kStatus,
    kBytes,
    kUserAgent,
    kReferrer,
    kHost,
    kUser,
    kTimeTaken,
    kWin32Status
  };

 private:
  ParseResult parse_header(std::string_view line);
  ParseResult detect(std::string_view line, LogLine& out);

  LogFormat current_;
  std::vector<W3cField> w3c_fields_;  // the columns of the last #Fields line
  bool w3c_known_ = false;            // a #Fields line was seen
  std::string json_buf_, host_buf_, ext_buf_;
};

}  // namespace ferry::matomo
