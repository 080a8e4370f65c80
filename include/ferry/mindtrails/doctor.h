// MindTrails' lines of `ferry doctor`.
#pragma once

#include <vector>

#include "ferry/core/ops.h"
#include "ferry/net/http.h"

namespace ferry::config {
class Config;
}

namespace ferry::mindtrails {

// For each configured `[[mindtrails.server]]` (none when [mindtrails] enabled is false): free
// space in its data_dir (a warning under [doctor] min_free), then its login and table list:
// one GET of the export API with the server's timeouts, ok when it answers the table list
// (`HTTP 401 ...` and the hint for a refused login otherwise). `config` and `http` must
// outlive the checks.
std::vector<core::DoctorCheck> doctor_checks(const config::Config& config, net::HttpClient& http);

}  // namespace ferry::mindtrails
