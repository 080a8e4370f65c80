// What a pipeline shows an operator beyond its jobs and marks, which the core reads on its own
// from the shared tables: extra sections of the status page, extra metric families, and the
// checks `ferry doctor` makes of what its runs depend on. Given through Pipeline (pipeline.h).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ferry::core {

// A titled table on the status page (and in `ferry status`). Cells are plain text: the
// renderer escapes them. A cell that is an http(s) URL is shown as a link.
struct StatusSection {
  std::string title;                           // "MindTrails servers"
  std::vector<std::string> columns;            // header cells
  std::vector<std::vector<std::string>> rows;  // each as many cells as columns
  std::string empty_note;                      // shown instead of an empty table
};

// One Prometheus metric family. `name` is snake_case with the `ferry_` prefix and its unit,
// counters end in `_total`; `type` is "counter" or "gauge". Label values are raw: the writer
// escapes them.
struct MetricSample {
  std::map<std::string, std::string> labels;
  double value = 0;
};
struct MetricFamily {
  std::string name;
  std::string help;
  std::string type;
  std::vector<MetricSample> samples;
};

// One line of `ferry doctor`. `run` checks one thing without changing anything anywhere (no
// upload, no mail sent, no delete, no state write) and returns "" when it is fine or one line
// saying what is wrong and why (`HTTP 403 AccessDenied: ...`). It may throw; the doctor turns
// an exception into a failed line with its message. Secrets never appear in the result.
struct DoctorCheck {
  std::string name;  // "cake: API key accepted by https://cake.example.com"
  std::function<std::string()> run;
  bool warning_only = false;  // a failure is shown as a warning and does not make the exit 1
};

}  // namespace ferry::core
