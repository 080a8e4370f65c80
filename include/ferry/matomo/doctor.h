// Matomo's lines of `ferry doctor`.
#pragma once

#include <vector>

#include "ferry/core/ops.h"
#include "ferry/net/http.h"

namespace ferry::config {
class Config;
}

namespace ferry::matomo {

// When [matomo] enabled is true (else no checks): free space in matomo.work_dir (a warning
// under [doctor] min_free), then for each [[matomo.site]] the Matomo API reachable and the
// token accepted: one SitesManager.getSiteFromId call for its idsite with the configured
// timeouts (a refused token, an unknown site or no answer fail the line). Nothing is tracked.
// The S3 targets it reads and writes are the core's [s3.NAME] lines. `config` and `http` must
// outlive the checks.
std::vector<core::DoctorCheck> doctor_checks(const config::Config& config, net::HttpClient& http);

}  // namespace ferry::matomo
