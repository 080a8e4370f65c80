// Leases, for several hosts running ticks on one PostgreSQL state. A run holds a lease
// (runs.lease_until) that a LeaseKeeper renews while the run works; what the run holds (its
// running jobs through jobs.run_id, its scheduled tasks through `claims` rows) is held only
// while its run is live: `running`, with a lease that has not passed. A host that stops
// renewing (killed, frozen, cut off) is taken for dead once its lease passes, and what it held
// is taken over by the next run of another host (RunStore::mark_crashed, JobStore::adopt,
// ClaimStore::claim). On SQLite the run lock is the only one needed: one host runs ticks.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ferry/base/time.h"
#include "ferry/state/store.h"

namespace ferry {
namespace sql {
class Connection;
}
namespace state {

// A claim on a stream of scheduled work (`task:NAME` for a whole task, `stream:NAME` for one
// stream of a task, such as a MindTrails server), held by a run.
struct Claim {
  std::string name;
  int64_t run_id = 0;
  std::string owner;        // "HOST pid N" of the run holding it
  std::string claimed_at;   // ISO-8601 UTC
  std::string lease_until;  // the holder's lease ('' on SQLite)
};

class ClaimStore {
 public:
  explicit ClaimStore(Store& store) : store_(store) {}
  // Claims `name` for run `run_id`: true when no run held it, this run already does, or its
  // holder is no longer live at `now` (ended, marked crashed, or its lease passed). One
  // statement, so two hosts claiming at once never both get it.
  bool claim(const std::string& name, int64_t run_id, TimePoint now);
  // Gives `name` up, when `run_id` holds it.
  void release(const std::string& name, int64_t run_id);
  // Claims held by runs still `running`, by name.
  std::vector<Claim> held();

 private:
  Store& store_;
};

// A claim taken for one run, given back when it goes out of scope however the work ends.
class HeldClaim {
 public:
  // Claims `name` for run `run_id` (ClaimStore::claim); held() says whether it got it. Throws
  // what the state throws.
  HeldClaim(Store& store, std::string name, int64_t run_id, TimePoint now);
  // Releases the claim when held; a failure is logged (the claim lapses with the run anyway).
  ~HeldClaim();
  HeldClaim(const HeldClaim&) = delete;
  HeldClaim& operator=(const HeldClaim&) = delete;
  bool held() const { return held_; }

 private:
  ClaimStore claims_;
  std::string name_;
  int64_t run_id_;
  bool held_;
};

// A counting lease: at most `limit` calls in flight to one `resource` (a CAKE instance) from
// every host on the state, each holding one numbered slot while its call runs. A slot held by a
// run that is no longer live (as for claims) is free again.
class SlotStore {
 public:
  explicit SlotStore(Store& store) : store_(store) {}
  // Takes a free slot among 0 .. limit - 1 for run `run_id`; nullopt when all are held by live
  // runs. Each attempt is one statement: two hosts never get the same slot.
  std::optional<int> take(const std::string& resource, int limit, int64_t run_id, TimePoint now);
  // Gives `slot` back, when `run_id` holds it.
  void give(const std::string& resource, int slot, int64_t run_id);
  // How many slots of `resource` live runs hold.
  int in_use(const std::string& resource);

 private:
  Store& store_;
};

// Renews run `run_id`'s lease from a thread of its own: every third of `length`, lease_until =
// clock() + length, as long as the run is still `running` (RunStore::begin set the first
// lease). Its connection is made by `connect` at the first renewal, so a run shorter than a
// third of the lease opens none. When another host marked the run crashed (its lease had
// passed), calls `lost` once (from the keeper's thread) and stops. A renewal that fails (a busy
// or unreachable database) is logged and tried again at the next period.
class LeaseKeeper {
 public:
  LeaseKeeper(std::function<std::unique_ptr<sql::Connection>()> connect, int64_t run_id,
              std::chrono::milliseconds length, std::function<TimePoint()> clock,
              std::function<void(const std::string&)> lost);
  // Stops the thread (not waiting for a period to end).
  ~LeaseKeeper();
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  // How many renewals succeeded so far.
  int renewals() const;

 private:
  void loop();
  // One renewal: true while the run is still ours.
  bool renew();
  std::function<std::unique_ptr<sql::Connection>()> connect_;
  std::unique_ptr<sql::Connection> db_;
  int64_t run_id_;
  std::chrono::milliseconds length_;
  std::function<TimePoint()> clock_;
  std::function<void(const std::string&)> lost_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  int renewals_ = 0;
  std::thread thread_;
};

}  // namespace state
}  // namespace ferry
