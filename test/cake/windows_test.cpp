#include "ferry/cake/windows.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <stdexcept>
#include <vector>

namespace ferry::cake {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;

const TimePoint kHour = *parse_iso8601("2016-01-10T05:00:00Z");

WindowPolicy policy(int64_t row_limit) {
  WindowPolicy p;
  p.max_window = Seconds(600);
  p.min_window = Seconds(60);
  p.row_limit = row_limit;
  p.fast_call = milliseconds(1000);
  p.grow_after = 2;
  return p;
}

Seconds length(const Window& w) {
  return std::chrono::duration_cast<Seconds>(w.end - w.start);
}

TEST(CakeWindows, SplitsDownToTheMinimumThenPages) {
  WindowPlanner plan(kHour, kHour + minutes(60), policy(100));
  EXPECT_EQ(length(plan.current()), Seconds(600));
  EXPECT_EQ(plan.report_rows(100, milliseconds(10)), Verdict::kDiscard);
  EXPECT_EQ(length(plan.current()), Seconds(300));
  EXPECT_EQ(plan.report_rows(100, milliseconds(10)), Verdict::kDiscard);
  EXPECT_EQ(length(plan.current()), Seconds(150));
  EXPECT_EQ(plan.report_rows(100, milliseconds(10)), Verdict::kDiscard);
  EXPECT_EQ(length(plan.current()), Seconds(75));
  EXPECT_EQ(plan.report_rows(100, milliseconds(10)), Verdict::kDiscard);
  Window w = plan.current();
  EXPECT_EQ(length(w), Seconds(60));
  EXPECT_FALSE(w.paging);
  EXPECT_EQ(plan.report_rows(100, milliseconds(10)), Verdict::kKeep);  // first page
  w = plan.current();
  EXPECT_TRUE(w.paging);
  EXPECT_EQ(w.start_at_row, 100);
  EXPECT_EQ(length(w), Seconds(60));
  EXPECT_EQ(plan.report_rows(100, milliseconds(10)), Verdict::kKeep);
  EXPECT_EQ(plan.current().start_at_row, 200);
  EXPECT_EQ(plan.report_rows(30, milliseconds(10)), Verdict::kKeep);  // last page
  EXPECT_EQ(plan.covered_until(), kHour + minutes(1));
  EXPECT_EQ(plan.current().start_at_row, 0);
  EXPECT_FALSE(plan.current().paging);
  EXPECT_EQ(plan.stats().splits, 4);
  EXPECT_EQ(plan.stats().pages, 2);
  EXPECT_EQ(plan.stats().windows, 1);
  EXPECT_EQ(plan.stats().calls, 7);
}

TEST(CakeWindows, GrowsBackAfterFastWindows) {
  WindowPlanner plan(kHour, kHour + minutes(60), policy(1000));
  plan.report_rows(1000, milliseconds(10));  // split to 5 min
  EXPECT_EQ(plan.window_size(), Seconds(300));
  plan.report_rows(10, milliseconds(10));
  EXPECT_EQ(plan.window_size(), Seconds(300));
  plan.report_rows(10, milliseconds(10));
  EXPECT_EQ(plan.window_size(), Seconds(600));
  plan.report_rows(10, milliseconds(10));
  plan.report_rows(10, milliseconds(10));
  EXPECT_EQ(plan.window_size(), Seconds(600));  // never above the maximum
}

TEST(CakeWindows, SlowOrHeavyWindowsDoNotGrow) {
  WindowPlanner plan(kHour, kHour + minutes(60), policy(1000));
  plan.report_rows(1000, milliseconds(10));
  plan.report_rows(10, milliseconds(5000));  // slow
  plan.report_rows(600, milliseconds(10));   // more than half the limit
  plan.report_rows(10, milliseconds(10));
  EXPECT_EQ(plan.window_size(), Seconds(300));
}

TEST(CakeWindows, TimeoutsSplitThenRetryTheSameWindow) {
  WindowPlanner plan(kHour, kHour + minutes(60), policy(0));
  plan.report_timeout();
  EXPECT_EQ(length(plan.current()), Seconds(300));
  plan.report_timeout();
  plan.report_timeout();
  plan.report_timeout();
  Window w = plan.current();
  EXPECT_EQ(length(w), Seconds(60));
  plan.report_timeout();
  EXPECT_EQ(plan.current().start, w.start);
  EXPECT_EQ(plan.current().end, w.end);
  EXPECT_EQ(plan.consecutive_timeouts(), 5);
  plan.report_rows(3, milliseconds(10));
  EXPECT_EQ(plan.consecutive_timeouts(), 0);
  EXPECT_EQ(plan.stats().timeouts, 5);
}

TEST(CakeWindows, RowCountBelowTotalMeansMore) {
  // A server that caps rows on its own: row_limit 0, but row_count says more exist.
  WindowPlanner plan(kHour, kHour + minutes(1), policy(0));
  EXPECT_EQ(plan.report_rows(500, milliseconds(10), 800), Verdict::kKeep);
  EXPECT_EQ(plan.current().start_at_row, 500);
  EXPECT_EQ(plan.report_rows(300, milliseconds(10), 800), Verdict::kKeep);
  EXPECT_TRUE(plan.done());
}

TEST(CakeWindows, LastWindowIsClippedToTheEnd) {
  WindowPlanner plan(kHour, kHour + Seconds(1000), policy(0));
  plan.report_rows(0, milliseconds(10));
  EXPECT_EQ(length(plan.current()), Seconds(400));
  plan.report_rows(0, milliseconds(10));
  EXPECT_TRUE(plan.done());
  EXPECT_EQ(plan.covered_until(), kHour + Seconds(1000));
}

TEST(CakeWindows, RejectsBadPolicies) {
  auto p = policy(10);
  EXPECT_THROW(WindowPlanner(kHour, kHour, p), std::logic_error);
  p.min_window = Seconds(0);
  EXPECT_THROW(WindowPlanner(kHour, kHour + minutes(1), p), std::logic_error);
  p = policy(10);
  p.max_window = Seconds(30);
  EXPECT_THROW(WindowPlanner(kHour, kHour + minutes(1), p), std::logic_error);
  p = policy(-1);
  EXPECT_THROW(WindowPlanner(kHour, kHour + minutes(1), p), std::logic_error);
}

// A fake CAKE: rows at given instants (sorted), sliced as the API slices them.
struct FakeReport {
  std::vector<TimePoint> rows;
  // Indexes of the rows a call returns.
  std::vector<size_t> call(const Window& w, int64_t& total) const {
    auto lo = std::lower_bound(rows.begin(), rows.end(), w.start) - rows.begin();
    auto hi = std::lower_bound(rows.begin(), rows.end(), w.end) - rows.begin();
    total = hi - lo;
    std::vector<size_t> out;
    for (auto i = lo + w.start_at_row; i < hi; ++i) {
      if (w.row_limit > 0 && static_cast<int64_t>(out.size()) >= w.row_limit) break;
      out.push_back(static_cast<size_t>(i));
    }
    return out;
  }
};

TEST(CakeWindows, RandomOutcomesCoverTheRangeExactlyOnce) {
  for (uint32_t seed = 1; seed <= 300; ++seed) {
    std::mt19937 rng(seed);
    Seconds span(600 + rng() % 7200);
    TimePoint start = kHour + milliseconds(rng() % 1000);
    TimePoint end = start + span;
    FakeReport cake;
    size_t n = rng() % 3000;
    for (size_t i = 0; i < n; ++i)
      cake.rows.push_back(start + milliseconds(rng() % (span.count() * 1000)));
    TimePoint burst = start + Seconds(rng() % span.count());  // a dense second
    for (int i = 0, m = static_cast<int>(rng() % 2500); i < m; ++i) cake.rows.push_back(burst);
    std::sort(cake.rows.begin(), cake.rows.end());

    WindowPolicy p = policy(seed % 4 == 0 ? 0 : 50 + rng() % 500);
    p.min_window = Seconds(1 + rng() % 120);
    p.max_window = p.min_window * static_cast<int>(1 + rng() % 20);
    p.grow_after = 1 + static_cast<int>(rng() % 3);
    WindowPlanner plan(start, end, p);
    std::vector<size_t> kept;
    TimePoint covered = start;
    int guard = 0;
    while (!plan.done()) {
      ASSERT_LT(++guard, 200000) << "seed " << seed;
      Window w = plan.current();
      ASSERT_EQ(w.start, covered) << "seed " << seed;
      ASSERT_GT(w.end, w.start);
      ASSERT_LE(w.end, end);
      ASSERT_LE(w.end - w.start, p.max_window);
      if (w.end < end) {
        ASSERT_GE(w.end - w.start, p.min_window);
      }
      if (rng() % 8 == 0) {
        plan.report_timeout();
        continue;
      }
      int64_t total = 0;
      auto rows = cake.call(w, total);
      bool tell_total = rng() % 2 == 0;
      Verdict v = plan.report_rows(static_cast<int64_t>(rows.size()), milliseconds(rng() % 2000),
                                   tell_total ? std::optional<int64_t>(total) : std::nullopt);
      if (v == Verdict::kKeep) kept.insert(kept.end(), rows.begin(), rows.end());
      ASSERT_GE(plan.covered_until(), covered);
      covered = plan.covered_until();
    }
    ASSERT_EQ(covered, end);
    std::vector<size_t> all(cake.rows.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = i;
    size_t first = 0;
    while (first < std::min(kept.size(), all.size()) && kept[first] == all[first]) ++first;
    ASSERT_EQ(kept, all) << "seed " << seed << ": " << kept.size() << " kept of " << all.size()
                         << ", first difference at " << first;  // every row once, in order
  }
}

}  // namespace
}  // namespace ferry::cake
