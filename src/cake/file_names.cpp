#include "ferry/cake/file_names.h"

#include <cstdio>

namespace ferry::cake {
namespace {

std::string ddmmyyyy(const Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d%02d%04d", d.day, d.month, d.year);
  return buf;
}

// `HHMM` of `t`'s UTC clock.
std::string hhmm(TimePoint t) {
  int64_t s = std::chrono::duration_cast<Seconds>(t.time_since_epoch()).count();
  int64_t sod = ((s % 86400) + 86400) % 86400;
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d%02d", static_cast<int>(sod / 3600),
                static_cast<int>(sod / 60 % 60));
  return buf;
}

}  // namespace

std::string click_file_name(TimePoint hour_start) {
  return "ClickReport_" + ddmmyyyy(utc_date(hour_start)) + "_" + hhmm(hour_start) + "_" +
         hhmm(hour_start + std::chrono::hours(1)) + ".csv";
}

std::string conversion_job_id(const Date& from, const Date& to) {
  return "report_" + ddmmyyyy(from) + "_" + ddmmyyyy(to);
}

std::string conversion_file_name(const Date& from, const Date& to) {
  return conversion_job_id(from, to) + ".csv";
}

}  // namespace ferry::cake
