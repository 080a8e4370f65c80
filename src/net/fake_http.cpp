#include "ferry/net/fake_http.h"

#include <algorithm>
#include <fstream>
#include <iterator>

namespace ferry::net {

FakeHttpClient::FakeHttpClient(std::deque<HttpResponse> script) : script_(std::move(script)) {}

HttpResponse deliver_body(const HttpRequest& request, HttpResponse response, size_t piece) {
  if (!request.on_body) return response;
  if (request.on_body_start) request.on_body_start();
  if (!response.ok()) return response;
  std::string body;
  if (!request.response_file.empty()) {
    // A download the handler wrote to the file: the hook only watches, as over libcurl.
    std::ifstream in(request.response_file, std::ios::binary);
    body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } else {
    body = std::move(response.body);
    response.body.clear();
    response.body_bytes = body.size();
  }
  if (piece == 0) piece = std::max<size_t>(1, (body.size() + 2) / 3);
  for (size_t at = 0; at < body.size(); at += piece) {
    if (!request.on_body(std::string_view(body).substr(at, piece))) {
      response.status = 0;
      response.error = TransportError::kAborted;
      response.error_message = "the reader stopped the transfer";
      return response;
    }
  }
  return response;
}

namespace {

// Shows the request's body to its watcher as a transport sending it would (in three pieces).
void watch_body(const HttpRequest& request) {
  const RequestBody& b = request.body;
  if (b.watch_start) b.watch_start();
  if (!b.watch) return;
  std::string body = b.data;
  if (!b.file.empty()) {
    std::ifstream in(b.file, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(b.offset));
    body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (b.length && *b.length < body.size()) body.resize(static_cast<size_t>(*b.length));
  }
  const size_t piece = std::max<size_t>(1, (body.size() + 2) / 3);
  for (size_t at = 0; at < body.size(); at += piece)
    b.watch(std::string_view(body).substr(at, piece));
}

}  // namespace

HttpResponse FakeHttpClient::send(const HttpRequest& request) {
  watch_body(request);
  std::unique_lock<std::mutex> lock(mu_);
  requests_.push_back(request);
  const size_t piece = piece_;
  if (handler_) {
    lock.unlock();
    return deliver_body(request, handler_(request), piece);
  }
  HttpResponse r = respond(404, "fake: no scripted response left");
  if (!script_.empty()) {
    r = std::move(script_.front());
    script_.pop_front();
  }
  lock.unlock();
  return deliver_body(request, std::move(r), piece);
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
    if (n == calls_) return deliver_body(request, r);
  for (const auto& [needle, r] : by_url_)
    if (request.url.find(needle) != std::string::npos) return deliver_body(request, r);
  return inner_.send(request);
}

}  // namespace ferry::net
