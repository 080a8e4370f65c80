// WeNet's lines of `ferry doctor`.
#pragma once

#include <vector>

#include "ferry/core/ops.h"
#include "ferry/net/http.h"

namespace ferry::config {
class Config;
}

namespace ferry::wenet {

// When WeNet is in use (instance, apikey or app_id set, or daily on; else no checks): free
// space in wenet.output_dir (a warning under [doctor] min_free), then the instance reachable
// and the API key accepted: one hub call for the details of wenet.app_id with the configured
// timeouts (401/403 point at wenet.apikey, 404 names the unknown app). `config` and `http` must
// outlive the checks.
std::vector<core::DoctorCheck> doctor_checks(const config::Config& config, net::HttpClient& http);

}  // namespace ferry::wenet
