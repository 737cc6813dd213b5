#include "sim/experiments/executor.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

extern char** environ;

namespace dcsim::experiments {

namespace {

volatile std::sig_atomic_t g_stop = 0;
struct sigaction g_old_int{};
struct sigaction g_old_term{};

void on_signal(int) { g_stop = 1; }

struct Child {
  size_t index;
  std::chrono::steady_clock::time_point start;
};

RunOutcome finish(const Workspace& ws, const PlannedRun& run, int status, double wall) {
  RunOutcome o;
  o.wall_s = wall;
  if (WIFEXITED(status)) {
    o.exit_code = WEXITSTATUS(status);
    if (o.exit_code == 0) {
      o.status = RunStatus::ok;
    } else if (o.exit_code == 130 || g_stop) {
      o.status = RunStatus::interrupted;
    } else {
      o.status = RunStatus::failed;
    }
  } else if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    o.status = (sig == SIGINT || sig == SIGTERM) ? RunStatus::interrupted : RunStatus::failed;
    o.error = std::string("killed by signal ") + std::to_string(sig) + " (" + strsignal(sig) + ")";
  }
  if (o.status == RunStatus::failed && o.error.empty()) o.error = last_error_line(ws.log_file(run));
  if (o.status == RunStatus::failed && o.error.empty()) o.error = "exit code " + std::to_string(o.exit_code);
  return o;
}

}  // namespace

const char* to_string(RunStatus s) {
  switch (s) {
    case RunStatus::pending: return "pending";
    case RunStatus::ok: return "ok";
    case RunStatus::failed: return "failed";
    case RunStatus::interrupted: return "interrupted";
  }
  return "?";
}

std::string self_executable() {
  std::error_code ec;
  const auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : p.string();
}

std::string last_error_line(const std::string& log_file) {
  std::ifstream in(log_file);
  std::string line;
  std::string last;
  std::string last_error;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    last = line;
    if (line.find("error") != std::string::npos) last_error = line;
  }
  std::string s = last_error.empty() ? last : last_error;
  if (s.size() > 400) s = s.substr(0, 400) + "...";
  return s;
}

LocalExecutor::LocalExecutor(unsigned processes, Launch launch, InProcessRun in_process)
    : processes_(processes == 0 ? 1 : processes), launch_(in_process ? launch : Launch::spawn), in_process_(std::move(in_process)) {
  g_stop = 0;
  struct sigaction sa{};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: waitpid returns with EINTR
  sigaction(SIGINT, &sa, &g_old_int);
  sigaction(SIGTERM, &sa, &g_old_term);
}

LocalExecutor::~LocalExecutor() {
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
}

bool LocalExecutor::interrupted() const { return g_stop != 0; }

std::string LocalExecutor::describe() const {
  return std::to_string(processes_) + " local process" + (processes_ == 1 ? "" : "es");
}

pid_t LocalExecutor::start(const Workspace& ws, const PlannedRun& run, std::string& error) const {
  const std::string out = ws.run_file(run);
  const std::string log = ws.log_file(run);
  if (launch_ == Launch::fork) {
    std::fflush(nullptr);  // nothing buffered here may be written twice
    const pid_t pid = fork();
    if (pid < 0) error = std::string("cannot fork: ") + std::strerror(errno);
    if (pid != 0) return pid;
    // The child: the log as stdout and stderr, no stdin, default signals (the run installs its own).
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int nul = open("/dev/null", O_RDONLY);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    if (nul >= 0) {
      dup2(nul, 0);
      close(nul);
    }
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    int code = 1;
    try {
      code = in_process_(ws.scenario, run.assignments(), out);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "dcsim: error: %s\n", e.what());
    }
    std::fflush(nullptr);
    _exit(code);  // not exit(): the parent's atexit handlers and static objects are not the child's
  }
  std::vector<std::string> args = {ws.dcsim, "run", ws.scenario};
  for (const auto& a : run.assignments()) {
    args.push_back("--set");
    args.push_back(a);
  }
  for (const std::string& a : {std::string("-o"), out, std::string("-q")}) args.push_back(a);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, ws.dcsim.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    error = "cannot start " + ws.dcsim + ": " + std::strerror(rc);
    return -1;
  }
  return pid;
}

std::vector<RunOutcome> LocalExecutor::execute(const Workspace& ws, const std::vector<PlannedRun>& jobs, const DoneFn& done) {
  std::vector<RunOutcome> out(jobs.size());
  std::map<pid_t, Child> running;
  size_t next = 0;
  bool forwarded = false;
  std::filesystem::create_directories(ws.dir + "/runs");
  while ((next < jobs.size() && !g_stop) || !running.empty()) {
    while (!g_stop && next < jobs.size() && running.size() < processes_) {
      std::string error;
      const pid_t pid = start(ws, jobs[next], error);
      if (pid < 0) {
        out[next] = RunOutcome{RunStatus::failed, -1, 0, error};
        if (done) done(next, out[next]);
      } else {
        running[pid] = Child{next, std::chrono::steady_clock::now()};
      }
      ++next;
    }
    if (running.empty()) continue;
    if (g_stop && !forwarded) {  // Ctrl-C reached our process group already; kill -INT of the parent did not
      for (const auto& [pid, c] : running) kill(pid, SIGINT);
      forwarded = true;
    }
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;  // ECHILD: nothing left to wait for
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - it->second.start).count();
    const size_t index = it->second.index;
    running.erase(it);
    out[index] = finish(ws, jobs[index], status, wall);
    if (out[index].status == RunStatus::ok && !std::filesystem::exists(ws.run_file(jobs[index]))) {
      out[index].status = RunStatus::failed;
      out[index].error = "the run ended without writing " + ws.run_file(jobs[index]);
    }
    if (done) done(index, out[index]);
  }
  return out;
}

}  // namespace dcsim::experiments
