#include "e2e/mindtrails_standin.h"

#include <filesystem>
#include <stdexcept>

#include "ferry/io/csv.h"
#include "ferry/mindtrails/names.h"

namespace ferry::testing {
namespace {

using nlohmann::json;

std::string text_of(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

}  // namespace

MindTrailsStandin::MindTrailsStandin(const std::string& data, const std::string& pub,
                                     const std::string& log, std::vector<std::string> extra_args) {
  port_ = free_port();
  std::vector<std::string> argv = {
      system_python(), repo_root() + "/test/standins/mindtrails_server.py",
      "--port",        std::to_string(port_),
      "--data",        data,
      "--public-key",  pub,
      "--user",        kUser,
      "--password",    kPassword};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  child_ = std::make_unique<Child>(argv, std::map<std::string, std::string>{}, "", log);
  ready_ = wait_for_port(port_, std::chrono::seconds(20));
}

json MindTrailsStandin::control(const std::string& method, const std::string& path,
                                const json& body) const {
  std::vector<std::string> argv = {"curl", "-s", "-S", "--max-time", "30", "-X", method};
  if (!body.is_null()) {
    argv.insert(argv.end(), {"-H", "Content-Type: application/json", "--data-binary"});
    argv.push_back(body.dump());
  }
  argv.push_back("http://127.0.0.1:" + std::to_string(port_) + path);
  auto r = run_command(argv);
  if (r.exit_code != 0 || r.out.empty()) return nullptr;
  return json::parse(r.out, nullptr, false);
}

std::vector<int64_t> MindTrailsStandin::add(const std::string& table, const json& rows) const {
  json reply = control("POST", "/_control/add", {{"table", table}, {"rows", rows}});
  if (!reply.is_object() || !reply.contains("ids")) throw std::runtime_error("add failed");
  return reply["ids"].get<std::vector<int64_t>>();
}

void RowLedger::snapshot(const MindTrailsStandin& server) {
  json doc = server.control("GET", "/_control/rows");
  if (!doc.is_object()) throw std::runtime_error("stand-in rows unreadable");
  for (const auto& [name, t] : doc["tables"].items()) {
    deleteable_[name] = t["deleteable"].get<bool>();
    for (const auto& row : t["rows"]) {
      int64_t id = row["id"].get<int64_t>();
      std::string plain;
      if (t["participants"].contains(std::to_string(id)))
        plain = text_of(t["participants"][std::to_string(id)]);
      else if (row.contains("participant"))
        plain = text_of(row["participant"]);
      rows_[name][id] = plain;
    }
  }
}

CsvContents read_csvs(const std::string& active_dir, const std::vector<std::string>& tables,
                      const std::string& date) {
  CsvContents out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(active_dir, ec)) {
    std::string name = e.path().filename().string();
    for (const auto& table : tables) {
      if (mindtrails::csv_part(name, table, date) == 0) continue;
      std::vector<std::vector<std::string>> records;
      try {
        records = io::parse_csv(read_file(e.path().string()));
      } catch (const std::exception& ex) {
        out.problems.push_back(name + ": " + ex.what());
        continue;
      }
      if (records.empty()) continue;
      const auto& header = records[0];
      int id_col = -1, p_col = -1;
      for (size_t i = 0; i < header.size(); ++i) {
        if (header[i] == "id") id_col = static_cast<int>(i);
        if (header[i] == "participantRSA" || (p_col < 0 && header[i] == "participant"))
          p_col = static_cast<int>(i);
      }
      for (size_t r = 1; r < records.size(); ++r) {
        if (id_col < 0 || records[r].size() != header.size()) {
          out.problems.push_back(name + ": record " + std::to_string(r) + " does not fit");
          continue;
        }
        int64_t id = std::stoll(records[r][id_col]);
        ++out.count[table][id];
        out.participant[table][id] = p_col >= 0 ? records[r][p_col] : "";
      }
    }
  }
  return out;
}

std::string check_rows(const RowLedger& ledger, const CsvContents& csv, const json& server_rows,
                       bool final) {
  std::string problems;
  for (const auto& p : csv.problems) problems += p + "\n";
  for (const auto& [table, rows] : ledger.rows()) {
    const json& now = server_rows["tables"][table]["rows"];
    for (const auto& [id, plain] : rows) {
      bool on_server = false;
      for (const auto& r : now) on_server = on_server || r["id"].get<int64_t>() == id;
      int seen = 0;
      auto t = csv.count.find(table);
      if (t != csv.count.end() && t->second.count(id)) seen = t->second.at(id);
      std::string where = table + " id " + std::to_string(id);
      if (seen > 1) problems += where + ": in the CSVs " + std::to_string(seen) + " times\n";
      if (seen == 0 && (final || !on_server)) problems += where + ": lost (not in any CSV)\n";
      if (seen == 1 && csv.participant.at(table).at(id) != plain)
        problems += where + ": participant '" + csv.participant.at(table).at(id) + "', expected '" +
                    plain + "'\n";
    }
  }
  return problems;
}

}  // namespace ferry::testing
