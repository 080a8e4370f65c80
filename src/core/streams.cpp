#include "ferry/core/streams.h"

namespace ferry::core {

StreamClaim::StreamClaim(Services& services, const std::string& name) {
  const int64_t run_id = services.store.lease_holder();
  if (!services.store.postgres() || run_id == 0) return;
  const std::string row = "stream:" + name;
  claim_.emplace(services.store, row, run_id, services.wall.now());
  if (claim_->held()) return;
  for (const auto& c : state::ClaimStore(services.store).held())
    if (c.name == row) holder_ = c.owner;
}

StreamClaim::~StreamClaim() = default;

}  // namespace ferry::core
