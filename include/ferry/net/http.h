// HTTP behind a narrow interface. Pipelines and the S3 client talk to HttpClient only; the
// libcurl implementation, the retrying decorator, the fake and the fault injector all
// implement it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::net {

using Headers = std::vector<std::pair<std::string, std::string>>;

// The request body: in-memory bytes, or a byte range of a file streamed from disk.
struct RequestBody {
  std::string data;                // sent when `file` is empty
  std::string file;                // stream from this file when set
  uint64_t offset = 0;             // first byte of `file` to send
  std::optional<uint64_t> length;  // bytes of `file` to send; to the end when unset
  // When set, sees the body's bytes as they go out: every try of the exchange (RetryingHttpClient
  // tries again from the first byte) first calls watch_start when set, then watch with each
  // piece handed to the transport, in order, on the sending thread. A try the server answers
  // early may not show every byte. Neither may throw.
  std::function<void()> watch_start = {};
  std::function<void(std::string_view piece)> watch = {};
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  Headers headers;
  RequestBody body;
  // When set, a 2xx response body is streamed to this path (truncated first) and not kept in
  // memory; error bodies still go to HttpResponse::body so they can be reported.
  std::string response_file;
  // When set, a 2xx response body is handed to on_body piece by piece as it arrives (each
  // piece the transport delivers, in order, on the sending thread). With response_file set it
  // only watches (a download's MD5): each piece goes to the file first. Without it, it consumes:
  // the body is not kept in HttpResponse::body. Error bodies go to HttpResponse::body and are
  // not shown to it. Returning false stops the exchange: the response then has error
  // kAborted, which is never retried. An exception it throws ends the exchange and is thrown
  // again from send(). Every try of the exchange (RetryingHttpClient tries again) first calls
  // on_body_start when it is set, so the consumer can drop what an earlier try delivered.
  std::function<bool(std::string_view chunk)> on_body;
  std::function<void()> on_body_start;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds timeout{120'000};  // the whole exchange
  // Abort when fewer than 1 byte/s moves for this long (0 = off); guards streamed transfers
  // whose total time cannot be bounded in advance.
  std::chrono::milliseconds stall_timeout{0};
  // Attempts for RetryingHttpClient; 0 means its policy's default.
  int max_attempts = 0;
  // false: RetryingHttpClient returns a timeout at once instead of retrying it, for callers
  // with a better remedy (CAKE asks for a smaller window). Other transient failures still retry.
  bool retry_timeouts = true;
  // Called during transfers with (bytes done, bytes expected or 0); may be empty.
  std::function<void(uint64_t, uint64_t)> progress;
  // true: once work in progress must be abandoned after a stop request (must_abandon(),
  // base/interrupt.h) the exchange is not started or is cut, and answers kInterrupted.
  // false for clean-up calls that must go out during a stop (aborting a multipart upload).
  bool interruptible = true;
};

// kInterrupted: cut (or never started) because a stop was requested; not worth retrying, and
// not a failure of the server (Failure::interrupted). kAborted: HttpRequest::on_body refused
// the body; the consumer knows why, and it is not retried.
enum class TransportError {
  kNone,
  kTimeout,
  kConnect,
  kResolve,
  kSendRecv,
  kLocal,
  kOther,
  kInterrupted,
  kAborted
};

struct HttpResponse {
  int status = 0;  // 0 when the transport failed
  TransportError error = TransportError::kNone;
  std::string error_message;  // transport failure text
  Headers headers;            // names lower-cased
  std::string body;           // empty for a 2xx streamed to response_file or on_body
  uint64_t body_bytes = 0;    // bytes received, streamed or not
  int attempts = 1;           // set by RetryingHttpClient

  // First header with this lower-case name.
  std::optional<std::string> header(const std::string& lower_name) const;
  bool ok() const { return error == TransportError::kNone && status >= 200 && status < 300; }
  // Timeouts, connection failures, 429 and 5xx: worth trying again (never kInterrupted,
  // kAborted or kLocal).
  bool transient() const;
  bool interrupted() const { return error == TransportError::kInterrupted; }
  // One line for logs and job errors: `HTTP 502` or `timeout: Operation timed out ...`.
  std::string describe() const;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Performs the exchange. Network and HTTP failures are reported in the response, never
  // thrown. Throws OperationError(kPermanent) only for local problems (a body file that
  // cannot be read, a response file that cannot be written).
  virtual HttpResponse send(const HttpRequest& request) = 0;
};

// `scheme://host[:port]` of a URL, for messages; the URL as given if it has no scheme.
std::string url_origin(const std::string& url);
// Percent-encodes for a query value (RFC 3986 unreserved characters kept).
std::string url_encode(const std::string& s);

}  // namespace ferry::net
