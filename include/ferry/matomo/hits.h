// A parsed log line to the Matomo tracking request import_logs.py would send for it: the
// hit's class (page, download, static, redirect, error; bot or not), whether the class is
// tracked, and the hit as one JSON object of bulk-tracking parameters.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ferry/matomo/log_parser.h"

namespace ferry::matomo {

enum class HitClass { kPage, kDownload, kStatic, kRedirect, kError };

struct HitOptions {
  int64_t idsite = 0;
  std::string main_url;  // `https://example.org` or with a path; scheme taken from it
  bool enable_static = true, enable_bots = true, enable_http_errors = true,
       enable_http_redirects = true;
};

struct BuiltHit {
  bool kept = false;  // false: the line's class is switched off (skipped, not invalid)
  HitClass cls = HitClass::kPage;
  bool bot = false;              // the user agent is a bot's (whether bots are tracked or not)
  std::string_view skip_reason;  // "static", "bot", "http error", "redirect" when !kept
};

// The class of a line: kError for status 4xx/5xx, kRedirect for 3xx but 304, else kStatic for
// a static extension or robots.txt, kDownload for a download extension, else kPage.
HitClass classify(const LogLine& line);
// Whether the user agent contains one of import_logs.py's bot markers (case-insensitive).
bool is_bot(std::string_view user_agent);
// The name of a class for summaries: "page", "download", "static", "redirect", "error".
std::string_view hit_class_name(HitClass c);

// Appends the hit for `line` as ONE JSON object text (no newline) to `out` when kept, exactly
// with the parameters of the protocol table (rec, apiv, idsite, url, urlref, cip, cdt in UTC,
// ua, dp, queuedtracking, uid, download, bots, action_name, pf_srv, bw_bytes, cvar, _cvar).
// Leaves `out` unchanged when not kept. Bytes that are not UTF-8 are sent as the characters
// U+0080..U+00FF of the same value. No allocation per hit beyond `out` growing.
BuiltHit build_hit(const LogLine& line, const HitOptions& options, std::string& out);

}  // namespace ferry::matomo
