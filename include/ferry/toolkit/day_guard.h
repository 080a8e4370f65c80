// Once a day: something a pipeline does at most once per local day per stream (a full re-read
// of a table, a digest mail), remembered as a mark (`marks`: source, stream, the local date).
#pragma once

#include <string>

#include "ferry/base/time.h"

namespace ferry {
namespace state {
class Store;
}

namespace toolkit {

class DayGuard {
 public:
  // Marks live under `source` (e.g. `mindtrails:prod:digest`). `store` must outlive the guard.
  DayGuard(state::Store& store, std::string source);

  // Whether `stream` was marked on the local date `today`.
  bool done(const std::string& stream, const Date& today);
  // Marks `stream` as done on `today`; `now` is the mark's update time.
  void mark(const std::string& stream, const Date& today, TimePoint now);
  // done() and, when not, mark(): true for the first caller of the day.
  bool claim(const std::string& stream, const Date& today, TimePoint now);

 private:
  state::Store& store_;
  std::string source_;
};

}  // namespace toolkit
}  // namespace ferry
