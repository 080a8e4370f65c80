// `ferry_bench matomo-lines`: how fast matomo::LogParser and build_hit turn combined
// (ncsa_extended) log lines into hit JSON on one core. Goal: at least 2,000,000 lines/s.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "bench/benches.h"
#include "ferry/matomo/hits.h"
#include "ferry/matomo/log_parser.h"

namespace ferry::bench {
namespace {

struct Options {
  size_t lines = 1000000;
  int repeat = 3;
  std::string format = "ncsa_extended";
  double goal = 2000000;
};

bool parse_options(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (i + 1 >= argc) return false;
    std::string value = argv[++i];
    if (arg == "--lines") {
      o.lines = std::strtoul(value.c_str(), nullptr, 10);
    } else if (arg == "--repeat") {
      o.repeat = std::max(1, std::atoi(value.c_str()));
    } else if (arg == "--format") {
      o.format = value;
    } else if (arg == "--goal") {
      o.goal = std::strtod(value.c_str(), nullptr);
    } else {
      return false;
    }
  }
  return o.lines > 0;
}

// Combined log lines as web servers write them: IPv4 and IPv6 clients, users, offsets, pages,
// queries, static files, downloads, redirects, errors, referrers, browsers and bots.
std::string generate(size_t n) {
  static const char* kAgents[] = {
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/120.0.0.0 Safari/537.36",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
      "Version/17.1 Safari/605.1.15",
      "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
      "Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
      "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
      "curl/8.4.0",
      "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
      "Navigateur \"cité\" 1.0"};
  static const char* kPaths[] = {"/",
                                 "/index.html",
                                 "/blog/2015/03/05/post-title",
                                 "/search",
                                 "/css/site.css",
                                 "/img/Logo.PNG",
                                 "/files/report.pdf",
                                 "/old-page",
                                 "/robots.txt",
                                 "/api/v1/items/12345",
                                 "/missing.php",
                                 "/caf%C3%A9"};
  static const char* kQueries[] = {"", "", "", "?q=ferry+boats&page=2", "?utm_source=news", "?-"};
  static const int kStatus[] = {200, 200, 200, 200, 304, 301, 302, 404, 500, 206};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::mt19937_64 rng(42);
  std::string text;
  text.reserve(n * 230);
  char buf[512];
  for (size_t i = 0; i < n; ++i) {
    auto pick = [&](auto& list) { return list[rng() % (sizeof(list) / sizeof(list[0]))]; };
    uint64_t r = rng();
    int sec = static_cast<int>(i % 86400);
    std::string ip = r % 10 == 0
                         ? "2001:db8::" + std::to_string(r % 65536)
                         : std::to_string(r % 223 + 1) + "." + std::to_string(r >> 8 & 255) +
                               ".0." + std::to_string(r >> 16 & 255);
    const char* user = r % 7 == 0 ? "alice" : "-";
    std::string length = r % 9 == 0 ? "-" : std::to_string(r >> 24 & 65535);
    std::string ref =
        r % 3 == 0 ? "-" : "https://www.example.org/page?id=" + std::to_string(r % 97);
    int len = std::snprintf(
        buf, sizeof buf,
        "%s - %s [%02d/%s/2015:%02d:%02d:%02d %s] \"%s %s%s HTTP/1.1\" %d %s \"%s\" \"%s\"\n",
        ip.c_str(), user, static_cast<int>(r >> 32 & 15) + 1, kMonths[r >> 36 & 7], sec / 3600,
        sec / 60 % 60, sec % 60, r % 4 == 0 ? "-0800" : "+01:00", r % 5 == 0 ? "POST" : "GET",
        pick(kPaths), pick(kQueries), pick(kStatus), length.c_str(), ref.c_str(), pick(kAgents));
    text.append(buf, static_cast<size_t>(len));
  }
  return text;
}

// CPU time of this thread: on a shared machine the wall clock also counts other processes.
double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

struct Run {
  double seconds = 0, cpu_seconds = 0;
  size_t lines = 0, hits = 0, invalid = 0, json_bytes = 0;
};

Run run_once(std::string_view text, matomo::LogFormat format) {
  matomo::LogParser parser(format);
  matomo::LogLine line;
  matomo::HitOptions options;
  options.idsite = 3;
  options.main_url = "https://www.example.org";
  std::string out;
  out.reserve(1 << 20);
  Run run;
  auto start = std::chrono::steady_clock::now();
  double cpu_start = thread_cpu_seconds();
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    ++run.lines;
    auto r = parser.parse(text.substr(pos, nl - pos), line);
    pos = nl + 1;
    if (r.outcome != matomo::LineOutcome::kHit) {
      run.invalid += r.outcome == matomo::LineOutcome::kInvalid;
      continue;
    }
    if (matomo::build_hit(line, options, out).kept) ++run.hits;
    if (out.size() > (1 << 20) - 4096) {  // a batch is handed over; the buffer is reused
      run.json_bytes += out.size();
      out.clear();
    }
  }
  run.json_bytes += out.size();
  run.cpu_seconds = thread_cpu_seconds() - cpu_start;
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return run;
}

}  // namespace

int matomo_lines_bench_main(int argc, char** argv) {
  Options o;
  auto format = matomo::LogFormat::kAuto;
  if (!parse_options(argc, argv, o) || !matomo::parse_log_format(o.format)) {
    std::fprintf(stderr,
                 "usage: ferry_bench matomo-lines [--lines N] [--repeat N] "
                 "[--format NAME] [--goal LINES_PER_S]\n");
    return 2;
  }
  format = *matomo::parse_log_format(o.format);
  std::string text = generate(o.lines);
  Run best;
  best.cpu_seconds = 1e30;
  for (int i = 0; i < o.repeat; ++i) {
    Run r = run_once(text, format);
    if (r.cpu_seconds < best.cpu_seconds) best = r;
  }
  double rate = static_cast<double>(best.lines) / best.cpu_seconds;
  std::printf(
      "matomo-lines: %zu %s lines (%.1f MB), %zu hits, %zu invalid, %.1f MB of hit JSON "
      "in %.3f s CPU, %.3f s wall (best of %d): %.0f lines/s of CPU time, %.0f lines/s "
      "of wall time\n",
      best.lines, o.format.c_str(), static_cast<double>(text.size()) / 1048576.0, best.hits,
      best.invalid, static_cast<double>(best.json_bytes) / 1048576.0, best.cpu_seconds,
      best.seconds, o.repeat, rate, static_cast<double>(best.lines) / best.seconds);
  std::printf("matomo-lines: goal %.0f lines/s parsed and built on one core (CPU time): %s\n",
              o.goal, rate >= o.goal ? "met" : "NOT met");
  return best.invalid == 0 ? 0 : 1;
}

}  // namespace ferry::bench
