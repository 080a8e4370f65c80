// An in-memory WeNet platform for client tests: a FakeHttpClient handler over a few tables.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ferry/net/fake_http.h"
#include "ferry/wenet/window.h"

namespace ferry::wenet::testing {

// The query of `url` as name -> decoded value (the last one wins).
std::map<std::string, std::string> query_of(const std::string& url);
std::string path_of(const std::string& url);

struct FakeWenet {
  std::string key = "k3y-secret-1234";
  std::vector<nlohmann::json> messages;            // sorted by timestamp
  std::map<std::string, nlohmann::json> profiles;  // user -> profile; 202 for ids starting "a"
  std::vector<std::string> hub_users;
  std::vector<nlohmann::json> tasks;
  int total_shift_calls = 0;     // this many task pages report total + 1
  int null_polls = 2;            // analytic GETs answering a null result (-1: for ever)
  std::vector<std::string> log;  // "METHOD url"
  std::mutex mu;

  net::HttpResponse answer(const net::HttpRequest& r);

 private:
  net::HttpResponse messages_reply(const std::map<std::string, std::string>& q,
                                   const std::string& url);
  net::HttpResponse tasks_reply(const std::map<std::string, std::string>& q);
  int polls_ = 0;
  std::vector<TimePoint> stamps_;  // of `messages`, parsed once
};

}  // namespace ferry::wenet::testing
