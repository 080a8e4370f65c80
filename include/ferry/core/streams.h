// Streams of a scheduled task (TaskKind::claims_streams): hosts sharing a PostgreSQL state work
// different streams of one task at once (two MindTrails servers), never one stream at once.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "ferry/core/registry.h"
#include "ferry/state/leases.h"

namespace ferry::core {

// A claim on stream `name` (a `claims` row `stream:NAME`) for the run working with `services`
// (the store's lease holder), taken on construction and given back on destruction. On SQLite
// (one host; the run lock is enough) and outside a run it is always held and touches no table.
class StreamClaim {
 public:
  // Throws what the state throws.
  StreamClaim(Services& services, const std::string& name);
  ~StreamClaim();
  StreamClaim(const StreamClaim&) = delete;
  StreamClaim& operator=(const StreamClaim&) = delete;

  bool held() const { return !claim_ || claim_->held(); }
  // When not held: who holds it ("HOST pid N"), or "" when that run has just let it go.
  const std::string& holder() const { return holder_; }

 private:
  std::optional<state::HeldClaim> claim_;
  std::string holder_;
};

}  // namespace ferry::core
