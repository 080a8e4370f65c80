// What the wenet pipeline adds to the operator's views (core::Pipeline::status_sections and
// metrics): read from its own tables only, never the network. Throws sql::Error.
#pragma once

#include <vector>

#include "ferry/base/time.h"
#include "ferry/core/ops.h"
#include "ferry/state/store.h"

namespace ferry::wenet {

std::vector<core::StatusSection> status_sections(state::Store& store, TimePoint now);
std::vector<core::MetricFamily> metrics(state::Store& store, TimePoint now);

}  // namespace ferry::wenet
