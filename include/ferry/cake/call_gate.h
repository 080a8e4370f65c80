// The CallGate of a state shared by several hosts (PostgreSQL): each CAKE call holds one of
// `cake.max_concurrent_calls` slots of the instance (state::SlotStore, resource
// `cake:ADMIN_URL`), so the hosts together never have more calls in flight to it.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "ferry/base/clock.h"
#include "ferry/cake/client.h"
#include "ferry/state/store.h"

namespace ferry::cake {

class SharedCallGate : public CallGate {
 public:
  using Sleep = std::function<void(std::chrono::milliseconds)>;
  // `store` and `wall` outlive the gate. enter() tries at once, then after 50 ms, the wait
  // doubling up to 1 s, for at most `max_wait` in all.
  SharedCallGate(state::Store& store, int64_t run_id, std::string resource, int limit,
                 const Clock& wall, std::chrono::milliseconds max_wait, Sleep sleep = {});
  // Ok once a slot is held. A transient failure naming the limit when none came free within
  // max_wait; interrupted when a stop was requested meanwhile. Throws the state's errors.
  Status enter() override;
  // Gives the slot back (a failure to is logged: the slot lapses with the run).
  void leave() override;

 private:
  state::Store& store_;
  int64_t run_id_;
  std::string resource_;
  int limit_;
  const Clock& wall_;
  std::chrono::milliseconds max_wait_;
  Sleep sleep_;
  std::optional<int> slot_;
};

}  // namespace ferry::cake
