#include "ferry/net/pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

namespace ferry::net {
namespace {

// Fails the test when two calls use one instance at once; throws for URL "throw".
class ExclusiveClient : public HttpClient {
 public:
  explicit ExclusiveClient(std::atomic<int>& overlaps) : overlaps_(overlaps) {}
  HttpResponse send(const HttpRequest& request) override {
    if (busy_.exchange(true)) ++overlaps_;
    std::this_thread::yield();
    busy_ = false;
    if (request.url == "throw") throw std::runtime_error("boom");
    HttpResponse r;
    r.status = 200;
    r.body = std::to_string(reinterpret_cast<uintptr_t>(this));
    return r;
  }

 private:
  std::atomic<int>& overlaps_;
  std::atomic<bool> busy_{false};
};

TEST(HttpClientPool, OneThreadReusesOneClient) {
  std::atomic<int> overlaps{0};
  HttpClientPool pool([&] { return std::make_unique<ExclusiveClient>(overlaps); });
  HttpRequest req;
  std::string first = pool.send(req).body;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(pool.send(req).body, first);
  EXPECT_EQ(pool.size(), 1u);
}

TEST(HttpClientPool, ClientComesBackWhenItThrows) {
  std::atomic<int> overlaps{0};
  HttpClientPool pool([&] { return std::make_unique<ExclusiveClient>(overlaps); });
  HttpRequest bad;
  bad.url = "throw";
  EXPECT_THROW(pool.send(bad), std::runtime_error);
  EXPECT_EQ(pool.send(HttpRequest{}).status, 200);
  EXPECT_EQ(pool.size(), 1u);
}

TEST(HttpClientPool, ConcurrentCallsNeverShareAClient) {
  std::atomic<int> overlaps{0};
  HttpClientPool pool([&] { return std::make_unique<ExclusiveClient>(overlaps); });
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 300; ++i)
        if (pool.send(HttpRequest{}).status == 200) ++ok;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8 * 300);
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_LE(pool.size(), 8u);
  EXPECT_GE(pool.size(), 1u);
}

}  // namespace
}  // namespace ferry::net
