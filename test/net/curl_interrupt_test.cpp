// The libcurl client and a stop request: a call in progress is cut once the grace period has
// passed, no call starts after that, and clean-up calls still go out. Also the body hook
// (HttpRequest::on_body). The server is a thread of this test on a loopback socket.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "ferry/base/error.h"
#include "ferry/base/interrupt.h"
#include "ferry/net/curl_http.h"
#include "support/process.h"

namespace ferry::net {
namespace {

using namespace std::chrono_literals;

const char* const kNoContent = "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n";

// Accepts connections on 127.0.0.1; answers `reply` to each request when `answer`, else reads
// the request and never answers.
class LoopbackServer {
 public:
  explicit LoopbackServer(bool answer, std::string reply = kNoContent)
      : answer_(answer), reply_(std::move(reply)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), len) != 0 || ::listen(fd_, 4) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      throw std::runtime_error("cannot listen on 127.0.0.1");
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~LoopbackServer() {
    stopping_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/x"; }
  // Waits until a whole request was read (false after `timeout`).
  bool wait_request(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [this] { return requests_ > 0; });
  }
  int requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  void serve() {
    while (!stopping_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string got;
      char buf[4096];
      while (got.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::read(c, buf, sizeof buf);
        if (n <= 0) break;
        got.append(buf, static_cast<size_t>(n));
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++requests_;
      }
      cv_.notify_all();
      if (answer_) {
        for (size_t at = 0; at < reply_.size();) {
          // MSG_NOSIGNAL: a client that hung up mid-reply (on purpose, in some tests) is an
          // EPIPE here, not a SIGPIPE that ends the test process.
          ssize_t n = ::send(c, reply_.data() + at, reply_.size() - at, MSG_NOSIGNAL);
          if (n <= 0) break;
          at += static_cast<size_t>(n);
        }
      } else {
        while (::read(c, buf, sizeof buf) > 0) {  // hold it open until the client goes
        }
      }
      ::close(c);
    }
  }

  bool answer_;
  std::string reply_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  int requests_ = 0;
  std::thread thread_;
};

class CurlInterruptTest : public ::testing::Test {
 protected:
  void SetUp() override { reset_stop(); }
  void TearDown() override { reset_stop(); }
  static HttpRequest get(const std::string& url) {
    HttpRequest r;
    r.url = url;
    r.connect_timeout = 10s;
    r.timeout = 60s;
    return r;
  }
};

TEST_F(CurlInterruptTest, StopCutsAHangingCallAsInterrupted) {
  LoopbackServer server(false);
  set_stop_grace(0ms);
  auto http = make_curl_http_client();
  std::thread stopper([&server] {
    server.wait_request(10s);
    request_stop(SIGTERM);
  });
  HttpResponse r = http->send(get(server.url()));
  stopper.join();
  EXPECT_EQ(r.error, TransportError::kInterrupted) << r.describe();
  EXPECT_FALSE(r.transient());
  EXPECT_NE(r.describe().find("interrupted: stopped by SIGTERM"), std::string::npos)
      << r.describe();
}

TEST_F(CurlInterruptTest, NoCallStartsOnceWorkMustBeAbandoned) {
  LoopbackServer server(true);
  set_stop_grace(0ms);
  request_stop(SIGINT);
  auto http = make_curl_http_client();
  HttpResponse r = http->send(get(server.url()));
  EXPECT_EQ(r.error, TransportError::kInterrupted) << r.describe();
  EXPECT_EQ(server.requests(), 0);
}

TEST_F(CurlInterruptTest, CallsGoOutWithinTheGracePeriod) {
  LoopbackServer server(true);
  set_stop_grace(1h);
  request_stop(SIGTERM);
  auto http = make_curl_http_client();
  HttpResponse r = http->send(get(server.url()));
  EXPECT_EQ(r.status, 204) << r.describe();
}

TEST_F(CurlInterruptTest, CleanUpCallGoesOutAfterTheGracePeriod) {
  LoopbackServer server(true);
  set_stop_grace(0ms);
  request_stop(SIGTERM);
  request_stop(SIGTERM);
  auto http = make_curl_http_client();
  HttpRequest req = get(server.url());
  req.method = "DELETE";
  req.interruptible = false;
  HttpResponse r = http->send(req);
  EXPECT_EQ(r.status, 204) << r.describe();
  EXPECT_EQ(server.requests(), 1);
}

std::string reply(const std::string& status, const std::string& body) {
  return "HTTP/1.1 " + status + "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

TEST(CurlBody, TheHookSeesEachExchangeStartAndEvery2xxByteInOrder) {
  std::string body;
  for (int i = 0; body.size() < 3 * 1024 * 1024; ++i) body += std::to_string(i) + ",";
  ferry::testing::TempDir dir;
  auto http = make_curl_http_client();
  std::string seen;
  int starts = 0;
  HttpRequest req;
  req.response_file = dir / "out";
  req.on_body_start = [&] {
    ++starts;
    seen.clear();
  };
  req.on_body = [&](std::string_view piece) {
    seen.append(piece);
    return true;
  };
  {
    LoopbackServer server(true, reply("200 OK", body));
    req.url = server.url();
    HttpResponse r = http->send(req);
    ASSERT_EQ(r.status, 200) << r.describe();
    EXPECT_EQ(starts, 1);
    EXPECT_TRUE(seen == body);  // not EXPECT_EQ: 3 MiB in a failure message helps nobody
    EXPECT_TRUE(ferry::testing::read_file(req.response_file) == body);
    EXPECT_EQ(r.body_bytes, body.size());
  }
  // An error body is kept for the message and not shown to the hook.
  LoopbackServer server(true, reply("404 Not Found", "<Error>gone</Error>"));
  req.url = server.url();
  HttpResponse r = http->send(req);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "<Error>gone</Error>");
  EXPECT_EQ(starts, 2);
  EXPECT_TRUE(seen.empty());
}

// A body larger than the 1 MiB the client gathers before writing, into a file every write to
// which fails: the error names the file and the system's reason.
TEST(CurlBody, AFileThatCannotBeWrittenFailsNamingTheReason) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  LoopbackServer server(true, reply("200 OK", std::string(3 * 1024 * 1024 + 5, 'b')));
  auto http = make_curl_http_client();
  HttpRequest req;
  req.url = server.url();
  req.response_file = "/dev/full";
  try {
    http->send(req);
    FAIL() << "the download into /dev/full succeeded";
  } catch (const OperationError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot write /dev/full: No space left on device"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace ferry::net
