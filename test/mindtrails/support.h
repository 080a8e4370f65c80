// Test support for the MindTrails unit tests: RSA keys made once with the openssl tool,
// in-process encryption of participant ids, and an in-memory MindTrails server behind
// FakeHttpClient (Basic auth, table list, greaterThan, DELETE with 403/404, injected faults).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ferry/net/http.h"
#include "support/process.h"

namespace ferry::mindtrails::testing {

// An RSA key pair made with the openssl tool: `pem` (PKCS#1, or PKCS#8), `pub` (SPKI PEM).
struct KeyPair {
  std::string pem, pub;
};
KeyPair make_key(const std::string& dir, const std::string& name, bool pkcs8);

// Keys for the whole test binary, generated on first use: `key.pem` (PKCS#1), `key8.pem`
// (the same key as PKCS#8), `other.pem` (an unrelated key); public keys as `<name>.pub`.
class TestKeys {
 public:
  static const TestKeys& get();
  std::string path(const std::string& name) const { return dir_ / name; }
  // base64 of a PKCS#1 v1.5 encryption of `plain` with `<key>.pub`.
  std::string encrypt(const std::string& plain, const std::string& key = "key.pem") const;

 private:
  TestKeys();
  ferry::testing::TempDir dir_;
};

struct FakeTable {
  bool deleteable = true;
  bool honours_greater_than = true;
  bool forbid_deletes = false;  // 403 to deletes although listed deleteable
  std::vector<nlohmann::json> rows;
};

class FakeMindTrails {
 public:
  static constexpr const char* kBase = "http://mt.test/api/export";

  // Adds a table (list order is insertion order).
  FakeTable& table(const std::string& name, bool deleteable = true);
  // Adds a row with `id` and `participant` encrypted into participantRSA (when `secure`).
  void add(const std::string& name, int64_t id, int participant, bool secure = true,
           nlohmann::json extra = nlohmann::json::object());
  // The ids of a table's rows (rows without an `id` are not counted).
  std::set<int64_t> ids(const std::string& name) const;
  // How many rows a table holds now, with or without ids.
  size_t row_count(const std::string& name) const;

  net::HttpResponse handle(const net::HttpRequest& request);

  // Called first for every request; a value replaces the normal answer.
  std::function<std::optional<net::HttpResponse>(const net::HttpRequest&)> inject;
  std::vector<std::string> log;  // "GET SUDS?greaterThan=0", "DELETE SUDS/11", "GET list"
  int forbidden_deletes = 0;     // 403s answered

 private:
  net::HttpResponse rows(const std::string& name, int64_t above);
  net::HttpResponse remove(const std::string& name, int64_t id);
  std::vector<std::string> order_;
  std::map<std::string, FakeTable> tables_;
};

}  // namespace ferry::mindtrails::testing
