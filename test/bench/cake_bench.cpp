// `ferry_bench cake`: how fast a Clicks reply becomes CSV rows on one core, and how much memory
// that takes. In memory: the reply (generated, or recorded) fed to cake::ReportConverter in
// pieces as a socket delivers them. With --url: from the socket, through the libcurl client,
// cake::CakeClient and cake::RangeReader into a file, against a CAKE stand-in. Goals: at least
// 250,000 rows/s per core, peak RSS under 64 MiB for a 100,000-row reply.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/benches.h"
#include "ferry/cake/range_reader.h"
#include "ferry/cake/report_stream.h"
#include "ferry/io/files.h"
#include "ferry/net/curl_http.h"

namespace ferry::bench {

namespace {

using nlohmann::ordered_json;

struct Options {
  size_t rows = 100000;
  int repeat = 3;
  std::string body_path;  // a recorded reply; empty = generate one
  std::string zone = "UTC";
  double goal = 250000;
  double rss_goal_mb = 64;
  size_t piece = 16 * 1024;  // bytes per feed() in memory
  std::string write_body;    // write the generated reply here and stop
  std::string url;           // a CAKE stand-in to read from
  std::string key = "test-api-key";
  std::string hour = "2016-01-10T00:00:00Z";
};

bool parse_options(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (i + 1 >= argc) return false;
    std::string value = argv[++i];
    if (arg == "--rows") {
      o.rows = std::strtoul(value.c_str(), nullptr, 10);
    } else if (arg == "--repeat") {
      o.repeat = std::max(1, std::atoi(value.c_str()));
    } else if (arg == "--body") {
      o.body_path = value;
    } else if (arg == "--zone") {
      o.zone = value;
    } else if (arg == "--goal") {
      o.goal = std::strtod(value.c_str(), nullptr);
    } else if (arg == "--piece") {
      o.piece = std::max<size_t>(1, std::strtoul(value.c_str(), nullptr, 10));
    } else if (arg == "--write-body") {
      o.write_body = value;
    } else if (arg == "--url") {
      o.url = value;
    } else if (arg == "--key") {
      o.key = value;
    } else if (arg == "--hour") {
      o.hour = value;
    } else {
      return false;
    }
  }
  return o.rows > 0;
}

// Resident memory now, from /proc/self/statm (0 where there is none).
double current_rss_mb() {
  std::ifstream statm("/proc/self/statm");
  long size = 0, resident = 0;
  statm >> size >> resident;
  return static_cast<double>(resident) * 4096.0 / (1024.0 * 1024.0);
}

double peak_rss_mb() {
  struct rusage u {};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

// CPU seconds (user + system) this process has used.
double cpu_seconds() {
  struct rusage u {};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

// Counts the records and drops them (the in-memory bench measures the converter alone).
class CountingOutput : public cake::RecordOutput {
 public:
  void append(std::string_view records) override { size_ += records.size(); }
  uint64_t size() const override { return size_; }
  void truncate_to(uint64_t size) override { size_ = size; }

 private:
  uint64_t size_ = 0;
};

// Appends to a file, as the clicks job's hour file does.
class FileOutput : public cake::RecordOutput {
 public:
  explicit FileOutput(io::AppendFile& file) : file_(file) {}
  void append(std::string_view records) override { file_.append(records); }
  uint64_t size() const override { return file_.size(); }
  void truncate_to(uint64_t size) override { file_.truncate_to(size); }

 private:
  io::AppendFile& file_;
};

void print_goals(const char* what, int64_t rows, double cpu, double wall, const Options& o) {
  double rate = static_cast<double>(rows) / std::max(cpu, 1e-9);
  double peak = peak_rss_mb();
  std::printf("cake %s: %lld rows, %.3f s CPU, %.3f s wall\n", what, static_cast<long long>(rows),
              cpu, wall);
  std::printf("cake %s: %.0f rows/s per core (goal >= %.0f: %s)\n", what, rate, o.goal,
              rate >= o.goal ? "met" : "NOT met");
  std::printf("cake %s: peak RSS %.1f MiB (goal < %.0f MiB: %s)\n", what, peak, o.rss_goal_mb,
              peak < o.rss_goal_mb ? "met" : "NOT met");
}

// One hour of clicks from the stand-in at o.url, one window, into a file.
int from_socket(const Options& o, const cake::CellRules& rules) {
  auto hour = parse_iso8601(o.hour);
  if (!hour) {
    std::fprintf(stderr, "cake bench: --hour %s is not an ISO 8601 time\n", o.hour.c_str());
    return 2;
  }
  cake::CakeSettings settings;
  settings.admin_url = o.url;
  settings.api_key = o.key;
  settings.timeout = std::chrono::minutes(10);
  auto http = net::make_curl_http_client();
  RealTimer timer;
  cake::CakeClient client(*http, settings, timer);
  cake::WindowPolicy policy;
  policy.max_window = std::chrono::hours(1);
  policy.row_limit = 10'000'000;
  std::string path = "/tmp/ferry-cake-bench-" + std::to_string(::getpid()) + ".csv";
  double best_cpu = 1e100, best_wall = 1e100;
  int64_t rows = 0;
  for (int k = 0; k < o.repeat; ++k) {
    io::AppendFile file(path);
    file.truncate_to(0);
    FileOutput out(file);
    cake::RangeReader reader(client, cake::Report::kClicks, rules, *hour,
                             *hour + std::chrono::hours(1), policy);
    double cpu0 = cpu_seconds();
    auto t0 = std::chrono::steady_clock::now();
    while (!reader.done()) {
      if (auto st = reader.read_window(out); !st) {
        std::fprintf(stderr, "cake bench: %s\n", st.failure().message.c_str());
        std::remove(path.c_str());
        return 1;
      }
    }
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best_cpu = std::min(best_cpu, cpu_seconds() - cpu0);
    best_wall = std::min(best_wall, wall);
    rows = reader.rows();
  }
  std::remove(path.c_str());
  print_goals("from the socket", rows, best_cpu, best_wall, o);
  return 0;
}

// One click row shaped like CAKE's (and the stand-in's): nested objects, some nulls, both
// date forms, non-ASCII text, commas, quotes and newlines, fields to ignore.
ordered_json click_row(std::mt19937_64& rng, int64_t id, int64_t ms) {
  static const char* kNames[] = {"Acme Media",  "Café Ünïcødé",      "日本語アフィリエイト",
                                 "Comma, Inc.", "The \"Quoted\" Co", "Multi\nLine LLC"};
  static const char* kAgents[] = {
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/58.0.3029.110 Safari/537.36",
      "Agent \"quoted\", with comma", "Agent with\r\nnewline and ünïcødé"};
  auto pick = [&](auto& list) { return list[rng() % (sizeof(list) / sizeof(list[0]))]; };
  auto maybe = [&](ordered_json v) { return rng() % 10 == 0 ? ordered_json(nullptr) : v; };
  auto named = [&](const std::string& p, int64_t n) {
    return maybe({{p + "_id", n}, {p + "_name", maybe(pick(kNames))}});
  };
  auto version = [&](const char* v) { return maybe({{"version_name", maybe(v)}}); };
  std::string date = "/Date(" + std::to_string(ms) + (rng() % 2 ? "-0800)/" : ")/");
  ordered_json r;
  r["click_id"] = id;
  r["visitor_id"] = static_cast<int64_t>(rng() % 1000000000);
  r["tracking_id"] = maybe("ea796627f29d3c38");
  r["request_session_id"] = static_cast<int64_t>(rng() % 1000000000);
  r["udid"] = nullptr;
  r["click_date"] = date;
  r["source_affiliate"] = named("source_affiliate", static_cast<int64_t>(rng() % 500));
  r["brand_advertiser"] = named("brand_advertiser", static_cast<int64_t>(rng() % 50));
  r["site_offer"] = named("site_offer", static_cast<int64_t>(rng() % 300));
  r["campaign"] = maybe({{"campaign_id", static_cast<int64_t>(rng() % 9999)}});
  r["creative"] = maybe({{"creative_id", 614}, {"creative_name", maybe(pick(kNames))}});
  for (int k = 1; k <= 5; ++k) r["sub_id_" + std::to_string(k)] = maybe(k % 2 ? "s1" : "a,b");
  r["ip_address"] = "203.0.113.192";
  r["user_agent"] = maybe(pick(kAgents));
  r["referrer_url"] = maybe("https://example.com/landing?a=1&b=2");
  r["request_url"] = maybe("https://例え.jp/パス?キー=値");
  r["redirect_url"] = maybe("https://example.com/x?q=a,b,c");
  r["country"] = maybe({{"country_code", "US"}});
  r["region"] = maybe({{"region_code", "R1"}, {"region_name", "São Paulo"}});
  r["language"] = maybe({{"language_id", 1}, {"language_name", "English"}});
  r["isp"] = maybe({{"isp_id", 7}, {"isp_name", maybe(pick(kNames))}});
  r["device"] = maybe({{"device_id", 2}, {"device_name", "Desktop"}});
  r["operating_system"] = maybe({{"operating_system_id", 5},
                                 {"operating_system_name", "Windows"},
                                 {"operating_system_version", version("10")},
                                 {"operating_system_version_minor", version("0")}});
  r["browser"] = maybe({{"browser_id", 7},
                        {"browser_name", "Chrome"},
                        {"browser_version", version("58")},
                        {"browser_version_minor", version("0")}});
  r["disposition"] = maybe("Approved");
  r["paid_action"] = "CPC";
  r["paid"] = maybe({{"currency_id", 1 + static_cast<int>(rng() % 3)}, {"amount", 0.25}});
  r["duplicate"] = rng() % 10 == 0;
  r["duplicate_clicks"] = 0;
  r["total_clicks"] = 1;
  r["channel"] = maybe({{"channel_id", 1}, {"channel_name", "c"}});
  r["received"] = maybe({{"currency_id", 1}, {"amount", 1.5e-05}});
  return r;
}

// A Clicks reply with `rows` rows, the dates' slashes escaped as ASP.NET writes them.
std::string generate_body(size_t rows) {
  std::mt19937_64 rng(42);
  std::string body = R"({"d":{"__type":"Cake.Reports.ClickReportResponse","success":true,)"
                     R"("message":null,"row_count":)" +
                     std::to_string(rows) + R"(,"clicks":[)";
  int64_t ms = 1452384000000;
  for (size_t i = 0; i < rows; ++i) {
    if (i) body += ',';
    ms += static_cast<int64_t>(rng() % 60);
    std::string row = click_row(rng, 403440000001 + static_cast<int64_t>(i), ms).dump();
    for (size_t at = 0; (at = row.find("/Date(", at)) != std::string::npos;) {
      row.replace(at, 1, "\\/");
      at = row.find(")/", at);
      row.replace(at, 2, ")\\/");
    }
    body += row;
  }
  body += "]}}";
  return body;
}

}  // namespace

int cake_bench_main(int argc, char** argv) {
  Options o;
  if (!parse_options(argc, argv, o)) {
    std::fprintf(stderr,
                 "usage: ferry_bench cake [--rows N] [--body REPLY.json] [--repeat N] "
                 "[--zone TZ] [--goal ROWS_PER_S] [--piece BYTES] [--write-body PATH]\n"
                 "       ferry_bench cake --url STAND_IN_URL [--key KEY] [--hour ISO] "
                 "[--repeat N]\n");
    return 2;
  }
  cake::CellRules rules;
  auto zone = TimeZone::find(o.zone);
  if (!zone) {
    std::fprintf(stderr, "cake bench: unknown time zone '%s'\n", o.zone.c_str());
    return 2;
  }
  rules.zone = *zone;
  rules.currencies = {{"1", "USD"}, {"2", "EUR"}, {"3", "GBP"}};
  if (!o.url.empty()) return from_socket(o, rules);

  std::string body;
  if (o.body_path.empty()) {
    body = generate_body(o.rows);
  } else {
    std::ifstream in(o.body_path, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "cake bench: cannot read %s\n", o.body_path.c_str());
      return 1;
    }
    in.seekg(0, std::ios::end);
    body.resize(static_cast<size_t>(in.tellg()));
    in.seekg(0);
    in.read(body.data(), static_cast<std::streamsize>(body.size()));
  }
  if (!o.write_body.empty()) {
    std::ofstream f(o.write_body, std::ios::binary);
    f.write(body.data(), static_cast<std::streamsize>(body.size()));
    return f ? 0 : 1;
  }
  double rss_before = current_rss_mb();
  double best = 1e100;
  int64_t rows = 0;
  uint64_t csv_bytes = 0;
  for (int k = 0; k < o.repeat; ++k) {
    CountingOutput out;
    cake::ReportConverter converter(cake::Report::kClicks, rules, out);
    double cpu0 = cpu_seconds();
    for (size_t at = 0; at < body.size(); at += o.piece)
      converter.feed(std::string_view(body).substr(at, o.piece));
    auto r = converter.finish();
    double s = cpu_seconds() - cpu0;
    if (!r.ok()) {
      std::fprintf(stderr, "cake bench: %s\n", r.failure->message.c_str());
      return 1;
    }
    rows = r.rows;
    csv_bytes = out.size();
    best = std::min(best, s);
  }
  double rate = static_cast<double>(rows) / best;
  double mb = 1024.0 * 1024.0;
  std::printf(
      "cake in memory: %lld rows, reply %.1f MiB in %zu-byte pieces -> CSV %.1f MiB in %.3f s "
      "CPU (best of %d): %.0f rows/s per core (goal >= %.0f: %s), %.0f MiB/s of JSON\n",
      static_cast<long long>(rows), static_cast<double>(body.size()) / mb, o.piece,
      static_cast<double>(csv_bytes) / mb, best, o.repeat, rate, o.goal,
      rate >= o.goal ? "met" : "NOT met", static_cast<double>(body.size()) / mb / best);
  std::printf(
      "cake in memory: converting grew RSS by %.1f MiB (the reply itself is held by the "
      "bench: %.1f MiB)\n",
      std::max(0.0, current_rss_mb() - rss_before), static_cast<double>(body.size()) / mb);
  return 0;
}

}  // namespace ferry::bench
