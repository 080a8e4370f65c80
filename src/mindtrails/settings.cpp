#include "ferry/mindtrails/settings.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "ferry/base/error.h"
#include "ferry/config/config.h"

namespace ferry::mindtrails {
namespace {

std::chrono::milliseconds ms(std::chrono::seconds s) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(s);
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

ServerSettings read_server(const config::Section& s) {
  ServerSettings o;
  o.name = s.str("name");
  const std::string where = "[[mindtrails.server]] '" + o.name + "'";
  if (s.str("url").empty()) throw UsageError(where + " has no url");
  if (s.str("data_dir").empty()) throw UsageError(where + " has no data_dir");
  o.export_url = normalise_export_url(s.str("url"));
  o.username = s.str("username");
  o.password = s.str("password");
  o.private_key = s.str("private_key");
  o.passphrase = s.str("passphrase");
  o.padding = crypto::parse_padding(s.str("padding"));
  o.delete_rows = s.boolean("delete");
  o.data_dir = s.str("data_dir");
  o.include = s.list("include");
  o.exclude = s.list("exclude");
  o.connect_timeout = ms(s.duration("connect_timeout"));
  o.timeout = ms(s.duration("timeout"));
  return o;
}

}  // namespace

bool ServerSettings::wants(const std::string& table) const {
  if (!include.empty() && !contains(include, table)) return false;
  return !contains(exclude, table);
}

void register_mindtrails_config(config::ConfigSchema& schema) {
  schema.section("mindtrails")
      .add_bool("enabled", true, "export the configured MindTrails servers on every run")
      .add_int("decrypt_threads", 0, "threads decrypting participantRSA cells; 0 = every core", 0,
               256)
      .add_int("delete_batch", 200, "server-side deletes sent per unit of work", 1, 100000);
  schema.section("mindtrails.server", config::SectionKind::kTableArray)
      .add_string("name", "", "names the server in state, alerts and logs (required)")
      .add_string("url", "https://mindtrails.example.edu/api/export",
                  "export API: ends in /api/export (or /api/, and export is added)")
      .add_string("username", "", "HTTP Basic account, an admin of the site")
      .add_secret("password", "its password")
      .add_path("private_key", "keys/private_key.pem",
                "PEM private key (PKCS#1 or PKCS#8) for participantRSA cells",
                "../keys/private_key.pem")
      .add_secret("passphrase", "passphrase of an encrypted private key")
      .add_string("padding", "pkcs1", "RSA padding the server encrypts with", {"pkcs1", "oaep"})
      .add_bool("delete", false, "delete exported rows from tables the server marks deleteable")
      .add_path("data_dir", "data/mindtrails",
                "folder of active_data/ (CSVs), raw_data/ (raw replies), recovered_data/",
                "../data/mindtrails")
      .add_bool("shared", false,
                "data_dir is one folder every ferry host mounts (NFS, …): needed with a "
                "PostgreSQL state (state.url), where any host may run the server's pass")
      .add_list("include", {}, "exact table names to export; empty means all")
      .add_list("exclude", {}, "exact table names never exported")
      .add_duration("connect_timeout", std::chrono::seconds(10), "TCP/TLS connect timeout")
      .add_duration("timeout", std::chrono::seconds(60),
                    "whole-request timeout (table list, one table, one delete)");
}

std::string normalise_export_url(const std::string& url) {
  std::string u = url;
  while (!u.empty() && u.back() == '/') u.pop_back();
  const std::string api = "/api";
  if (u.size() >= api.size() && u.compare(u.size() - api.size(), api.size(), api) == 0)
    u += "/export";
  return u;
}

PipelineSettings pipeline_settings(const config::Config& config) {
  const auto& t = config.table("mindtrails");
  PipelineSettings p;
  p.enabled = t.boolean("enabled");
  p.decrypt_threads = static_cast<unsigned>(t.integer("decrypt_threads"));
  p.delete_batch = static_cast<int>(t.integer("delete_batch"));
  return p;
}

std::vector<ServerSettings> server_settings(const config::Config& config) {
  std::vector<ServerSettings> out;
  std::map<std::string, std::string> dirs;  // normalised data_dir -> server
  for (const auto& entry : config.entries("mindtrails.server")) {
    ServerSettings s = read_server(entry);
    std::string dir = std::filesystem::path(s.data_dir).lexically_normal().string();
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    auto [it, fresh] = dirs.emplace(dir, s.name);
    if (!fresh)
      throw UsageError("[[mindtrails.server]] '" + s.name + "' and '" + it->second +
                       "' share data_dir " + s.data_dir + ": give each server its own folder");
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace ferry::mindtrails

namespace ferry::mindtrails {

std::vector<core::ConfigProblem> check_config(const config::Config& config) {
  std::vector<core::ConfigProblem> out;
  std::map<std::string, std::string> dirs;  // normalised data_dir -> server
  std::map<std::string, int> names;
  for (const auto& s : config.entries("mindtrails.server")) {
    const std::string name = s.str("name");
    const std::string where = "[[mindtrails.server]] '" + name + "'";
    auto add = [&](const char* key, std::string message) {
      out.push_back({s.setting(key).origin, std::move(message)});
    };
    if (name.empty()) add("name", "a [[mindtrails.server]] has an empty name");
    if (++names[name] == 2)
      add("name", "two [[mindtrails.server]] entries are named '" + name + "'");
    if (s.str("url").empty()) add("url", where + " has no url");
    if (s.str("data_dir").empty()) {
      add("data_dir", where + " has no data_dir");
      continue;
    }
    std::string dir = std::filesystem::path(s.str("data_dir")).lexically_normal().string();
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    auto [it, fresh] = dirs.emplace(dir, name);
    if (!fresh)
      add("data_dir", where + " and '" + it->second + "' share data_dir " + s.str("data_dir") +
                          ": give each server its own folder");
    if (s.duration("connect_timeout") < std::chrono::seconds(1))
      add("connect_timeout", where + " connect_timeout must be at least 1s");
    if (s.duration("timeout") < std::chrono::seconds(1))
      add("timeout", where + " timeout must be at least 1s");
  }
  return out;
}

std::vector<core::ConfigProblem> shared_state_warnings(const config::Config& config) {
  std::vector<core::ConfigProblem> out;
  if (config.table("state").str("url").empty()) return out;
  for (const auto& s : config.entries("mindtrails.server")) {
    if (s.boolean("shared")) continue;
    out.push_back({s.setting("data_dir").origin,
                   "[[mindtrails.server]] '" + s.str("name") + "' data_dir " + s.str("data_dir") +
                       " is not marked shared = true, but the state is shared (state.url): "
                       "another host's pass would append to its own copy of the daily CSVs; "
                       "put data_dir on a folder every host mounts and set shared = true"});
  }
  return out;
}

}  // namespace ferry::mindtrails
