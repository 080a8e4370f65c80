// A table reply as the exporter sorts it (internal to src/mindtrails/).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ferry/mindtrails/rows.h"
#include "ferry/mindtrails/table_export.h"

namespace ferry::mindtrails {

struct TableExporter::Reply {
  std::string body;
  std::vector<Row> fresh;        // id above the benchmark, by id, each id once (a snapshot:
                                 // every row, in reply order)
  std::vector<int64_t> old_ids;  // at or below it: exported earlier, still on the server
  int64_t without_id = 0;
  int64_t repeated = 0;
};

}  // namespace ferry::mindtrails
