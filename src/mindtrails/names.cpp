#include "ferry/mindtrails/names.h"

#include <cctype>
#include <ctime>

namespace ferry::mindtrails {
namespace {

const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::tm local_tm(TimePoint t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  return tm;
}

std::string two(int n) {
  return (n < 10 ? "0" : "") + std::to_string(n);
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// Reads `width` digits at `pos` into `out`.
bool digits(const std::string& s, size_t pos, size_t width, int& out) {
  if (pos + width > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// A part or sequence number: digits only, no leading zero, at least 2.
int part_number(const std::string& text) {
  if (text.empty() || text.size() > 6 || text[0] == '0') return 0;
  int n = 0;
  if (!digits(text, 0, text.size(), n)) return 0;
  return n >= 2 ? n : 0;
}

std::string numbered(const std::string& stem, int n, const std::string& ext) {
  return n <= 1 ? stem + ext : stem + "." + std::to_string(n) + ext;
}

}  // namespace

std::string file_date(TimePoint t) {
  std::tm tm = local_tm(t);
  return std::string(kMonths[tm.tm_mon]) + "_" + two(tm.tm_mday) + "_" +
         std::to_string(tm.tm_year + 1900);
}

std::string file_time(TimePoint t) {
  std::tm tm = local_tm(t);
  return two(tm.tm_hour) + "_" + two(tm.tm_min) + "_" + two(tm.tm_sec);
}

std::string csv_name(const std::string& table, const std::string& date, int part) {
  return numbered(table + "_" + date, part, ".csv");
}

int csv_part(const std::string& file_name, const std::string& table, const std::string& date) {
  const std::string stem = table + "_" + date;
  if (file_name == stem + ".csv") return 1;
  if (file_name.compare(0, stem.size() + 1, stem + ".") != 0 || !ends_with(file_name, ".csv"))
    return 0;
  return part_number(file_name.substr(stem.size() + 1, file_name.size() - stem.size() - 5));
}

std::string raw_name(const std::string& table, const std::string& date, const std::string& time,
                     int seq) {
  return numbered(table + "_" + date + "_" + time, seq, ".json");
}

std::optional<RawStamp> parse_raw_name(const std::string& file_name, const std::string& table) {
  // <table>_Mon_DD_YYYY_HH_MM_SS[.N].json: the stamp is 20 characters after `<table>_`.
  const std::string prefix = table + "_";
  if (file_name.compare(0, prefix.size(), prefix) != 0 || !ends_with(file_name, ".json"))
    return std::nullopt;
  std::string rest = file_name.substr(prefix.size(), file_name.size() - prefix.size() - 5);
  if (rest.size() < 20) return std::nullopt;
  RawStamp st;
  if (rest.size() > 20 && (rest[20] != '.' || (st.seq = part_number(rest.substr(21))) == 0))
    return std::nullopt;
  st.month = 0;
  for (int m = 0; m < 12; ++m)
    if (rest.compare(0, 3, kMonths[m]) == 0) st.month = m + 1;
  for (size_t sep : {3, 6, 11, 14, 17})
    if (rest[sep] != '_') return std::nullopt;
  if (st.month == 0 || !digits(rest, 4, 2, st.day) || !digits(rest, 7, 4, st.year) ||
      !digits(rest, 12, 2, st.hour) || !digits(rest, 15, 2, st.minute) ||
      !digits(rest, 18, 2, st.second))
    return std::nullopt;
  return st;
}

std::string recovered_csv_name(const std::string& table, const std::string& date, int part) {
  return numbered(table + "_recovered_" + date, part, ".csv");
}

std::string recovered_readme_name(const std::string& table, const std::string& date) {
  return "README_" + table + "_recovered_" + date + ".txt";
}

}  // namespace ferry::mindtrails
