#include "cli/signals.h"

#include <signal.h>

#include "ferry/base/interrupt.h"

namespace ferry::cli {
namespace {

void on_stop_signal(int sig) {
  request_stop(sig);
  if (stop_requests() >= 3) {
    ::signal(sig, SIG_DFL);
    ::raise(sig);
  }
}

}  // namespace

void install_stop_handlers(std::chrono::milliseconds grace) {
  set_stop_grace(grace);
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
}

int end_if_stopped(int exit_code) {
  const int sig = stop_signal();
  if (sig <= 0) return exit_code;
  ::signal(sig, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  ::sigprocmask(SIG_UNBLOCK, &set, nullptr);
  ::raise(sig);
  return 128 + sig;  // not reached: the default action of SIGTERM and SIGINT ends the process
}

}  // namespace ferry::cli
