#include "ferry/core/units.h"

#include <spdlog/spdlog.h>

namespace ferry::core {
namespace {

// Gives a claim back when the unit was not recorded (a no-op once it was).
class ClaimedUnit {
 public:
  ClaimedUnit(state::Store& store, int64_t job_id, int64_t unit)
      : store_(store), job_id_(job_id), unit_(unit) {}
  ~ClaimedUnit() {
    try {
      state::JobStore(store_).release_unit(job_id_, unit_);
    } catch (const std::exception& e) {
      // It lapses with this run's lease (or its end) anyway.
      spdlog::warn("job {}: unit {} stays claimed until this run ends: {}", job_id_, unit_,
                   e.what());
    }
  }
  ClaimedUnit(const ClaimedUnit&) = delete;
  ClaimedUnit& operator=(const ClaimedUnit&) = delete;

 private:
  state::Store& store_;
  int64_t job_id_;
  int64_t unit_;
};

}  // namespace

StepResult step_free_unit(Services& services, const state::Job& job, const state::UnitMap& map,
                          const std::function<StepResult(int64_t unit)>& do_unit) {
  auto claim = state::JobStore(services.store).claim_unit(job.id, map, services.wall.now());
  switch (claim.result) {
    case state::UnitClaim::Result::kAllDone:
      return StepResult::done();
    case state::UnitClaim::Result::kNoneFree:
      return StepResult::leave();
    case state::UnitClaim::Result::kClaimed:
      break;
  }
  ClaimedUnit held(services.store, job.id, claim.unit);
  return do_unit(claim.unit);
}

}  // namespace ferry::core
