#include "ferry/s3/store.h"

#include <optional>

#include "ferry/base/error.h"
#include "ferry/base/text.h"
#include "ferry/config/config.h"
#include "ferry/s3/credentials.h"

namespace ferry::s3 {
namespace {

constexpr int64_t kMinPart = 5 * 1024 * 1024;           // S3's smallest part but the last
constexpr int64_t kMaxPart = 5LL * 1024 * 1024 * 1024;  // and its largest

std::chrono::milliseconds ms(std::chrono::seconds s) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(s);
}

std::string configured_names(const config::Config& config) {
  std::string names;
  for (const auto& n : config.names("s3")) names += (names.empty() ? "" : ", ") + n;
  return names.empty() ? "none" : names;
}

// `url` with its user info masked (`https://user:********@host`, `https://********@host`), or
// nullopt when it has none.
std::optional<std::string> mask_user_info(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return std::nullopt;
  size_t end = url.find_first_of("/?#", scheme + 3);
  size_t at = url.substr(0, end).rfind('@');
  if (at == std::string::npos || at < scheme) return std::nullopt;
  size_t colon = url.find(':', scheme + 3);
  size_t from = colon != std::string::npos && colon < at ? colon + 1 : scheme + 3;
  return url.substr(0, from) + "********" + url.substr(at);
}

// `scheme://host[:port][/path]` as requests use it, so equal endpoints compare equal; "" for
// one that cannot be parsed.
std::string normal_endpoint(const std::string& url) {
  try {
    Endpoint e = parse_endpoint(url);
    return e.scheme + "://" + e.host + e.base_path;
  } catch (const UsageError&) {
    return "";
  }
}

// Whether the configured target `name` points at `where`'s bucket and endpoint.
bool points_at(const config::Config& config, const std::string& name,
               const net::ObjectLocation& where, const std::map<std::string, std::string>& env) {
  const config::Section* s = config.named("s3", name);
  if (!s || s->str("bucket") != where.bucket) return false;
  std::string endpoint = s->str("endpoint");
  if (endpoint.empty()) {
    bool region_set = s->setting("region").origin != "default";
    endpoint =
        "https://s3." + resolve_region(region_set ? s->str("region") : "", env) + ".amazonaws.com";
  }
  std::string mine = normal_endpoint(endpoint);
  return !mine.empty() && mine == normal_endpoint(where.endpoint);
}

}  // namespace

void register_s3_config(config::ConfigSchema& schema) {
  schema.section("s3", config::SectionKind::kNamedTables)
      .add_string("endpoint", "", "S3 endpoint URL; empty means https://s3.<region>.amazonaws.com")
      .add_string("region", "us-east-1", "bucket region (SigV4 signs it); AWS_REGION when not set")
      .add_string("bucket", "", "bucket name (required)")
      .add_string("prefix", "", "folder inside the bucket that every key goes under")
      .add_bool(
          "path_style", false,
          "address buckets as endpoint/bucket (MinIO, Ceph, s3rver) instead of bucket.endpoint")
      .add_string("access_key_id", "",
                  "access key id; else AWS_ACCESS_KEY_ID or ~/.aws/credentials")
      .add_secret("secret_access_key", "secret access key (kept out of logs)")
      .add_secret("session_token", "session token for temporary credentials")
      .add_string("profile", "", "profile in ~/.aws/credentials; else AWS_PROFILE or default")
      .add_int("multipart_threshold", 100 * 1024 * 1024,
               "files larger than this many bytes are uploaded in parts", kMinPart, kMaxPart)
      .add_int("part_size", 8 * 1024 * 1024, "bytes per part of a multipart upload", kMinPart,
               kMaxPart)
      .add_int("parallel", 4, "parts of one multipart upload sent at once (about 1 MiB each)", 1,
               kMaxParallel)
      .add_bool("verify_etag", true,
                "check ETags against MD5s; false for buckets with SSE-KMS or SSE-C")
      .add_duration("connect_timeout", std::chrono::seconds(10), "TCP and TLS connect timeout")
      .add_duration("request_timeout", std::chrono::seconds(120),
                    "whole-request timeout for small requests (list, head, delete)")
      .add_duration("stall_timeout", std::chrono::seconds(60),
                    "a transfer that moves no data for this long fails (and is retried)");
}

std::vector<TargetProblem> check_s3_config(const config::Config& config) {
  std::vector<TargetProblem> out;
  for (const auto& name : config.names("s3")) {
    const config::Section* s = config.named("s3", name);
    if (s->str("bucket").empty())
      out.push_back({config::where_written(*s, config.file()), "[s3." + name + "] has no bucket"});
    const std::string& endpoint = s->str("endpoint");
    if (endpoint.empty()) continue;
    const std::string where = s->setting("endpoint").origin;
    const std::string table = "[s3." + name + "] endpoint";
    if (auto masked = mask_user_info(endpoint)) {
      out.push_back({where, table + " '" + *masked +
                                "' has user info; put the credentials in access_key_id and "
                                "secret_access_key (or a profile) instead"});
      continue;
    }
    try {
      parse_endpoint(endpoint);
    } catch (const UsageError& e) {
      out.push_back({where, table + ": " + e.what()});
    }
  }
  return out;
}

S3Options s3_options(const config::Config& config, const std::string& target,
                     const std::map<std::string, std::string>& env) {
  const config::Section* s = config.named("s3", target);
  if (!s)
    throw UsageError("S3 target '" + target + "' is not configured: add a [s3." + target +
                     "] table to " + (config.file().empty() ? "the config file" : config.file()) +
                     " (configured: " + configured_names(config) + ")");
  const std::string table = "[s3." + target + "]";
  S3Options o;
  o.bucket = s->str("bucket");
  if (o.bucket.empty()) throw UsageError(table + " has no bucket");
  const config::Setting& region = s->setting("region");
  o.region = resolve_region(region.origin == "default" ? "" : s->str("region"), env);
  o.endpoint = s->str("endpoint");
  o.prefix = s->str("prefix");
  o.path_style = s->boolean("path_style");
  o.multipart_threshold = static_cast<uint64_t>(s->integer("multipart_threshold"));
  o.part_size = static_cast<uint64_t>(s->integer("part_size"));
  o.parallel = static_cast<int>(s->integer("parallel"));
  o.verify_etag = s->boolean("verify_etag");
  o.connect_timeout = ms(s->duration("connect_timeout"));
  o.request_timeout = ms(s->duration("request_timeout"));
  o.stall_timeout = ms(s->duration("stall_timeout"));
  if (o.region.empty()) throw UsageError(table + " has an empty region");
  try {
    if (!o.endpoint.empty()) parse_endpoint(o.endpoint);
  } catch (const UsageError& e) {
    throw UsageError(table + ": " + e.what());
  }
  CredentialSettings cs{target, s->str("access_key_id"), s->str("secret_access_key"),
                        s->str("session_token"), s->str("profile")};
  o.credentials = resolve_credentials(cs, env).credentials;
  return o;
}

std::unique_ptr<S3Client> make_s3_client(const config::Config& config, const std::string& target,
                                         net::HttpClient& http,
                                         const std::map<std::string, std::string>& env) {
  return std::make_unique<S3Client>(http, s3_options(config, target, env));
}

std::unique_ptr<S3Client> make_s3_client_at(const config::Config& config, const std::string& target,
                                            const net::ObjectLocation& where, net::HttpClient& http,
                                            const std::map<std::string, std::string>& env) {
  std::string signer;
  if (points_at(config, target, where, env)) signer = target;
  for (const auto& name : config.names("s3"))
    if (signer.empty() && points_at(config, name, where, env)) signer = name;
  if (signer.empty() && config.named("s3", target)) signer = target;
  if (signer.empty()) return nullptr;
  S3Options o = s3_options(config, signer, env);
  o.endpoint = where.endpoint;
  o.region = where.region;
  o.bucket = where.bucket;
  o.prefix = "";
  return std::make_unique<S3Client>(http, std::move(o));
}

std::unique_ptr<net::ObjectStore> make_s3_store(const config::Config& config,
                                                const std::string& target, net::HttpClient& http,
                                                const std::map<std::string, std::string>& env) {
  return make_s3_client(config, target, http, env);
}

}  // namespace ferry::s3
