#include "ferry/state/leases.h"

#include <spdlog/spdlog.h>

#include "ferry/sql/connection.h"
#include "ferry/sql/statement.h"

namespace ferry::state {

namespace {

// Whether the run holding a row of `table` (alias t) is live at the bound time: its row says
// `running` and its lease (if any) has not passed.
std::string holder_live(const std::string& table) {
  return "EXISTS (SELECT 1 FROM runs r WHERE r.id = " + table +
         ".run_id AND r.outcome = 'running' AND (r.lease_until IS NULL OR r.lease_until >= ?))";
}

}  // namespace

bool ClaimStore::claim(const std::string& name, int64_t run_id, TimePoint now) {
  sql::Statement q(store_.db(),
                   "INSERT INTO claims(name, run_id, claimed_at) VALUES (?, ?, ?) "
                   "ON CONFLICT(name) DO UPDATE SET run_id = excluded.run_id, "
                   "claimed_at = excluded.claimed_at WHERE claims.run_id = excluded.run_id OR "
                   "NOT " +
                       holder_live("claims"));
  const std::string t = format_iso8601(now);
  q.bind(1, name);
  q.bind(2, run_id);
  q.bind(3, t);
  q.bind(4, t);
  return q.run() == 1;
}

void ClaimStore::release(const std::string& name, int64_t run_id) {
  sql::Statement q(store_.db(), "DELETE FROM claims WHERE name = ? AND run_id = ?");
  q.bind(1, name);
  q.bind(2, run_id);
  q.run();
}

HeldClaim::HeldClaim(Store& store, std::string name, int64_t run_id, TimePoint now)
    : claims_(store), name_(std::move(name)), run_id_(run_id) {
  held_ = claims_.claim(name_, run_id_, now);
}

HeldClaim::~HeldClaim() {
  if (!held_) return;
  try {
    claims_.release(name_, run_id_);
  } catch (const std::exception& e) {
    spdlog::warn("{}: its claim stays until this run ends: {}", name_, e.what());
  }
}

std::vector<Claim> ClaimStore::held() {
  sql::Statement q(store_.db(),
                   "SELECT c.name, c.run_id, r.host, r.pid, c.claimed_at, "
                   "coalesce(r.lease_until, '') FROM claims c JOIN runs r ON r.id = c.run_id "
                   "WHERE r.outcome = 'running' ORDER BY c.name");
  std::vector<Claim> out;
  while (q.step()) {
    Claim c;
    c.name = q.column(0).text();
    c.run_id = q.column(1).int64();
    std::string host = q.column(2).text();
    c.owner = (host.empty() ? "" : host + " ") + "pid " + std::to_string(q.column(3).int64());
    c.claimed_at = q.column(4).text();
    c.lease_until = q.column(5).text();
    out.push_back(std::move(c));
  }
  return out;
}

std::optional<int> SlotStore::take(const std::string& resource, int limit, int64_t run_id,
                                   TimePoint now) {
  const std::string t = format_iso8601(now);
  for (int slot = 0; slot < limit; ++slot) {
    sql::Statement q(store_.db(),
                     "INSERT INTO call_slots(resource, slot, run_id, taken_at) VALUES (?, ?, ?, ?) "
                     "ON CONFLICT(resource, slot) DO UPDATE SET run_id = excluded.run_id, "
                     "taken_at = excluded.taken_at WHERE NOT " +
                         holder_live("call_slots"));
    q.bind(1, resource);
    q.bind(2, slot);
    q.bind(3, run_id);
    q.bind(4, t);
    q.bind(5, t);
    if (q.run() == 1) return slot;
  }
  return std::nullopt;
}

void SlotStore::give(const std::string& resource, int slot, int64_t run_id) {
  sql::Statement q(store_.db(),
                   "DELETE FROM call_slots WHERE resource = ? AND slot = ? AND run_id = ?");
  q.bind(1, resource);
  q.bind(2, slot);
  q.bind(3, run_id);
  q.run();
}

int SlotStore::in_use(const std::string& resource) {
  sql::Statement q(store_.db(),
                   "SELECT count(*) FROM call_slots c JOIN runs r ON r.id = c.run_id "
                   "WHERE c.resource = ? AND r.outcome = 'running'");
  q.bind(1, resource);
  return q.step() ? q.column(0).integer() : 0;
}

LeaseKeeper::LeaseKeeper(std::function<std::unique_ptr<sql::Connection>()> connect, int64_t run_id,
                         std::chrono::milliseconds length, std::function<TimePoint()> clock,
                         std::function<void(const std::string&)> lost)
    : connect_(std::move(connect)),
      run_id_(run_id),
      length_(length),
      clock_(std::move(clock)),
      lost_(std::move(lost)) {
  thread_ = std::thread([this] { loop(); });
}

LeaseKeeper::~LeaseKeeper() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

int LeaseKeeper::renewals() const {
  std::lock_guard<std::mutex> lock(mu_);
  return renewals_;
}

bool LeaseKeeper::renew() {
  if (!db_) db_ = connect_();
  sql::Statement q(*db_, "UPDATE runs SET lease_until = ? WHERE id = ? AND outcome = 'running'");
  q.bind(1, format_iso8601(clock_() + length_));
  q.bind(2, run_id_);
  return q.run() == 1;
}

void LeaseKeeper::loop() {
  const auto period = length_ / 3;
  std::unique_lock<std::mutex> lock(mu_);
  while (!wake_.wait_for(lock, period, [this] { return stopping_; })) {
    lock.unlock();
    bool ours = true, renewed = false;
    try {
      ours = renewed = renew();
    } catch (const std::exception& e) {
      spdlog::warn("run {}: its lease could not be renewed: {}; trying again in {} ms", run_id_,
                   e.what(), period.count());
    }
    lock.lock();
    if (ours) {
      renewals_ += renewed ? 1 : 0;
      continue;
    }
    if (!stopping_)
      lost_("run " + std::to_string(run_id_) +
            " lost its lease: another host took it for dead (its lease had run out)");
    return;
  }
}

}  // namespace ferry::state
