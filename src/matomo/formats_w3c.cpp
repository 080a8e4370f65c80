// W3C extended and IIS lines, laid out by the file's `#Fields:` line.
#include <string_view>
#include <vector>

#include "matomo/line_scanner.h"
#include "matomo/log_formats.h"

namespace ferry::matomo::detail {
namespace {

using W3cField = LogParser::W3cField;

struct FieldName {
  std::string_view name;
  W3cField field;
};
constexpr FieldName kFieldNames[] = {
    {"date", W3cField::kDate},
    {"time", W3cField::kTime},
    {"c-ip", W3cField::kIp},
    {"cs-method", W3cField::kMethod},
    {"cs-uri-stem", W3cField::kPath},
    {"cs-uri-query", W3cField::kQuery},
    {"sc-status", W3cField::kStatus},
    {"sc-bytes", W3cField::kBytes},
    {"cs(User-Agent)", W3cField::kUserAgent},
    {"cs(Referer)", W3cField::kReferrer},
    {"cs-host", W3cField::kHost},
    {"cs-username", W3cField::kUser},
    {"time-taken", W3cField::kTimeTaken},
    {"sc-win32-status", W3cField::kWin32Status},
};

// `"text"` → `text`; anything else unchanged.
std::string_view unquote(std::string_view v) {
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') return v.substr(1, v.size() - 2);
  return v;
}

// One column: a quoted string (for the UA and unknown columns) or a blank-free token.
bool column(LineScanner& s, W3cField f, std::string_view& v) {
  bool may_quote =
      f == W3cField::kOther || f == W3cField::kUserAgent || f == W3cField::kWin32Status;
  if (may_quote && s.peek() == '"') {
    const char* start = s.pos();
    s.skip(1);
    while (!s.at_end() && s.peek() != '"') s.skip(1);
    if (s.at_end()) return false;
    s.skip(1);
    v = std::string_view(start, static_cast<size_t>(s.pos() - start));
    return true;
  }
  return s.token(v);
}

bool all_of(std::string_view v, bool (*ok)(char)) {
  for (char c : v)
    if (!ok(c)) return false;
  return true;
}

// Stores one known column's value; false when the value cannot be that column.
bool store(W3cField f, std::string_view v, RawLine& raw) {
  switch (f) {
    case W3cField::kDate:
      raw.date = unquote(v);
      return !raw.date.empty();
    case W3cField::kTime:
      raw.time = unquote(v);
      return !raw.time.empty();
    case W3cField::kIp: {
      raw.ip = unquote(v);
      for (char c : raw.ip)
        if (!char_tables().ip[static_cast<unsigned char>(c)]) return false;
      return true;
    }
    case W3cField::kMethod:
      raw.method = v;
      return true;
    case W3cField::kPath:
      raw.path = v;
      return v[0] == '/';
    case W3cField::kQuery:
      raw.query = v;
      raw.has_query = true;
      return true;
    case W3cField::kStatus:
      raw.status = v;
      return all_of(v, is_digit);
    case W3cField::kBytes:
      raw.length = v;
      return true;
    case W3cField::kUserAgent:
      raw.user_agent = v;
      return true;
    case W3cField::kReferrer:
      raw.referrer = v;
      return true;
    case W3cField::kHost:
      raw.host = v;
      raw.has_host = true;
      return true;
    case W3cField::kUser:
      raw.userid = v;
      return true;
    case W3cField::kTimeTaken:
      raw.generation = v;
      return v == "-" || all_of(v, [](char c) { return is_digit(c) || c == '.'; });
    case W3cField::kWin32Status:
    case W3cField::kOther:
      return true;
  }
  return true;
}

}  // namespace

std::vector<W3cField> read_w3c_fields(std::string_view names) {
  std::vector<W3cField> fields;
  LineScanner s(names);
  s.spaces();
  std::string_view name;
  while (s.token(name)) {
    W3cField f = W3cField::kOther;
    for (const auto& known : kFieldNames)
      if (known.name == name) f = known.field;
    fields.push_back(f);
    s.spaces();
  }
  return fields;
}

int w3c_field_count(const std::vector<W3cField>& fields, bool iis) {
  int n = 0;
  for (W3cField f : fields)
    if (f != W3cField::kOther && (iis || f != W3cField::kWin32Status)) ++n;
  return n;
}

std::string_view scan_w3c(std::string_view line, const std::vector<W3cField>& fields, bool iis,
                          RawLine& raw) {
  LineScanner s(line);
  bool has_date = false, has_time = false, has_path = false, has_status = false;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0 && !s.spaces()) return reason::kNoMatch;
    std::string_view v;
    W3cField f = fields[i];
    if (!column(s, f, v) || !store(f, v, raw)) return reason::kNoMatch;
    has_date |= f == W3cField::kDate;
    has_time |= f == W3cField::kTime;
    has_path |= f == W3cField::kPath;
    has_status |= f == W3cField::kStatus;
  }
  if (!has_date || !has_time || !has_path || !has_status) return reason::kNoMatch;
  raw.date_form = DateForm::kW3c;
  raw.gen_unit = raw.generation.empty() ? GenUnit::kNone : iis ? GenUnit::kMillis : GenUnit::kSecs;
  raw.fields = w3c_field_count(fields, iis);
  return std::string_view();
}

}  // namespace ferry::matomo::detail
