#include <cstdio>

#include "ferry/matomo/archive.h"

namespace ferry::matomo {

namespace {

std::string two_digits(int n) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", n);
  return buf;
}

}  // namespace

const char* month_name(int month) {
  static const char* kNames[] = {"January",   "February", "March",    "April",
                                 "May",       "June",     "July",     "August",
                                 "September", "October",  "November", "December"};
  return kNames[month - 1];
}

std::string archive_key(const std::string& push_prefix, const std::string& site, const Date& day) {
  const std::string month = month_name(day.month);
  const std::string dd = two_digits(day.day);
  const std::string yyyy = std::to_string(day.year);
  return push_prefix + yyyy + "/" + month + "/" + dd + "/" + site + "-" + month + "-" + dd + "-" +
         yyyy + ".log.zip";
}

std::string member_name(const std::string& site, const Date& day, int64_t n) {
  return site + "-" + month_name(day.month) + "-" + two_digits(day.day) + "-" + std::to_string(n) +
         ".log";
}

}  // namespace ferry::matomo
