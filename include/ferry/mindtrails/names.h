// File names of the MindTrails pipeline, as users' tools expect them (protocols/mindtrails.md):
//   active_data/<name>_<DATE>.csv, then <name>_<DATE>.2.csv, .3, ... after a key-set change
//   raw_data/<name>_<DATE>_<TIME>.json, then <name>_<DATE>_<TIME>.2.json, ... when taken
//   recovered_data/<name>_recovered_<DATE>.csv and README_<name>_recovered_<DATE>.txt
// DATE is `%b_%d_%Y` (English month, e.g. Feb_01_2016) and TIME `%H_%M_%S`, both in local time
// of the run's clock. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <tuple>

#include "ferry/base/time.h"

namespace ferry::mindtrails {

// `Feb_01_2016` and `16_05_09` for `t` in the process's local time zone.
std::string file_date(TimePoint t);
std::string file_time(TimePoint t);

// `<table>_<date>.csv` for part 1, `<table>_<date>.<part>.csv` for later parts.
std::string csv_name(const std::string& table, const std::string& date, int part);
// The part number when `file_name` is a CSV of `table` on `date` (exact table name), else 0.
int csv_part(const std::string& file_name, const std::string& table, const std::string& date);

// `<table>_<date>_<time>.json` for seq 1, `<table>_<date>_<time>.<seq>.json` after.
std::string raw_name(const std::string& table, const std::string& date, const std::string& time,
                     int seq);

// When a raw backup was written, parsed from its name; orders raw files by time.
struct RawStamp {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, seq = 1;
  auto key() const { return std::make_tuple(year, month, day, hour, minute, second, seq); }
  bool operator<(const RawStamp& o) const { return key() < o.key(); }
};
// The stamp of `file_name` when it is a raw backup of exactly `table` (so `DD` never matches
// `DD_FU_Feb_01_2016_10_00_00.json`), else nullopt.
std::optional<RawStamp> parse_raw_name(const std::string& file_name, const std::string& table);

// `<table>_recovered_<date>.csv` (part 1) or `<table>_recovered_<date>.<part>.csv`.
std::string recovered_csv_name(const std::string& table, const std::string& date, int part);
// `README_<table>_recovered_<date>.txt`.
std::string recovered_readme_name(const std::string& table, const std::string& date);

}  // namespace ferry::mindtrails
