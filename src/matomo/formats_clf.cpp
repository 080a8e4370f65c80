// The line formats of the Common Log Format family (common, common_vhost, ncsa_extended,
// common_complete) and the S3 and ELB access logs, as import_logs.py's expressions read them.
#include <string_view>

#include "matomo/line_scanner.h"
#include "matomo/log_formats.h"

namespace ferry::matomo::detail {
namespace {

constexpr std::string_view kOk;

// "METHOD path PROTOCOL": the path is everything between the method and the last blank run.
bool split_request(std::string_view request, RawLine& raw) {
  size_t m = 0;
  while (m < request.size() && !is_space(request[m])) ++m;
  if (m == 0 || m == request.size()) return false;
  size_t end = request.size();
  while (end > m && !is_space(request[end - 1])) --end;     // start of the protocol
  if (end == request.size() || end - 1 <= m) return false;  // no protocol, or no path blanks
  size_t path_end = end;
  while (path_end > m && is_space(request[path_end - 1])) --path_end;
  size_t start = m;
  while (start < path_end && is_space(request[start])) ++start;
  raw.method = request.substr(0, m);
  raw.path = request.substr(start, path_end - start);
  return true;
}

// `[date offset]`: the date up to the first blank, the offset after the blanks.
bool split_date(std::string_view inside, RawLine& raw) {
  size_t i = 0;
  while (i < inside.size() && !is_space(inside[i])) ++i;
  if (i == inside.size()) return false;
  raw.date = inside.substr(0, i);
  while (i < inside.size() && is_space(inside[i])) ++i;
  raw.offset = inside.substr(i);
  raw.date_form = DateForm::kClf;
  return true;
}

// host[:port] followed by blanks.
bool vhost(LineScanner& s, RawLine& raw) {
  s.run(char_tables().host, raw.host, 0);
  raw.has_host = true;
  if (s.peek() == ':') {
    s.skip(1);
    std::string_view port;
    if (!s.digits(port)) return false;
  }
  return s.spaces();
}

// ip ident userid [date offset] "request" status length
bool common_part(LineScanner& s, RawLine& raw) {
  std::string_view inside, request;
  return s.run(char_tables().ip, raw.ip) && s.spaces() && s.skip_field() && s.field(raw.userid) &&
         s.bracketed(inside) && split_date(inside, raw) && s.spaces() && s.quoted(request) &&
         split_request(request, raw) && s.spaces() && s.digits(raw.status) && s.spaces() &&
         s.token(raw.length);
}

}  // namespace

std::string_view scan_clf(std::string_view line, LogFormat format, RawLine& raw) {
  LineScanner s(line);
  bool with_host = format == LogFormat::kCommonVhost || format == LogFormat::kCommonComplete;
  bool extended = format == LogFormat::kNcsaExtended || format == LogFormat::kCommonComplete;
  if (with_host && !vhost(s, raw)) return reason::kNoMatch;
  if (!common_part(s, raw)) return reason::kNoMatch;
  raw.fields = 8 + (with_host ? 1 : 0);
  if (extended) {
    if (!(s.spaces() && s.quoted(raw.referrer) && s.spaces() && s.quoted(raw.user_agent))) {
      return reason::kNoMatch;
    }
    raw.fields += 2;
  }
  return kOk;
}

// owner bucket [date offset] ip requester request-id operation key "request" status error
// bytes-sent object-size total-time turn-around "referrer" "UA" ...
std::string_view scan_s3(std::string_view line, RawLine& raw) {
  LineScanner s(line);
  std::string_view inside, request;
  bool ok = s.skip_field() && s.field(raw.host) && s.bracketed(inside) && split_date(inside, raw) &&
            s.spaces() && s.run(char_tables().ip, raw.ip) && s.spaces() && s.field(raw.userid) &&
            s.skip_field() && s.skip_field() && s.skip_field() && s.quoted(request) &&
            split_request(request, raw) && s.spaces() && s.digits(raw.status) && s.spaces() &&
            s.skip_field() && s.field(raw.length) && s.skip_field() && s.skip_field() &&
            s.skip_field() && s.quoted(raw.referrer) && s.spaces() && s.quoted(raw.user_agent);
  if (!ok) return reason::kNoMatch;
  raw.has_host = true;
  raw.fields = 11;
  return kOk;
}

namespace {

// client:port, where the client may be IPv6 (the port is after the last ':') or "[v6]".
bool address_with_port(std::string_view text, std::string_view& ip) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == text.size()) return false;
  for (size_t i = colon + 1; i < text.size(); ++i)
    if (!is_digit(text[i])) return false;
  ip = text.substr(0, colon);
  if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
  if (ip.empty()) return false;
  for (char c : ip)
    if (!char_tables().ip[static_cast<unsigned char>(c)]) return false;
  return true;
}

// "METHOD scheme://host:port/path PROTOCOL"
bool elb_request(std::string_view request, RawLine& raw) {
  if (!split_request(request, raw)) return false;
  std::string_view url = raw.path;
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos || scheme == 0) return false;
  for (size_t i = 0; i < scheme; ++i)
    if (!char_tables().host[static_cast<unsigned char>(url[i])] || url[i] == '.') return false;
  url.remove_prefix(scheme + 3);
  size_t h = 0;
  while (h < url.size() && char_tables().host[static_cast<unsigned char>(url[h])]) ++h;
  raw.host = url.substr(0, h);
  raw.has_host = true;
  if (h >= url.size() || url[h] != ':') return false;
  size_t p = h + 1;
  while (p < url.size() && is_digit(url[p])) ++p;
  if (p == h + 1 || p >= url.size() || url[p] != '/') return false;
  raw.path = url.substr(p);
  for (char c : raw.path)
    if (is_space(c)) return false;
  return true;
}

}  // namespace

// [type] time balancer client:port backend:port request-time backend-time response-time
// status backend-status received sent "request" "UA" cipher protocol ...
std::string_view scan_elb(std::string_view line, RawLine& raw) {
  LineScanner s(line);
  std::string_view first, balancer, client, backend, request;
  if (!s.field(first)) return reason::kNoMatch;
  size_t t = first.find('T');
  if (t == std::string_view::npos || !is_digit(first[0])) {
    if (!s.field(first)) return reason::kNoMatch;  // the ALB request type came first
    t = first.find('T');
  }
  size_t dot = first.find('.');
  if (t == std::string_view::npos || dot == std::string_view::npos || dot < t) {
    return reason::kNoMatch;
  }
  raw.date = first.substr(0, dot);
  raw.offset = std::string_view();
  raw.date_form = DateForm::kIso;
  bool ok = s.field(balancer) && s.field(client) && address_with_port(client, raw.ip) &&
            s.field(backend) && (backend == "-" || backend.find(':') != std::string_view::npos) &&
            s.skip_field() && s.field(raw.generation) && s.skip_field() && s.digits(raw.status) &&
            s.spaces() && s.skip_field() && s.skip_field() && s.field(raw.length) &&
            s.quoted(request) && elb_request(request, raw) && s.spaces() &&
            s.quoted(raw.user_agent) && !raw.user_agent.empty() && s.spaces() && s.skip_field() &&
            s.skip_token();
  if (!ok) return reason::kNoMatch;
  raw.gen_unit = GenUnit::kSecs;
  raw.fields = 8;
  return kOk;
}

}  // namespace ferry::matomo::detail
