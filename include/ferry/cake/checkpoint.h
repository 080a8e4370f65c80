// The checkpoint of a cake-conversions job, stored as one line of JSON in jobs.checkpoint:
//   {"next":"2016-01-10T05:30:00Z","bytes":123456,"rows":789,"uploaded":false}
// `next`: everything before it is in the partial file; `bytes`: the file's durable size then
// (rows past it are cut off on resume); `rows`: data rows in those bytes; `uploaded`: the
// finished file is uploaded and recorded as the job's output.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ferry/base/time.h"

namespace ferry::cake {

struct ConversionCheckpoint {
  TimePoint next;
  uint64_t bytes = 0;
  int64_t rows = 0;
  bool uploaded = false;
};

std::string format_checkpoint(const ConversionCheckpoint& checkpoint);
// nullopt for text that is not such an object (a missing key, a bad time, negative numbers).
std::optional<ConversionCheckpoint> parse_conversion_checkpoint(const std::string& text);

}  // namespace ferry::cake
