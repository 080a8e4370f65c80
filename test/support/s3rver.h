// A real S3 implementation on loopback for integration tests: s3rver (npm, pinned in
// test/package.json) in its own temp directory, on a free port, with one bucket, stopped
// (SIGKILL to its process group) on destruction. Credentials are S3RVER/S3RVER; address it
// path-style. s3rver does not check SigV4 signatures, but it refuses expired presigned URLs.
#pragma once

#include <memory>
#include <string>

#include "support/process.h"

namespace ferry::testing {

class S3rver {
 public:
  // Starts s3rver with `bucket` configured and waits (up to 20 s) until it listens. When node or
  // s3rver is not installed, nothing starts and skip_reason() says why (give it to
  // FERRY_REQUIRE: a skip, a failure under CI); when it does not come up, error() says so.
  explicit S3rver(const std::string& bucket = "b");
  ~S3rver();
  S3rver(const S3rver&) = delete;
  S3rver& operator=(const S3rver&) = delete;

  const std::string& skip_reason() const { return skip_; }
  const std::string& error() const { return error_; }
  bool ready() const { return skip_.empty() && error_.empty(); }

  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& bucket() const { return bucket_; }
  // The folder s3rver keeps its objects in.
  std::string data_dir() const;
  // A ferry `[s3.NAME]` table for this server, e.g. `[s3.reports]\nendpoint = …\n`.
  std::string config_table(const std::string& name, const std::string& prefix = "") const;

 private:
  std::string bucket_;
  std::string skip_, error_;
  int port_ = 0;
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<Child> child_;
};

// The first executable `name` on $PATH, or "".
std::string find_on_path(const std::string& name);

}  // namespace ferry::testing
