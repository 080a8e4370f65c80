// SIGTERM and SIGINT for the commands that stop cleanly (`ferry run`, `ferry export`,
// `ferry s3 get|put`): the handler only records the request (base/interrupt.h); the work sees it.
#pragma once

#include <chrono>

namespace ferry::cli {

// Sets the grace period and installs handlers for SIGTERM and SIGINT that call request_stop().
// A third signal ends the process at once, as if no handler were installed.
void install_stop_handlers(std::chrono::milliseconds grace);

// Called last, after every file is closed and the logs are flushed: when a stop was requested,
// ends the process by the same signal with its default action (a shell sees 128+N, systemd a
// clean stop) and does not return; otherwise returns `exit_code`.
int end_if_stopped(int exit_code);

}  // namespace ferry::cli
