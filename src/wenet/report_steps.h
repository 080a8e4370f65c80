// One report run's state and steps (see ferry/wenet/report_run.h). Internal to src/wenet/:
// report_run.cpp drives it, report_steps.cpp writes each report.
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ferry/base/clock.h"
#include "ferry/wenet/apps_usage.h"
#include "ferry/wenet/client.h"
#include "ferry/wenet/report_run.h"
#include "ferry/wenet/reports.h"
#include "ferry/wenet/store.h"

namespace ferry::wenet {

class ReportFolder;

class ReportRun {
 public:
  ReportRun(core::Services& services, const WenetSettings& settings, const ReportRequest& request,
            RunTools tools);
  // The whole run; throws UsageError for bad input, OperationError for files and state.
  Result<ReportOutcome> run();

 private:
  // report_run.cpp
  void read_dumps();
  void delete_leftovers();
  Status write(ReportFolder& folder, Report r);
  Status write_report(std::ostream& out, Report r, int64_t* rows);
  void warn(std::vector<std::string>& warnings);

  // report_steps.cpp: each report, from what it needs (fetched once).
  Status analytics(std::ostream& out, int64_t* rows);
  Status questions(std::ostream& out, int64_t* rows);
  Status tasks(std::ostream& out, int64_t* rows);
  Status messages(std::ostream* out, int64_t* rows);  // out null: activity only
  Status users(std::ostream& out, int64_t* rows);
  Status id_email(std::ostream& out, int64_t* rows);
  Status apps_usage(std::ostream& out, int64_t* rows);

  Status load_tasks();
  Status load_transactions();
  Status load_profiles(const std::vector<std::string>& users);
  Result<std::set<std::string>> all_users(const std::string& app);
  ReportHeader header() const;
  TableFormat format() const;

  core::Services& services_;
  const WenetSettings& settings_;
  const ReportRequest& request_;
  TimeZone zone_;
  std::optional<Window> window_;
  RealTimer real_timer_;
  Client client_;
  WenetStore store_;
  ReportOutcome outcome_;
  std::vector<std::string> warnings_;

  std::optional<std::vector<nlohmann::json>> tasks_, transactions_;
  std::map<std::string, nlohmann::json> profiles_;
  std::optional<int64_t> total_messages_;  // from the analytics, when computed
  bool streamed_ = false;                  // messages read (activity_ filled)
  ActivityTracker activity_;
  std::vector<DumpRow> updates_, failures_;
};

}  // namespace ferry::wenet
