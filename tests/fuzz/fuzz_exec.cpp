// dcsim_fuzz_exec: runs many dcsim command lines fast, for the mutation fuzzer's long runs
// (tests/fuzz/scenario_fuzz.py --fast). Each case is the dcsim program itself (cli::run_app) in a
// child forked from this already-initialised process, so a case costs its own work only, not the
// start-up of a process; a crash or a hang of one case is seen as such and does not stop the others.
//
// Protocol on stdin, per case:   "<timeout_s> <nargs>\n" then nargs times "<len>\n<len bytes>"
//   (the arguments after "dcsim"; a scenario text travels as a file the fuzzer wrote).
// On stdout, per case:           "<kind> <value> <len>\n<len bytes of the child's stderr, cut>"
//   kind: exit (value = exit code), signal (value = signal number), timeout (value = 0).
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "models/register_models.hpp"
#include "sim/cli/app.hpp"

namespace {

constexpr size_t kMaxStderr = 4096;

bool read_block(std::string& out) {
  size_t len = 0;
  if (!(std::cin >> len)) return false;
  std::cin.get();  // the newline
  out.resize(len);
  return len == 0 || static_cast<bool>(std::cin.read(out.data(), static_cast<std::streamsize>(len)));
}

}  // namespace

int main(int argc, char** argv) {
  const std::string scratch = argc > 1 ? argv[1] : "/tmp";
  const std::string err_path = scratch + "/fuzz_exec_stderr." + std::to_string(getpid());
  dcsim::register_builtin_models();
  double timeout_s = 0;
  size_t nargs = 0;
  while (std::cin >> timeout_s >> nargs) {
    std::cin.get();
    std::vector<std::string> args{"dcsim"};
    for (size_t i = 0; i < nargs; ++i) {
      std::string a;
      if (!read_block(a)) return 2;
      args.push_back(std::move(a));
    }
    std::fflush(stdout);
    const pid_t pid = fork();
    if (pid == 0) {
      const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      const int null = ::open("/dev/null", O_RDWR);
      dup2(null, 0);
      dup2(null, 1);
      dup2(err, 2);
      std::vector<char*> cargv;
      for (auto& a : args) cargv.push_back(a.data());
      cargv.push_back(nullptr);
      const int code = dcsim::cli::run_app(static_cast<int>(args.size()), cargv.data());
      std::fflush(nullptr);
      _exit(code);
    }
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    bool timed_out = false;
    while (waitpid(pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        timed_out = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::string err;
    if (std::FILE* f = std::fopen(err_path.c_str(), "rb")) {
      err.resize(kMaxStderr);
      err.resize(std::fread(err.data(), 1, kMaxStderr, f));
      std::fclose(f);
    }
    if (timed_out) {
      std::cout << "timeout 0 ";
    } else if (WIFSIGNALED(status)) {
      std::cout << "signal " << WTERMSIG(status) << " ";
    } else {
      std::cout << "exit " << WEXITSTATUS(status) << " ";
    }
    std::cout << err.size() << "\n" << err << std::flush;
  }
  std::remove(err_path.c_str());
  return 0;
}
