// Where an S3 target's credentials and region come from. Pure: the environment is a map and
// the shared credentials file is read from the path it names.
//
// Order, first complete source wins:
//   1. the target's own keys in config (`access_key_id` + `secret_access_key`, optional
//      `session_token`; FERRY_S3_<NAME>_* variables reach these through the config loader);
//   2. the target's `profile` key, when set: that profile of the shared credentials file
//      (a named profile that is missing is an error, never a silent fallback);
//   3. the environment: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN);
//   4. the shared credentials file, profile AWS_PROFILE or `default`.
// The shared credentials file is AWS_SHARED_CREDENTIALS_FILE, else $HOME/.aws/credentials, as
// `aws configure` writes it (INI: `[name]` sections, `aws_access_key_id = ...`).
#pragma once

#include <map>
#include <string>

#include "ferry/s3/sigv4.h"

namespace ferry::s3 {

struct CredentialSettings {
  std::string target;  // the table name, for messages: "reports" → `[s3.reports]`
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  std::string profile;
};

struct ResolvedCredentials {
  Credentials credentials;
  std::string source;  // "config [s3.reports]", "environment", "/home/u/.aws/credentials [default]"
};

using Environment = std::map<std::string, std::string>;

// Throws UsageError naming the table when only one of the key pair is configured, a named
// profile is missing or incomplete, or no source has credentials. Messages never hold secrets.
ResolvedCredentials resolve_credentials(const CredentialSettings& settings, const Environment& env);

// The region: `configured` unless it is empty, else AWS_REGION, else AWS_DEFAULT_REGION, else
// "us-east-1". Pass "" for `configured` when the config value is only the default.
std::string resolve_region(const std::string& configured, const Environment& env);

// Parses an AWS shared credentials file's text into profile → key → value. Section names may be
// `[name]` or `[profile name]`; `#` and `;` start comment lines.
std::map<std::string, std::map<std::string, std::string>> parse_credentials_file(
    const std::string& text);

}  // namespace ferry::s3
