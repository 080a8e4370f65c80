// Error vocabulary shared by every folder.
//
// Library exceptions are caught at the seam where ferry calls the library and rethrown
// (or returned) as one of these, with context. Inside pipelines, expected failures are
// values (Failure) that say whether trying again later may help.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace ferry {

// Process exit codes.
enum ExitCode : int {
  kExitOk = 0,          // all work went well (or another run held the lock)
  kExitWorkFailed = 1,  // some work failed; see the log and `ferry jobs`
  kExitUsage = 2,       // bad command line, bad config, bad arguments
};

// kTransient: may pass; counted against a job's attempts. kPermanent: will not pass.
// kInterrupted: the work was stopped from outside it (a signal, the run's time budget, a lock
// on the state held by another program) before its unit committed; it is taken up again later
// with no failure counted.
enum class FailureKind { kTransient, kPermanent, kInterrupted };

// An expected failure: what went wrong, in one human line, and whether it may pass.
struct Failure {
  FailureKind kind = FailureKind::kPermanent;
  std::string message;

  static Failure transient(std::string msg) { return {FailureKind::kTransient, std::move(msg)}; }
  static Failure permanent(std::string msg) { return {FailureKind::kPermanent, std::move(msg)}; }
  static Failure interrupted(std::string msg) {
    return {FailureKind::kInterrupted, std::move(msg)};
  }
  bool is_transient() const { return kind == FailureKind::kTransient; }
  bool is_interrupted() const { return kind == FailureKind::kInterrupted; }
  // The same failure with `context` put before its message: `cake: ` + message.
  Failure with_context(const std::string& context) const { return {kind, context + message}; }
};

// The outcome of an operation that returns nothing: ok, or a Failure. Check before use.
class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  Status(Failure failure) : failure_(std::move(failure)) {}
  static Status ok() { return Status(); }

  bool is_ok() const { return !failure_.has_value(); }
  explicit operator bool() const { return is_ok(); }
  // Precondition: !is_ok().
  const Failure& failure() const { return *failure_; }

 private:
  std::optional<Failure> failure_;
};

// A value of type T, or the Failure that kept it from being made (LevelDB's Status with a
// value; ccache's `expected`). T must not itself be Failure.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(Failure failure) : v_(std::in_place_index<1>, std::move(failure)) {}

  bool is_ok() const { return v_.index() == 0; }
  explicit operator bool() const { return is_ok(); }
  // Preconditions: is_ok() for the value accessors, !is_ok() for failure().
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Failure& failure() const { return std::get<1>(v_); }
  // The failure alone, for a caller that returns Status.
  Status status() const { return is_ok() ? Status() : Status(failure()); }

 private:
  std::variant<T, Failure> v_;
};

// Thrown for bad input from the operator: command line, config file, environment.
// The top-level handler prints what() and exits with kExitUsage.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown at a seam (HTTP, S3, state, files) when an operation failed; carries the kind so
// callers can decide to retry. what() already names the operation and the target.
class OperationError : public std::runtime_error {
 public:
  OperationError(FailureKind kind, const std::string& what)
      : std::runtime_error(what), kind_(kind) {}
  FailureKind kind() const { return kind_; }
  bool is_transient() const { return kind_ == FailureKind::kTransient; }
  Failure failure() const { return {kind_, what()}; }

 private:
  FailureKind kind_;
};

}  // namespace ferry
