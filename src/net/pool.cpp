#include "ferry/net/pool.h"

namespace ferry::net {

HttpResponse HttpClientPool::send(const HttpRequest& request) {
  std::unique_ptr<HttpClient> client;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      client = std::move(idle_.back());
      idle_.pop_back();
    } else {
      client = make_();
      ++made_;
    }
  }
  // Gives the client back however send() ends.
  struct Return {
    HttpClientPool* pool;
    std::unique_ptr<HttpClient>* client;
    ~Return() {
      std::lock_guard<std::mutex> lock(pool->mu_);
      pool->idle_.push_back(std::move(*client));
    }
  } give_back{this, &client};
  return client->send(request);
}

size_t HttpClientPool::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return made_;
}

}  // namespace ferry::net
