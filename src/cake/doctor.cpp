#include "ferry/cake/doctor.h"

#include "ferry/base/clock.h"
#include "ferry/cake/client.h"
#include "ferry/cake/responses.h"
#include "ferry/cake/settings.h"
#include "ferry/core/doctor.h"
#include "ferry/net/redact.h"

namespace ferry::cake {

std::vector<core::DoctorCheck> doctor_checks(const config::Config& config, net::HttpClient& http) {
  CakeSettings settings = read_settings(config);
  if (settings.admin_url.empty() && !settings.daily) return {};
  std::vector<core::DoctorCheck> out;
  out.push_back(
      core::free_space_check("output folder", settings.output_dir, core::doctor_min_free(config)));
  out.back().name = "cake: " + out.back().name;
  Status valid = check_settings(settings);  // normalizes admin_url
  core::DoctorCheck key;
  key.name = "cake: API key accepted by " + net::redact_url(settings.admin_url);
  key.run = [settings, valid, &http]() -> std::string {
    if (!valid) return valid.failure().message;
    RealTimer timer;
    CakeClient client(http, settings, timer);
    CakeReply reply = client.currencies();
    if (reply.failure) return reply.failure->message;
    CurrenciesResult parsed = parse_currencies(reply.body);
    if (parsed.failure) return parsed.failure->message + " (" + client.currencies_call() + ")";
    return "";
  };
  out.push_back(std::move(key));
  return out;
}

}  // namespace ferry::cake
