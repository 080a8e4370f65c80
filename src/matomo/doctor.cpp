#include "ferry/matomo/doctor.h"

#include "ferry/core/doctor.h"
#include "ferry/matomo/client.h"
#include "ferry/matomo/settings.h"
#include "ferry/net/redact.h"

namespace ferry::matomo {

std::vector<core::DoctorCheck> doctor_checks(const config::Config& config, net::HttpClient& http) {
  MatomoSettings settings = read_settings(config);
  if (!settings.enabled) return {};
  std::vector<core::DoctorCheck> out;
  out.push_back(
      core::free_space_check("work folder", settings.work_dir, core::doctor_min_free(config)));
  out.back().name = "matomo: " + out.back().name;
  Status valid = check_settings(settings);  // normalizes url
  ClientOptions options{settings.url, settings.token_auth, settings.connect_timeout,
                        settings.timeout};
  for (const auto& site : settings.sites) {
    core::DoctorCheck c;
    c.name = "matomo: token accepted by " + net::redact_url(settings.url) + " for site " +
             site.name + " (idsite " + std::to_string(site.idsite) + ")";
    c.run = [valid, options, idsite = site.idsite, &http]() -> std::string {
      if (!valid) return valid.failure().message;
      Client client(http, options);
      auto url = client.main_url(idsite);
      return url ? "" : url.failure().message;
    };
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace ferry::matomo
