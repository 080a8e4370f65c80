#include "ferry/net/fake_http.h"

#include <algorithm>
#include <fstream>
#include <iterator>

namespace ferry::net {

FakeHttpClient::FakeHttpClient(std::deque<HttpResponse> script) : script_(std::move(script)) {}

namespace {

// Shows a 2xx answer's body to the request's on_body as a real client would: the response file
// when the handler wrote one, else the body, in chunks.
void show_body(const HttpRequest& request, const HttpResponse& r) {
  if (!request.on_body) return;
  request.on_body(nullptr, 0);
  if (!r.ok()) return;
  std::string body = r.body;
  if (!request.response_file.empty()) {
    std::ifstream in(request.response_file, std::ios::binary);
    body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  constexpr size_t kChunk = 64 * 1024;
  for (size_t at = 0; at < body.size(); at += kChunk)
    request.on_body(body.data() + at, std::min(kChunk, body.size() - at));
}

}  // namespace

HttpResponse FakeHttpClient::send(const HttpRequest& request) {
  std::unique_lock<std::mutex> lock(mu_);
  requests_.push_back(request);
  HttpResponse r;
  if (handler_) {
    lock.unlock();
    r = handler_(request);
  } else if (script_.empty()) {
    r = respond(404, "fake: no scripted response left");
  } else {
    r = script_.front();
    script_.pop_front();
  }
  if (lock.owns_lock()) lock.unlock();
  show_body(request, r);
  return r;
}

HttpResponse FakeHttpClient::respond(int status, std::string body, Headers headers) {
  HttpResponse r;
  r.status = status;
  r.body_bytes = body.size();
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

HttpResponse FakeHttpClient::fail(TransportError error, std::string message) {
  HttpResponse r;
  r.error = error;
  r.error_message = std::move(message);
  return r;
}

void FaultInjectingHttpClient::fail_call(int call_number, HttpResponse injected) {
  by_number_.emplace_back(call_number, std::move(injected));
}

void FaultInjectingHttpClient::fail_matching(std::string needle, HttpResponse injected) {
  by_url_.emplace_back(std::move(needle), std::move(injected));
}

HttpResponse FaultInjectingHttpClient::send(const HttpRequest& request) {
  ++calls_;
  for (const auto& [n, r] : by_number_)
    if (n == calls_) return r;
  for (const auto& [needle, r] : by_url_)
    if (request.url.find(needle) != std::string::npos) return r;
  return inner_.send(request);
}

}  // namespace ferry::net
