// Jobs whose units are independent (JobKind::independent_units): one unit at a time, claimed so
// that runs working on the same job at once never do the same unit.
#pragma once

#include <cstdint>
#include <functional>

#include "ferry/core/registry.h"
#include "ferry/state/jobs.h"

namespace ferry::core {

// One unit of `job`: claims the lowest unit that is neither done nor held by another live run
// (state::JobStore::claim_unit, for the store's lease holder) and runs `do_unit` on it, which
// records it through state::JobStore::commit_unit_of and returns kDone when that said every unit
// is done, else kMore (or kFailed, kWait). The claim is given back when do_unit does not record
// the unit, however it ends. Returns kDone when every unit was done already, kLeave when none is
// free (other runs hold the rest), else what do_unit returned. Throws what the state throws.
StepResult step_free_unit(Services& services, const state::Job& job, const state::UnitMap& map,
                          const std::function<StepResult(int64_t unit)>& do_unit);

}  // namespace ferry::core
