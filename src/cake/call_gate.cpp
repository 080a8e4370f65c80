#include "ferry/cake/call_gate.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "ferry/base/interrupt.h"
#include "ferry/state/leases.h"

namespace ferry::cake {

SharedCallGate::SharedCallGate(state::Store& store, int64_t run_id, std::string resource, int limit,
                               const Clock& wall, std::chrono::milliseconds max_wait, Sleep sleep)
    : store_(store),
      run_id_(run_id),
      resource_(std::move(resource)),
      limit_(limit),
      wall_(wall),
      max_wait_(max_wait),
      sleep_(sleep ? std::move(sleep)
                   : Sleep([](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); })) {}

Status SharedCallGate::enter() {
  state::SlotStore slots(store_);
  std::chrono::milliseconds waited{0}, pause{50};
  while (true) {
    slot_ = slots.take(resource_, limit_, run_id_, wall_.now());
    if (slot_) return Status::ok();
    if (stop_requested())
      return Failure::interrupted("cake: " + stop_reason() + " while waiting for a call slot");
    if (waited >= max_wait_)
      return Failure::transient("cake: every one of the " + std::to_string(limit_) +
                                " call slot(s) of " + resource_ +
                                " (cake.max_concurrent_calls) stayed held by other hosts for " +
                                std::to_string(waited.count() / 1000) + " s");
    pause = std::min(pause, max_wait_ - waited);
    sleep_(pause);
    waited += pause;
    pause = std::min(pause * 2, std::chrono::milliseconds(1000));
  }
}

void SharedCallGate::leave() {
  if (!slot_) return;
  try {
    state::SlotStore(store_).give(resource_, *slot_, run_id_);
  } catch (const std::exception& e) {
    spdlog::warn("cake: call slot {} of {} stays held until this run ends: {}", *slot_, resource_,
                 e.what());
  }
  slot_.reset();
}

}  // namespace ferry::cake
