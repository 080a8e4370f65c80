// An HttpClient that may be called from several threads at once, over clients that may not
// (one libcurl handle each).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "ferry/net/http.h"

namespace ferry::net {

class HttpClientPool : public HttpClient {
 public:
  using Factory = std::function<std::unique_ptr<HttpClient>()>;
  // `make` is called (under the pool's lock) whenever a send() finds no idle client.
  explicit HttpClientPool(Factory make) : make_(std::move(make)) {}

  // Borrows an idle client (making one when none is idle), sends through it and gives it back,
  // also when it throws. Concurrent calls never share a client; one thread at a time always
  // reuses the same client (and its connections). Exceptions of `make` and of the client pass
  // through.
  HttpResponse send(const HttpRequest& request) override;

  // Clients made so far: the highest number of concurrent calls seen.
  size_t size() const;

 private:
  Factory make_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<HttpClient>> idle_;
  size_t made_ = 0;
};

}  // namespace ferry::net
