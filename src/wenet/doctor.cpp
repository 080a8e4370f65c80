#include "ferry/wenet/doctor.h"

#include "ferry/base/clock.h"
#include "ferry/core/doctor.h"
#include "ferry/net/redact.h"
#include "ferry/wenet/client.h"
#include "ferry/wenet/settings.h"

namespace ferry::wenet {

std::vector<core::DoctorCheck> doctor_checks(const config::Config& config, net::HttpClient& http) {
  WenetSettings settings = read_settings(config);
  if (settings.instance.empty() && settings.apikey.empty() && settings.app_id.empty() &&
      !settings.daily)
    return {};
  std::vector<core::DoctorCheck> out;
  out.push_back(
      core::free_space_check("output folder", settings.output_dir, core::doctor_min_free(config)));
  out.back().name = "wenet: " + out.back().name;
  Status valid = check_settings(settings);  // normalizes instance
  core::DoctorCheck c;
  c.name = "wenet: API key accepted by " + net::redact_url(settings.instance) + " (app " +
           settings.app_id + ")";
  c.run = [valid, settings, &http]() -> std::string {
    if (!valid) return valid.failure().message;
    ClientOptions options;
    options.instance = settings.instance;
    options.apikey = settings.apikey;
    options.connect_timeout = settings.connect_timeout;
    options.timeout = settings.timeout;
    RealTimer timer;
    Client client(http, options, timer);
    auto details = client.app_details(settings.app_id);
    return details ? "" : details.failure().message;
  };
  out.push_back(std::move(c));
  return out;
}

}  // namespace ferry::wenet
