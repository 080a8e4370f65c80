// The MindTrails export API (protocols/mindtrails.md) over net::HttpClient: the table list,
// one table's rows above a benchmark, and deleting one row. HTTP Basic on every call; the
// configured timeouts on every call; retries come from the HttpClient given (the run's
// retrying client). Failures are values with one line saying what failed; the password never
// appears in them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ferry/base/error.h"
#include "ferry/mindtrails/settings.h"
#include "ferry/net/http.h"

namespace ferry::mindtrails {

struct TableInfo {
  std::string name;
  bool deleteable = false;
  int64_t size = 0;  // rows on the server at list time (exported or not)
};

enum class DeleteOutcome {
  kDeleted,      // 200
  kGone,         // 404: already gone (or unknown table)
  kForbidden,    // 403: the table must stay on the server
  kInterrupted,  // cut by a stop request: stays pending; a later run sends it again
  kFailed,       // anything else, after the client's retries
};

struct DeleteResult {
  DeleteOutcome outcome = DeleteOutcome::kFailed;
  std::string error;  // for kFailed (and the server's words for 403/404)
};

class ExportClient {
 public:
  // `http` must outlive the client.
  ExportClient(net::HttpClient& http, const ServerSettings& server);

  // GET /api/export. A reply that is not an array of {name, deleteable, size} is a permanent
  // failure; a failed call is classified by toolkit::classify.
  Result<std::vector<TableInfo>> list_tables();
  // GET /api/export/{name}?greaterThan=N (N = 0 asks for every row): the reply body, or
  // nullopt when the server does not know the table (404).
  Result<std::optional<std::string>> fetch(const std::string& table, int64_t greater_than);
  // DELETE /api/export/{name}/{id}.
  DeleteResult remove(const std::string& table, int64_t id);

  // `https://host/api/export/SUDS` for messages (credentials removed).
  std::string url_for(const std::string& path) const;

 private:
  net::HttpRequest request(const std::string& method, const std::string& url) const;
  // The failure of a call that did not answer 2xx, with a hint for 401 and 403.
  Failure failure(const std::string& call, const net::HttpResponse& r) const;

  net::HttpClient& http_;
  const ServerSettings& server_;
  std::string auth_;
};

}  // namespace ferry::mindtrails
