// A process-wide request to stop, made by a signal handler (SIGTERM, SIGINT; installed by the
// command line, never by the library) and read by the work in progress: no new unit of work
// starts once a stop is requested, and the unit in progress may go on for a grace period, after
// which (or at once on a second request) its HTTP transfers are cut and it is abandoned without
// committing (FailureKind::kInterrupted).
//
// request_stop() is async-signal-safe: it touches lock-free atomics and clock_gettime only.
// Everything here is safe to call from any thread.
#pragma once

#include <chrono>
#include <string>

namespace ferry {

// Records a request to stop, naming `signal` (a signal number; 0 for a request made in code).
// The first request starts the grace period and keeps its signal; a later one asks to abandon
// the work in progress at once. Async-signal-safe.
void request_stop(int signal) noexcept;

// True once a stop was requested: no new unit of work may start.
bool stop_requested() noexcept;

// The signal of the first request; 0 when there was none or it came from code.
int stop_signal() noexcept;

// How many requests were made (0 when none).
int stop_requests() noexcept;

// True when the work in progress must be abandoned now: a second request was made, or the grace
// period since the first one has passed. False while no stop is requested.
bool must_abandon() noexcept;

// How long the unit in progress may go on after the first request (default 5 s; 0: abandon at
// once). Set before the handlers are installed.
void set_stop_grace(std::chrono::milliseconds grace) noexcept;
std::chrono::milliseconds stop_grace() noexcept;

// "stopped by SIGTERM", "stopped by SIGINT", "stopped by signal N", or "stopped" for a request
// made in code; "" when no stop was requested.
std::string stop_reason();

// Forgets every request and restores the default grace (tests: a process never takes a stop
// back).
void reset_stop() noexcept;

}  // namespace ferry
