#include "ferry/mindtrails/doctor.h"

#include <memory>

#include "ferry/core/doctor.h"
#include "ferry/mindtrails/client.h"
#include "ferry/mindtrails/settings.h"

namespace ferry::mindtrails {

std::vector<core::DoctorCheck> doctor_checks(const config::Config& config, net::HttpClient& http) {
  if (!pipeline_settings(config).enabled) return {};
  std::vector<core::DoctorCheck> out;
  uint64_t min_free = core::doctor_min_free(config);
  for (auto& s : server_settings(config)) {
    auto server = std::make_shared<const ServerSettings>(std::move(s));
    const std::string what = "mindtrails." + server->name + ": ";
    out.push_back(core::free_space_check("data folder", server->data_dir, min_free));
    out.back().name = what + out.back().name;
    core::DoctorCheck login;
    login.name = what + "login and table list at " + ExportClient(http, *server).url_for("");
    login.run = [server, &http]() -> std::string {
      ExportClient client(http, *server);
      auto tables = client.list_tables();
      return tables ? "" : tables.failure().message;
    };
    out.push_back(std::move(login));
  }
  return out;
}

}  // namespace ferry::mindtrails
