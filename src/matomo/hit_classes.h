// Internal to hit building: what import_logs.py's check_* methods find out about one line.
#pragma once

#include "ferry/matomo/hits.h"

namespace ferry::matomo::detail {

struct LineFlags {
  bool error = false;      // status 4xx or 5xx
  bool redirect = false;   // status 3xx but 304
  bool is_static = false;  // static extension, or the file robots.txt
  bool download = false;   // download extension
  bool bot = false;        // a bot marker in the user agent
};

LineFlags line_flags(const LogLine& line);
// The one class a summary counts the line under (error, redirect, static, download, page).
HitClass class_of(const LineFlags& f);

}  // namespace ferry::matomo::detail
