// build_hit: the bulk-tracking parameters import_logs.py sends for a line, written as JSON.
#include "ferry/matomo/hits.h"

#include <algorithm>
#include <vector>

#include "matomo/hit_classes.h"
#include "matomo/json_out.h"

namespace ferry::matomo {
namespace {

constexpr size_t kMaxUrlPart = 1024;  // import_logs.py keeps 1024 of path+query and referrer

// The first `max` bytes of `v`, not cutting a UTF-8 sequence.
std::string_view cut(std::string_view v, size_t max) {
  if (v.size() <= max) return v;
  size_t k = max;
  while (k > 0 && (static_cast<unsigned char>(v[k]) & 0xC0) == 0x80) --k;
  return v.substr(0, k);
}

// The hit's url as pieces: prefix + path [+ "?" + query], the path and query cut to 1024 bytes.
struct Url {
  std::string_view part[6];
  template <class F>
  void each(F f) const {
    for (auto p : part)
      if (!p.empty()) f(p);
  }
};

Url make_url(const LogLine& line, const HitOptions& o) {
  Url u;
  std::string_view path = cut(line.path, kMaxUrlPart);
  std::string_view query;
  if (!line.query.empty() && path.size() == line.path.size() && path.size() < kMaxUrlPart) {
    query = cut(line.query, kMaxUrlPart - path.size() - 1);
    u.part[4] = "?";
  }
  u.part[3] = path;
  u.part[5] = query;
  if (path.empty() || path[0] != '/') return u;  // only a path gets a scheme and host
  std::string_view main_url = o.main_url;
  if (line.host.empty()) {
    if (!main_url.empty() && main_url.back() == '/') main_url.remove_suffix(1);
    u.part[0] = main_url;
  } else if (line.host.find("://") != std::string_view::npos) {
    u.part[0] = line.host;
  } else {
    size_t scheme = main_url.find("://");
    u.part[0] = scheme == std::string_view::npos ? "http" : main_url.substr(0, scheme);
    u.part[1] = "://";
    u.part[2] = line.host;
  }
  return u;
}

char* put_cdt(char* w, int64_t t) {
  int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
  int64_t secs = t - days * 86400;
  // civil_from_days (H. Hinnant's algorithm)
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const auto y = static_cast<unsigned>(static_cast<int64_t>(yoe) + era * 400 + (m <= 2));
  const auto h = static_cast<unsigned>(secs / 3600), mi = static_cast<unsigned>(secs / 60 % 60),
             s = static_cast<unsigned>(secs % 60);
  auto two = [&](unsigned v) {
    *w++ = static_cast<char>('0' + v / 10 % 10);
    *w++ = static_cast<char>('0' + v % 10);
  };
  two(y / 100);
  two(y);
  *w++ = '-';
  two(m);
  *w++ = '-';
  two(d);
  *w++ = ' ';
  two(h);
  *w++ = ':';
  two(mi);
  *w++ = ':';
  two(s);
  return w;
}

// `{status}/URL = {url}[/From = {urlref}]`, url and referrer percent-encoded.
char* put_action_name(char* w, const LogLine& line, const Url& url, std::string_view urlref) {
  w = detail::put(w, ",\"action_name\":\"");
  w = detail::put_uint(w, static_cast<uint64_t>(line.status));
  w = detail::put(w, "/URL = ");
  url.each([&](std::string_view p) { w = detail::percent_encode(w, p); });
  if (!urlref.empty()) {
    w = detail::put(w, "/From = ");
    w = detail::percent_encode(w, urlref);
  }
  *w++ = '"';
  return w;
}

// The most bytes the hit can take: each field at its worst escaping, plus the fixed text.
size_t bound(const LogLine& line, const Url& url, std::string_view urlref) {
  size_t url_size = 0;
  url.each([&](std::string_view p) { url_size += p.size(); });
  return 512 + 15 * url_size + 9 * urlref.size() + 13 * line.user_agent.size() +
         6 * (line.ip.size() + line.userid.size());
}

char* put_hit(char* w, const LogLine& line, const HitOptions& o, const detail::LineFlags& f,
              const Url& url, std::string_view urlref) {
  w = detail::put(w, "{\"rec\":\"1\",\"apiv\":\"1\",\"idsite\":\"");
  w = detail::put_int(w, o.idsite);
  w = detail::put(w, "\",\"url\":\"");
  char* url_start = w;
  url.each([&](std::string_view p) { w = detail::escape_json(w, p); });
  std::string_view url_json(url_start, static_cast<size_t>(w - url_start));
  w = detail::put(w, "\",\"urlref\":\"");
  w = detail::escape_json(w, urlref);
  w = detail::put(w, "\",\"cip\":\"");
  w = detail::escape_json(w, line.ip);
  w = detail::put(w, "\",\"cdt\":\"");
  w = put_cdt(w, line.time_utc);
  w = detail::put(w, "\",\"ua\":\"");
  w = detail::escape_json(w, line.user_agent);
  w = detail::put(w, "\",\"dp\":\"1\",\"queuedtracking\":\"0\"");
  if (!line.userid.empty()) {
    w = detail::put(w, ",\"uid\":\"");
    w = detail::escape_json(w, line.userid);
    *w++ = '"';
  }
  if (f.is_static || f.download) {
    w = detail::put(w, ",\"download\":\"");
    w = detail::put(w, url_json);
    *w++ = '"';
  }
  if (o.enable_bots) w = detail::put(w, ",\"bots\":\"1\"");
  if (f.error || f.redirect) w = put_action_name(w, line, url, urlref);
  if (line.generation_ms > 0) {
    w = detail::put(w, ",\"pf_srv\":");
    w = detail::put_int(w, line.generation_ms);
  }
  if (line.length > 0) {
    w = detail::put(w, ",\"bw_bytes\":");
    w = detail::put_uint(w, line.length);
  }
  w = detail::put(w, ",\"cvar\":\"{\\\"1\\\": [\\\"HTTP-code\\\", \\\"");
  w = detail::put_uint(w, static_cast<uint64_t>(line.status));
  w = detail::put(w, "\\\"]}\"");
  if (o.enable_bots) {
    w = detail::put(w, f.bot ? ",\"_cvar\":\"{\\\"1\\\": [\\\"Bot\\\", \\\""
                             : ",\"_cvar\":\"{\\\"1\\\": [\\\"Not-Bot\\\", \\\"");
    w = detail::escape_json_twice(w, line.user_agent);
    w = detail::put(w, "\\\"]}\"");
  }
  *w++ = '}';
  return w;
}

void append_hit(std::string& out, const LogLine& line, const HitOptions& o,
                const detail::LineFlags& f) {
  Url url = make_url(line, o);
  std::string_view urlref = cut(line.referrer, kMaxUrlPart);
  // Written into a per-thread buffer that only grows, then appended in one piece.
  thread_local std::vector<char> buf;
  size_t need = bound(line, url, urlref);
  if (buf.size() < need) buf.resize(std::max(need, buf.size() * 2));
  char* end = put_hit(buf.data(), line, o, f, url, urlref);
  out.append(buf.data(), static_cast<size_t>(end - buf.data()));
}

}  // namespace

BuiltHit build_hit(const LogLine& line, const HitOptions& options, std::string& out) {
  detail::LineFlags f = detail::line_flags(line);
  BuiltHit hit;
  hit.cls = detail::class_of(f);
  hit.bot = f.bot;
  // import_logs.py's check order: http errors, redirects, static files, user agents.
  if (f.error && !options.enable_http_errors) {
    hit.skip_reason = "http error";
  } else if (f.redirect && !options.enable_http_redirects) {
    hit.skip_reason = "redirect";
  } else if (f.is_static && !options.enable_static) {
    hit.skip_reason = "static";
  } else if (f.bot && !options.enable_bots) {
    hit.skip_reason = "bot";
  } else {
    hit.kept = true;
    append_hit(out, line, options, f);
  }
  return hit;
}

}  // namespace ferry::matomo
