// CAKE's lines of `ferry doctor`.
#pragma once

#include <vector>

#include "ferry/core/ops.h"
#include "ferry/net/http.h"

namespace ferry::config {
class Config;
}

namespace ferry::cake {

// When CAKE is in use (admin_url set or daily on; else no checks): free space in
// cake.output_dir (a warning under [doctor] min_free), then the API key accepted by CAKE: one
// Currencies call with cake.connect_timeout and cake.timeout, ok for a 2xx whose `d.success`
// is not false. A refused key says `HTTP 401 Invalid API Key` (or CAKE's message). Nothing is
// stored. `config` and `http` must outlive the checks.
std::vector<core::DoctorCheck> doctor_checks(const config::Config& config, net::HttpClient& http);

}  // namespace ferry::cake
