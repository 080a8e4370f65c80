// Error vocabulary shared by every folder.
//
// Library exceptions are caught at the seam where ferry calls the library and rethrown
// (or returned) as one of these, with context. Inside pipelines, expected failures are
// values (Failure) that say whether trying again later may help.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace ferry {

// Process exit codes.
enum ExitCode : int {
  kExitOk = 0,          // all work went well (or another run held the lock)
  kExitWorkFailed = 1,  // some work failed; see the log and `ferry jobs`
  kExitUsage = 2,       // bad command line, bad config, bad arguments
};

enum class FailureKind { kTransient, kPermanent };

// An expected failure: what went wrong, in one human line, and whether it may pass.
struct Failure {
  FailureKind kind = FailureKind::kPermanent;
  std::string message;

  static Failure transient(std::string msg) { return {FailureKind::kTransient, std::move(msg)}; }
  static Failure permanent(std::string msg) { return {FailureKind::kPermanent, std::move(msg)}; }
  bool is_transient() const { return kind == FailureKind::kTransient; }
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
