// S3 targets from configuration: the `[s3.NAME]` tables and the factory that turns one into an
// ObjectStore.
//
//   [s3.reports]
//   endpoint = "https://s3.us-east-1.amazonaws.com"   # default: from the region
//   region = "us-east-1"          # default: AWS_REGION, else us-east-1
//   bucket = "my-reports"
//   prefix = ""                   # a folder inside the bucket
//   path_style = false            # true for MinIO, Ceph, s3rver and loopback endpoints
//   access_key_id = ""            # credentials: see credentials.h for the order of sources
//   secret_access_key = ""
//   session_token = ""
//   profile = ""
//   multipart_threshold = 104857600
//   part_size = 8388608
//   parallel = 4                  # parts of one multipart upload in flight at once (1..16)
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ferry/net/http.h"
#include "ferry/net/object_store.h"
#include "ferry/s3/client.h"

namespace ferry::config {
class ConfigSchema;
class Config;
class Section;
}  // namespace ferry::config

namespace ferry::s3 {

// Declares the `s3` named tables and their keys.
void register_s3_config(config::ConfigSchema& schema);

// A `[s3.NAME]` value a run would reject: where it was set (`file:line`, `env NAME`) and what
// is wrong, naming the table and key.
struct TargetProblem {
  std::string where;
  std::string message;
};

// Every such value of every configured target, without network access: an endpoint that is
// not http(s)://host[:port][/path], or that carries user info (`https://user:pass@host`;
// credentials belong in the credential keys), its password masked in the message.
std::vector<TargetProblem> check_s3_config(const config::Config& config);

// The client options for one `[s3.NAME]` table, credentials and region resolved.
// Throws UsageError naming `[s3.NAME]` when the table is missing, has no bucket, or no
// credentials can be found.
S3Options s3_options(const config::Config& config, const std::string& target,
                     const std::map<std::string, std::string>& env);

std::unique_ptr<S3Client> make_s3_client(const config::Config& config, const std::string& target,
                                         net::HttpClient& http,
                                         const std::map<std::string, std::string>& env);

// A client for an object recorded at `where` (endpoint, region, bucket; keys are given whole,
// the prefix is ""), signing with the credentials of a configured target: `target` when it
// still points at that bucket and endpoint, else the first target that does, else `target`
// whatever its bucket is now. nullptr when none of these is configured. Throws UsageError as
// s3_options does for the target chosen (e.g. it has no credentials).
std::unique_ptr<S3Client> make_s3_client_at(const config::Config& config, const std::string& target,
                                            const net::ObjectLocation& where, net::HttpClient& http,
                                            const std::map<std::string, std::string>& env);

// As make_s3_client, behind the ObjectStore interface (what pipelines use).
std::unique_ptr<net::ObjectStore> make_s3_store(const config::Config& config,
                                                const std::string& target, net::HttpClient& http,
                                                const std::map<std::string, std::string>& env);

}  // namespace ferry::s3
