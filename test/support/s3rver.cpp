#include "support/s3rver.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace ferry::testing {

std::string find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  size_t pos = 0;
  while (pos <= dirs.size()) {
    size_t colon = dirs.find(':', pos);
    std::string dir =
        dirs.substr(pos, colon == std::string::npos ? std::string::npos : colon - pos);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string::npos) break;
    pos = colon + 1;
  }
  return "";
}

S3rver::S3rver(const std::string& bucket) : bucket_(bucket) {
  std::string node = find_on_path("node");
  std::string script = repo_root() + "/test/node_modules/s3rver/bin/s3rver.js";
  if (node.empty() || !file_exists(script)) {
    skip_ = "s3rver not installed (run `make deps`: npm install in test/)";
    return;
  }
  dir_ = std::make_unique<TempDir>();
  std::filesystem::create_directories(data_dir());
  port_ = free_port();
  // s3rver makes ListObjectsV2 continuation tokens with DES, which OpenSSL 3 keeps in its
  // legacy provider: without this flag every truncated listing fails with HTTP 500.
  child_ = std::make_unique<Child>(
      std::vector<std::string>{node, "--openssl-legacy-provider", script, "-d", data_dir(), "-a",
                               "127.0.0.1", "-p", std::to_string(port_), "--configure-bucket",
                               bucket_, "-s"},
      std::map<std::string, std::string>{}, "", *dir_ / "s3rver.log");
  if (!wait_for_port(port_, std::chrono::seconds(20)))
    error_ = "s3rver did not listen on port " + std::to_string(port_) + " (see " +
             (*dir_ / "s3rver.log") + ")";
}

S3rver::~S3rver() {
  child_.reset();
  dir_.reset();
}

std::string S3rver::data_dir() const {
  return dir_ ? *dir_ / "data" : "";
}

std::string S3rver::config_table(const std::string& name, const std::string& prefix) const {
  return "[s3." + name + "]\nendpoint = \"" + endpoint() + "\"\nregion = \"us-east-1\"\n" +
         "bucket = \"" + bucket_ + "\"\nprefix = \"" + prefix + "\"\npath_style = true\n" +
         "access_key_id = \"S3RVER\"\nsecret_access_key = \"S3RVER\"\n";
}

}  // namespace ferry::testing
