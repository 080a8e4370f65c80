// The MindTrails stand-in (test/standins/mindtrails_server.py) for end-to-end tests, and the
// bookkeeping that proves "every row exactly once in a CSV or still on the server".
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mindtrails/support.h"
#include "support/process.h"

namespace ferry::testing {

using mindtrails::testing::KeyPair;
using mindtrails::testing::make_key;

class MindTrailsStandin {
 public:
  // Starts the stand-in on a free port with `data` (a JSON file) and rows encrypted for `pub`.
  MindTrailsStandin(const std::string& data, const std::string& pub, const std::string& log,
                    std::vector<std::string> extra_args = {});
  bool ready() const { return ready_; }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/api/"; }

  // POST/GET/DELETE on /_control/...; returns the parsed reply (null on failure).
  nlohmann::json control(const std::string& method, const std::string& path,
                         const nlohmann::json& body = nullptr) const;
  // Adds rows to a table; returns their ids.
  std::vector<int64_t> add(const std::string& table, const nlohmann::json& rows) const;
  // Queues a failure rule (see the stand-in's docstring).
  void fail(const nlohmann::json& rule) const { control("POST", "/_control/fail", rule); }
  // Requests the API answered: [{method, path, query, status, user}].
  nlohmann::json log() const { return control("GET", "/_control/log"); }

  static constexpr const char* kUser = "admin@example.edu";
  static constexpr const char* kPassword = "s3cret-Pa55";

 private:
  int port_ = 0;
  std::unique_ptr<Child> child_;
  bool ready_ = false;
};

// Every row the server ever had (merged from snapshots), with its expected participant id.
class RowLedger {
 public:
  // Merges the stand-in's current rows into the ledger.
  void snapshot(const MindTrailsStandin& server);
  // (table, id) -> plaintext participant id ("" when the row has none).
  const std::map<std::string, std::map<int64_t, std::string>>& rows() const { return rows_; }
  const std::map<std::string, bool>& deleteable() const { return deleteable_; }

 private:
  std::map<std::string, std::map<int64_t, std::string>> rows_;
  std::map<std::string, bool> deleteable_;
};

// What the CSVs of one day hold: per table, id -> times seen, and the participant cell.
struct CsvContents {
  std::map<std::string, std::map<int64_t, int>> count;
  std::map<std::string, std::map<int64_t, std::string>> participant;
  std::vector<std::string> problems;  // unreadable files or rows
};
CsvContents read_csvs(const std::string& active_dir, const std::vector<std::string>& tables,
                      const std::string& date);

// Checks the ledger against the CSVs and the server now. `final`: every row exactly once in a
// CSV; else (right after a kill) every row in a CSV at most once, or still on the server.
// Returns the problems found ("" when none).
std::string check_rows(const RowLedger& ledger, const CsvContents& csv,
                       const nlohmann::json& server_rows, bool final);

}  // namespace ferry::testing
