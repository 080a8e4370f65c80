#include "ferry/net/fake_http.h"

namespace ferry::net {

FakeHttpClient::FakeHttpClient(std::deque<HttpResponse> script) : script_(std::move(script)) {}

HttpResponse FakeHttpClient::send(const HttpRequest& request) {
  std::unique_lock<std::mutex> lock(mu_);
  requests_.push_back(request);
  if (handler_) {
    lock.unlock();
    return handler_(request);
  }
  if (script_.empty()) return respond(404, "fake: no scripted response left");
  HttpResponse r = script_.front();
  script_.pop_front();
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
