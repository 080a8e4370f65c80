#include "ferry/s3/credentials.h"
#include "ferry/base/text.h"

#include <fstream>
#include <optional>
#include <sstream>

#include "ferry/base/error.h"

namespace ferry::s3 {
namespace {

std::string env_value(const Environment& env, const std::string& name) {
  auto it = env.find(name);
  return it == env.end() ? "" : it->second;
}

std::string table(const CredentialSettings& s) {
  return "[s3." + s.target + "]";
}

std::string credentials_path(const Environment& env) {
  std::string path = env_value(env, "AWS_SHARED_CREDENTIALS_FILE");
  if (!path.empty()) return path;
  std::string home = env_value(env, "HOME");
  return home.empty() ? "" : home + "/.aws/credentials";
}

// The profile from the shared file: nullopt when the file or profile is absent; throws when
// the profile exists but lacks a key.
std::optional<ResolvedCredentials> from_file(const CredentialSettings& s, const Environment& env,
                                             const std::string& profile) {
  const std::string path = credentials_path(env);
  if (path.empty()) return std::nullopt;
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  auto profiles = parse_credentials_file(text.str());
  auto it = profiles.find(profile);
  if (it == profiles.end()) return std::nullopt;
  auto& keys = it->second;
  ResolvedCredentials r;
  r.credentials = {keys["aws_access_key_id"], keys["aws_secret_access_key"],
                   keys["aws_session_token"]};
  r.source = path + " [" + profile + "]";
  if (r.credentials.access_key_id.empty() || r.credentials.secret_access_key.empty())
    throw UsageError(table(s) + ": profile '" + profile + "' in " + path +
                     " lacks aws_access_key_id or aws_secret_access_key");
  return r;
}

}  // namespace

std::map<std::string, std::map<std::string, std::string>> parse_credentials_file(
    const std::string& text) {
  std::map<std::string, std::map<std::string, std::string>> out;
  std::istringstream in(text);
  std::string line;
  std::string section;
  bool in_section = false;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = trim(line.substr(1, line.size() - 2));
      if (section.rfind("profile ", 0) == 0) section = trim(section.substr(8));
      out[section];
      in_section = true;
      continue;
    }
    size_t eq = line.find('=');
    if (!in_section || eq == std::string::npos) continue;
    out[section][trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
  }
  return out;
}

ResolvedCredentials resolve_credentials(const CredentialSettings& s, const Environment& env) {
  if (!s.access_key_id.empty() || !s.secret_access_key.empty()) {
    if (s.access_key_id.empty() || s.secret_access_key.empty())
      throw UsageError(table(s) + " sets only one of access_key_id and secret_access_key");
    return {{s.access_key_id, s.secret_access_key, s.session_token}, "config " + table(s)};
  }
  if (!s.profile.empty()) {
    if (auto r = from_file(s, env, s.profile)) return *r;
    throw UsageError(table(s) + ": profile '" + s.profile + "' not found in " +
                     (credentials_path(env).empty() ? std::string("~/.aws/credentials")
                                                    : credentials_path(env)));
  }
  std::string id = env_value(env, "AWS_ACCESS_KEY_ID");
  std::string secret = env_value(env, "AWS_SECRET_ACCESS_KEY");
  if (!id.empty() && !secret.empty())
    return {{id, secret, env_value(env, "AWS_SESSION_TOKEN")}, "environment"};
  std::string profile = env_value(env, "AWS_PROFILE");
  if (profile.empty()) profile = "default";
  if (auto r = from_file(s, env, profile)) return *r;
  throw UsageError(
      "no S3 credentials for " + table(s) +
      ": set access_key_id and secret_access_key there, or AWS_ACCESS_KEY_ID and "
      "AWS_SECRET_ACCESS_KEY, or profile '" +
      profile + "' in " +
      (credentials_path(env).empty() ? std::string("~/.aws/credentials") : credentials_path(env)));
}

std::string resolve_region(const std::string& configured, const Environment& env) {
  if (!configured.empty()) return configured;
  for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    std::string v = env_value(env, name);
    if (!v.empty()) return v;
  }
  return "us-east-1";
}

}  // namespace ferry::s3
