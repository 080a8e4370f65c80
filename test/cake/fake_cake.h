// An in-process CAKE for the pipeline's unit tests, behind net::FakeHttpClient: deterministic
// rows (ids and dates only, plus a paid currency), the Currencies table, JSON POST bodies read
// as CAKE reads them ([start_date, end_date), start_at_row, row_limit, row_count), and a hook
// that replaces chosen calls with failures.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ferry/base/time.h"
#include "ferry/net/fake_http.h"

namespace ferry::cake::testing {

struct FakeRow {
  int64_t id = 0;
  int64_t ms = 0;  // the row's date, ms since 1970 (UTC wall clock)
};

// What a report call asked for.
struct FakeCall {
  std::string method;  // Clicks, EventConversions, Currencies
  int64_t start_ms = 0, end_ms = 0, start_at_row = 0, row_limit = 0;
  std::string api_key;
};

class FakeCake {
 public:
  // `per_hour` rows of each report in every hour of [from, to + 1 day), spread over the hour.
  FakeCake(const Date& from, const Date& to, int per_hour, std::string api_key = "secret-key-1");

  // Adds `n` rows inside [start, start + seconds) (a dense burst) to a report.
  void add_burst(bool clicks, TimePoint start, int seconds, int n);

  // Replaces a call's answer when it returns a response (tried before answering).
  std::function<std::optional<net::HttpResponse>(const FakeCall&)> fault;
  // Changes a report call's answer (say, cuts its body) after it is made.
  std::function<void(const FakeCall&, net::HttpResponse&)> alter;

  net::FakeHttpClient& http() { return http_; }
  const std::vector<FakeCall>& calls() const { return calls_; }
  int count(const std::string& method) const;
  // Rows of a report in [start, end).
  std::vector<FakeRow> rows(bool clicks, TimePoint start, TimePoint end) const;

 private:
  net::HttpResponse answer(const net::HttpRequest& request);
  net::HttpResponse report(bool clicks, const FakeCall& call) const;

  std::string api_key_;
  std::vector<FakeRow> clicks_, conversions_;
  std::vector<FakeCall> calls_;
  net::FakeHttpClient http_;
};

// `MM/DD/YYYY HH:MM:SS` → ms (UTC); -1 when unreadable.
int64_t parse_request_ms(const std::string& text);

}  // namespace ferry::cake::testing
