// The WeNet platform calls a report makes: hub, profile manager, task manager, incentive server
// and logger under one instance URL (shared/protocols/wenet.md).
//
// Every call goes through toolkit::call with the configured timeouts (retries are the
// HttpClient's: in production the retrying client). The API key travels only in the
// `x-wenet-component-apikey` header and is scrubbed from every failure message. 401/403 are
// permanent failures that point at wenet.apikey; 404 is permanent and names the unknown app,
// user or analytic; 429, 5xx and transport failures are transient. Failure messages start
// with `wenet: `.
//
// A Client is used from one thread. profiles() fetches in parallel on clients made by the
// HttpFactory, one per worker thread (net's libcurl client is not thread-safe: one per thread).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ferry/base/clock.h"
#include "ferry/base/error.h"
#include "ferry/base/zone.h"
#include "ferry/net/http.h"
#include "ferry/net/retry.h"
#include "ferry/toolkit/api.h"
#include "ferry/wenet/window.h"

namespace ferry::wenet {

struct ClientOptions {
  std::string instance;  // https://wenet.example.org/prod (a trailing `/` is dropped)
  std::string apikey;    // only in the x-wenet-component-apikey header
  std::chrono::milliseconds connect_timeout{10'000}, timeout{60'000};
  int parallel = 4;  // profiles fetched at once (at least 1)
  std::chrono::milliseconds analytic_timeout{120'000};
  TimeZone zone;  // the window's zone: logger times carry its offset
  // Analytic polling: first wait after /compute, doubled after each null result, capped.
  std::chrono::milliseconds poll_first{500}, poll_max{8'000};
};

// Makes one HttpClient for one worker thread (profiles in parallel). Must be callable from
// the thread that calls profiles().
using HttpFactory = std::function<std::unique_ptr<net::HttpClient>()>;

// A libcurl client wrapped in retries with `policy` (and the run's deadline when `time_left`
// is set), owning both: the usual production client, for one thread. `timer` and `wall` must
// outlive it and may be shared between threads (RealTimer, SystemClock).
std::unique_ptr<net::HttpClient> make_worker_http(net::RetryPolicy policy, Timer& timer,
                                                  const Clock& wall, net::TimeLeft time_left = {});

// The descriptor of a count or segmentation analytic of `app` over exactly `w`: a `fixed`
// timespan with logger_time() bounds (ALL starts at 1970-01-01T00:00:00 in the zone).
nlohmann::json analytic_descriptor(const std::string& app, const std::string& type,
                                   const std::string& dimension, const std::string& metric,
                                   const Window& w, const TimeZone& zone);

class Client {
 public:
  // `http` and `timer` must outlive the client. `timer` measures the analytic deadline and
  // waits between polls. Without `worker_http`, profiles are fetched one at a time on `http`.
  Client(net::HttpClient& http, ClientOptions options, Timer& timer, HttpFactory worker_http = {});

  // Hub users of `app`, in hub order: with both bounds of `window` (users who enabled the app
  // in it) or, for null or ALL, every user. Fetched once per (app, bounds) per Client.
  Result<std::vector<std::string>> app_users(const std::string& app, const Window* window);
  Result<nlohmann::json> app_details(const std::string& app);
  // Profiles of `users` (duplicates fetched once), `parallel` at a time, 202 = 200. A 404
  // gives a null json and a warning in the log; any other failure fails the whole call.
  Result<std::map<std::string, nlohmann::json>> profiles(const std::vector<std::string>& users);
  // Tasks / transactions of `app` created in `w`, pages of 100 checked against `total`; a total
  // that changes (or a count that does not reach it) is logged and the listing re-read once;
  // a second mismatch is a transient failure. Items with a numeric `_creationTs` at or after
  // `w.to` are dropped (the task manager's creationTo is inclusive).
  Result<std::vector<nlohmann::json>> tasks(const std::string& app, const Window& w);
  Result<std::vector<nlohmann::json>> transactions(const std::string& app, const Window& w);
  Result<nlohmann::json> cohorts();

  // Creates the analytic, queues its computation once, polls with back-off until
  // analytic_timeout, then ALWAYS deletes it. `on_created(id)` runs right after creation,
  // `on_deleted(id)` after a successful delete (both may be empty). Returns `result`; a result
  // still null at the deadline is a permanent failure naming the metric. A failed delete is
  // only logged (the caller's record of the id stays for delete_analytic next run).
  Result<nlohmann::json> analytic(const nlohmann::json& descriptor,
                                  const std::function<void(const std::string&)>& on_created,
                                  const std::function<void(const std::string&)>& on_deleted);
  // Deletes a stored analytic; an unknown id (404) counts as deleted.
  Status delete_analytic(const std::string& id);

  // Every message of `app` with a timestamp in [w.from, w.to) (ALL: from 1970), each exactly
  // once (key messageId + userId), in time order, to `sink`; returns how many were given to
  // it. Paged by time with maxSize=`page` (1..10000): the next query starts at the last
  // timestamp seen (inclusive; keys seen at that timestamp are skipped). A full page that is all
  // one timestamp T is read again as T..T split by type, then by userId (hub users of the app
  // plus those seen); a part still full fails permanently (`more than N messages at T for user
  // U`). The logger's toTime is inclusive: messages at exactly w.to are dropped here. Memory:
  // only the keys at the current boundary timestamp. A sink failure stops and is returned.
  Result<int64_t> messages(const std::string& app, const Window& w, int page,
                           const std::function<Status(const nlohmann::json&)>& sink);

 private:
  struct MessagePager;
  net::HttpRequest request(const std::string& method, const std::string& path) const;
  Result<nlohmann::json> json_call(net::HttpClient& http, net::HttpRequest request,
                                   const std::string& what);
  Result<std::vector<nlohmann::json>> listing(const std::string& path, const std::string& key,
                                              const std::string& app, const Window& w);
  Result<std::vector<nlohmann::json>> read_listing(const std::string& path, const std::string& key,
                                                   const std::string& query, bool* consistent);
  Result<nlohmann::json> poll_analytic(const std::string& id, const std::string& metric);
  Result<nlohmann::json> message_page(const std::string& app, TimePoint from, TimePoint to,
                                      const std::string& filters, int page);

  net::HttpClient& http_;
  ClientOptions options_;
  Timer& timer_;
  HttpFactory worker_http_;
  toolkit::CallOptions call_;
  std::map<std::string, std::vector<std::string>> users_cache_;
};

}  // namespace ferry::wenet
