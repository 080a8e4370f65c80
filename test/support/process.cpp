#include "support/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/requirements.h"

namespace fs = std::filesystem;

namespace ferry::testing {
namespace {

// The exit code the Makefile's ASAN_OPTIONS and UBSAN_OPTIONS give a sanitizer report
// (`make test SANITIZE=1`); ferry itself never exits with it.
constexpr int kSanitizerExitCode = 86;

// Records a test failure when a child's exit code says a sanitizer stopped it, so a test that
// expected a failing exit code does not take the report for it. `err`: its stderr, if known.
void check_sanitizer(int exit_code, const std::string& who, const std::string& err) {
  if (exit_code == kSanitizerExitCode)
    ADD_FAILURE() << who << " exited with " << kSanitizerExitCode
                  << ", the sanitizer report exit code" << (err.empty() ? "" : ":\n") << err;
}

}  // namespace

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/ferry-test-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed: " + tmpl);
  path_ = buf.data();
}

TempDir::~TempDir() {
  if (std::getenv("FERRY_KEEP_TMP")) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& data) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
  if (!out) throw std::runtime_error("cannot write " + path);
}

bool file_exists(const std::string& path) {
  return fs::exists(path);
}

std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string repo_root() {
  const char* r = std::getenv("FERRY_ROOT");
  return r && *r ? r : fs::current_path().string();
}

std::string ferry_bin() {
  if (refused_in_unit_run("bin/ferry")) return "/nonexistent/bin/ferry";
  const char* b = std::getenv("FERRY_BIN");
  return b && *b ? b : repo_root() + "/bin/ferry";
}

std::string system_python() {
  return "/usr/bin/python3";
}

namespace {

[[noreturn]] void exec_child(const std::vector<std::string>& argv,
                             const std::map<std::string, std::string>& env,
                             const std::string& cwd) {
  for (const auto& [k, v] : env) {
    if (v.empty())
      unsetenv(k.c_str());
    else
      setenv(k.c_str(), v.c_str(), 1);
  }
  if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execvp(args[0], args.data());
  _exit(127);
}

void redirect(int fd, const std::string& path) {
  int f = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (f >= 0) {
    dup2(f, fd);
    close(f);
  }
}

int wait_status(pid_t pid, std::chrono::milliseconds timeout, bool* timed_out,
                int* term_signal = nullptr, long* max_rss_kib = nullptr) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (true) {
    struct rusage usage {};
    pid_t r = wait4(pid, &status, WNOHANG, &usage);
    if (r == pid) {
      if (max_rss_kib) *max_rss_kib = usage.ru_maxrss;
      break;
    }
    if (r < 0) return -1;
    if (std::chrono::steady_clock::now() > deadline) {
      *timed_out = true;
      return -2;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (term_signal) *term_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

RunResult run_command(const std::vector<std::string>& argv,
                      const std::map<std::string, std::string>& env, const std::string& cwd,
                      std::chrono::seconds timeout) {
  TempDir io;
  std::string out_path = io / "out", err_path = io / "err";
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    setpgid(0, 0);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    redirect(1, out_path);
    redirect(2, err_path);
    exec_child(argv, env, cwd);
  }
  bool timed_out = false;
  RunResult r;
  r.exit_code = wait_status(pid, timeout, &timed_out);
  if (timed_out) {
    kill(-pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    r.exit_code = -1;
  }
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  check_sanitizer(r.exit_code, argv.at(0), r.err);
  return r;
}

Child::Child(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
             const std::string& cwd, const std::string& log_file) {
  if (refused_in_unit_run("a background process (" + argv.at(0) + ")")) return;
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    setpgid(0, 0);
    int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, 0);
    if (log_file.empty()) {
      dup2(devnull, 1);
      dup2(devnull, 2);
    } else {
      redirect(1, log_file);
      dup2(1, 2);
    }
    exec_child(argv, env, cwd);
  }
  setpgid(pid_, pid_);
}

Child::~Child() {
  if (!reaped_ && pid_ > 0) {
    kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    // It may have ended on its own before the kill.
    if (WIFEXITED(status))
      check_sanitizer(WEXITSTATUS(status), "background process " + std::to_string(pid_), "");
  }
}

void Child::signal(int sig) {
  if (pid_ > 0 && !reaped_) kill(-pid_, sig);
}

int Child::wait(std::chrono::milliseconds timeout) {
  if (reaped_ || pid_ <= 0) return -1;
  bool timed_out = false;
  int code = wait_status(pid_, timeout, &timed_out, &term_signal_, &max_rss_kib_);
  if (!timed_out) reaped_ = true;
  check_sanitizer(code, "background process " + std::to_string(pid_), "");
  return code;
}

bool Child::running() {
  if (reaped_ || pid_ <= 0) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    reaped_ = true;
    if (WIFEXITED(status))
      check_sanitizer(WEXITSTATUS(status), "background process " + std::to_string(pid_), "");
    term_signal_ = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    return false;
  }
  return true;
}

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    throw std::runtime_error("bind failed");
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

bool wait_until(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return cond();
}

bool wait_for_port(int port, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    int rc = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    close(fd);
    if (rc == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace ferry::testing
