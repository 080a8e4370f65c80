// Test doubles for HttpClient: a scripted fake, and a fault injector that wraps a real client.
#pragma once

#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "ferry/net/http.h"

namespace ferry::net {

// Answers each request with a handler's response and records every request. A request's
// on_body sees a 2xx answer's body: the file at response_file when there is one (the handler
// writes it), else HttpResponse::body. send() may be
// called from several threads at once (the handler then must be thread-safe too; it runs
// outside the fake's lock); read requests() once no call is in progress.
//
// A request with on_body gets a 2xx body the way libcurl hands it over: on_body_start, then
// the body in pieces (three by default, see set_body_piece), and HttpResponse::body empty
// (a response_file keeps its bytes: the hook only watches); on_body returning false makes the
// answer TransportError::kAborted. A request body's watcher sees the whole body (watch_start,
// then three pieces) before the handler answers, as if it had been sent.
class FakeHttpClient : public HttpClient {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;
  explicit FakeHttpClient(Handler handler) : handler_(std::move(handler)) {}
  // Answers the queued responses in order, then 404s.
  explicit FakeHttpClient(std::deque<HttpResponse> script);

  HttpResponse send(const HttpRequest& request) override;
  const std::vector<HttpRequest>& requests() const { return requests_; }
  // Pieces of `bytes` bytes for on_body (the last may be shorter); 0 = three about equal
  // pieces. Set before any send().
  void set_body_piece(size_t bytes) { piece_ = bytes; }

  static HttpResponse respond(int status, std::string body = "", Headers headers = {});
  static HttpResponse fail(TransportError error, std::string message = "injected");

 private:
  Handler handler_;
  std::deque<HttpResponse> script_;
  std::vector<HttpRequest> requests_;
  size_t piece_ = 0;
  std::mutex mu_;  // guards script_ and requests_
};

// What a transport does with `response` for a request with on_body (nothing without one):
// calls on_body_start, then hands a 2xx body (the response_file's bytes when the request has
// one) to on_body in pieces of `piece` bytes (0 = three about equal pieces) and empties the
// in-memory body; on_body returning false makes it TransportError::kAborted.
HttpResponse deliver_body(const HttpRequest& request, HttpResponse response, size_t piece = 0);

// Wraps a client and replaces chosen calls (1-based call numbers) with injected failures:
// a status (429, 503, ...) or a transport error (timeout). Other calls pass through.
class FaultInjectingHttpClient : public HttpClient {
 public:
  explicit FaultInjectingHttpClient(HttpClient& inner) : inner_(inner) {}
  void fail_call(int call_number, HttpResponse injected);
  // Fails every call whose URL contains `needle` (e.g. to make one host unreachable).
  void fail_matching(std::string needle, HttpResponse injected);
  HttpResponse send(const HttpRequest& request) override;
  int calls() const { return calls_; }

 private:
  HttpClient& inner_;
  int calls_ = 0;
  std::vector<std::pair<int, HttpResponse>> by_number_;
  std::vector<std::pair<std::string, HttpResponse>> by_url_;
};

}  // namespace ferry::net
