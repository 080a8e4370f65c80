#include "ferry/toolkit/day_guard.h"

#include "ferry/state/runs.h"

namespace ferry::toolkit {

DayGuard::DayGuard(state::Store& store, std::string source)
    : store_(store), source_(std::move(source)) {}

bool DayGuard::done(const std::string& stream, const Date& today) {
  return state::MarkStore(store_).get(source_, stream) == format_date(today);
}

void DayGuard::mark(const std::string& stream, const Date& today, TimePoint now) {
  state::MarkStore(store_).set(source_, stream, format_date(today), now);
}

bool DayGuard::claim(const std::string& stream, const Date& today, TimePoint now) {
  if (done(stream, today)) return false;
  mark(stream, today, now);
  return true;
}

}  // namespace ferry::toolkit
