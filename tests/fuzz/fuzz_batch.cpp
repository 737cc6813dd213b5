// dcsim_fuzz_batch: the in-process batch validator for long fuzz runs (docs/reliability.md,
// scripts/fuzz-loader.sh). Case i of seed s is a mutated scenario (tests/fuzz/mutator.hpp); each
// is loaded, validated and checked in this process (no process start per case), and a case that
// loads is built without being run (platform, sites, services: what `dcsim validate` does) in a
// forked child, since SimGrid allows one engine per process.
//
// Outcome classes: ok (it loads and builds), input_error (an InputError whose every problem is
// located: file:line or --set) and the findings: unlocated (a problem without a location),
// verbose (a report over 64 kB), exception (any other exception: exit 1 in the CLI), signal (a
// crash), timeout (a case over --timeout seconds of CPU, or blocked for 10 times as long).
//
// The cases run in a worker process watched by this one: when a case crashes or hangs the worker,
// the case is recorded and a new worker goes on with the next one. Each finding is written to
// --save DIR as caseN.yaml in the crash corpus's format (docs/reliability.md: "# crash:",
// "# set:" lines, the text); `--print N` writes case N so, to reproduce it.
//
// Usage: dcsim_fuzz_batch [--cases N] [--first I] [--seed S] [--timeout SEC] [--seconds SEC]
//                         [--progress K] [--save DIR] [--no-build] [--repo DIR] [--mem-mb M]
//                         [--print N]
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <new>
#include <string>
#include <thread>

#include "models/register_models.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/scenario_schema.hpp"
#include "tests/fuzz/mutator.hpp"

namespace {

using namespace dcsim;
using Clock = std::chrono::steady_clock;

enum Outcome { kOk, kInputError, kUnlocated, kVerbose, kException, kSignal, kTimeout, kOutcomes };
const char* const kNames[kOutcomes] = {"ok", "input_error", "unlocated", "verbose", "exception", "signal", "timeout"};
constexpr std::size_t kVerboseBytes = 65536;
constexpr int kKinds = 3;  // tree, text, args
const char* const kKindNames[kKinds] = {"tree", "text", "args"};

int kind_index(const std::string& k) { return k == "tree" ? 0 : k == "text" ? 1 : 2; }

// Shared between the watcher and its worker (and the worker's build children).
struct Shared {
  std::atomic<uint64_t> current;      // the case the worker is on
  std::atomic<int64_t> started_ns;    // when it began it (steady clock)
  std::atomic<uint64_t> done;         // cases finished
  std::atomic<uint64_t> loaded, built;
  std::atomic<uint64_t> counts[kKinds][kOutcomes];
  char message[4096];                 // a build child's message
};

struct Options {
  uint64_t cases = 1000, first = 0, seed = 1, progress = 0, mem_mb = 4096;
#if defined(__SANITIZE_ADDRESS__) || defined(DCSIM_SANITIZE)
  double timeout = 60;  // CPU seconds a case may take: ASan makes the hostile-size cases 3-6 times slower
#else
  double timeout = 10;  // CPU seconds a case may take
#endif
  double seconds = 0;  // stop after this long (0: when the cases are done)
  bool build = true;
  std::string save, repo = DCSIM_SOURCE_DIR;
  long long print = -1;
};

// A case's limit is CPU time (the machine may be shared: wall time says little): ITIMER_PROF counts
// the process's user + system time, and its signal ends the process with kCpuTimeout.
constexpr int kCpuTimeout = 77;
extern "C" void on_cpu_limit(int) { _exit(kCpuTimeout); }
void limit_cpu(double seconds) {
  signal(SIGPROF, on_cpu_limit);
  itimerval t{};
  t.it_value.tv_sec = static_cast<time_t>(seconds);
  t.it_value.tv_usec = static_cast<suseconds_t>((seconds - static_cast<double>(t.it_value.tv_sec)) * 1e6);
  setitimer(ITIMER_PROF, &t, nullptr);
}
// A process blocked without using CPU (reading a pipe or a device named as a trace) is caught by a
// wall-clock limit, far longer.
double wall_limit(const Options& o) { return 10 * o.timeout + 60; }

int64_t now_ns() { return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count(); }

// The crash corpus's format: "# crash:" what happened, "# set:" lines, then the scenario text.
std::string corpus_entry(const fuzz::Case& c, const std::string& what) {
  std::string out = "# crash: " + what.substr(0, what.find('\n')).substr(0, 300) + "\n";
  for (const auto& s : c.sets) out += "# set: " + s.substr(0, s.find('\n')) + "\n";
  return out + c.text;
}

void save_finding(const Options& o, uint64_t i, const fuzz::Case& c, Outcome out, const std::string& what) {
  std::fprintf(stderr, "FINDING case %llu (%s from %s): %s: %.300s\n", static_cast<unsigned long long>(i),
               c.kind.c_str(), c.seed->name.c_str(), kNames[out], what.c_str());
  if (o.save.empty()) return;
  std::filesystem::create_directories(o.save);
  std::ofstream(o.save + "/case" + std::to_string(i) + ".yaml", std::ios::binary)
      << corpus_entry(c, std::string(kNames[out]) + ": " + what);
}

Outcome classify(const scenario::InputError& e, std::string& what) {
  what = e.what();
  if (what.size() > kVerboseBytes) return kVerbose;
  for (const auto& issue : e.issues()) {
    // Located: file:line, or an option (--set, --seed, --until).
    if (issue.where.line <= 0 && issue.where.file.rfind("--", 0) != 0) {
      what = "unlocated: " + issue.str();
      return kUnlocated;
    }
  }
  return kInputError;
}

// Builds the loaded scenario in a child (one SimGrid engine per process) within the timeout.
Outcome build_in_child(const scenario::LoadedScenario& sc, const Options& o, Shared& sh, std::string& what) {
  sh.message[0] = '\0';
  const pid_t pid = fork();
  if (pid == 0) {
    limit_cpu(o.timeout);
    const int null = ::open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    int code = kOk;
    std::string msg;
    try {
      build_scenario(sc);
    } catch (const scenario::InputError& e) {
      code = classify(e, msg);
    } catch (const std::exception& e) {
      code = kException;
      msg = e.what();
    }
    std::snprintf(sh.message, sizeof sh.message, "%s", msg.c_str());
    _exit(code);
  }
  const auto deadline = Clock::now() + std::chrono::duration<double>(wall_limit(o));
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (Clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      what = "the build was blocked for " + std::to_string(wall_limit(o)) + " s";
      return kTimeout;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  what = sh.message;
  if (WIFEXITED(status) && WEXITSTATUS(status) == kCpuTimeout) {
    what = "the build took more than " + std::to_string(o.timeout) + " s of CPU";
    return kTimeout;
  }
  if (WIFSIGNALED(status)) {
    what = "the build was killed by signal " + std::to_string(WTERMSIG(status));
    return kSignal;
  }
  const int code = WEXITSTATUS(status);
  return code >= 0 && code < kOutcomes ? static_cast<Outcome>(code) : kException;
}

Outcome run_case(const fuzz::Case& c, const Options& o, Shared& sh, std::string& what) {
  scenario::LoadedScenario sc;
  try {
    sc = scenario::load_text(c.text, c.seed->path, scenario::scenario_schema(), c.sets, scenario::check_scenario);
  } catch (const scenario::InputError& e) {
    return classify(e, what);
  } catch (const std::exception& e) {
    what = std::string("exception while loading: ") + e.what();
    return kException;
  }
  sh.loaded++;
  if (!o.build) return kOk;
  const Outcome out = build_in_child(sc, o, sh, what);
  if (out == kOk) sh.built++;
  return out;
}

[[noreturn]] void worker(const Options& o, const fuzz::Mutator& mutator, Shared& sh, uint64_t from) {
#if !defined(__SANITIZE_ADDRESS__) && !defined(DCSIM_SANITIZE)
  const rlimit mem{o.mem_mb << 20, o.mem_mb << 20};  // a case that eats the machine is a bad_alloc
  setrlimit(RLIMIT_AS, &mem);
#endif
  const uint64_t end = o.first + o.cases;
  for (uint64_t i = from; i < end; ++i) {
    sh.current = i;
    sh.started_ns = now_ns();
    limit_cpu(o.timeout);  // this case's mutation, load and the wait for its build
    const fuzz::Case c = mutator.make(i);
    std::string what;
    Outcome out = kException;
    try {
      out = run_case(c, o, sh, what);
    } catch (const std::bad_alloc&) {
      what = "std::bad_alloc";
    }
    sh.counts[kind_index(c.kind)][out]++;
    if (out != kOk && out != kInputError) save_finding(o, i, c, out, what);
    sh.done++;
  }
  std::fflush(nullptr);
  _exit(0);
}

void print_counts(const Shared& sh, double elapsed, bool detail) {
  uint64_t total[kOutcomes] = {};
  for (int k = 0; k < kKinds; ++k)
    for (int c = 0; c < kOutcomes; ++c) total[c] += sh.counts[k][c];
  const double n = static_cast<double>(sh.done.load());
  std::printf("%llu cases in %.1f s (%.0f cases/s): ", static_cast<unsigned long long>(sh.done.load()), elapsed,
              elapsed > 0 ? n / elapsed : 0.0);
  for (int c = 0; c < kOutcomes; ++c) std::printf("%s%s %llu", c ? ", " : "", kNames[c], static_cast<unsigned long long>(total[c]));
  std::printf("; loaded %llu, built %llu\n", static_cast<unsigned long long>(sh.loaded.load()),
              static_cast<unsigned long long>(sh.built.load()));
  if (detail) {
    for (int k = 0; k < kKinds; ++k) {
      std::printf("  %-5s", kKindNames[k]);
      for (int c = 0; c < kOutcomes; ++c)
        std::printf("%s%s %llu", c ? ", " : " ", kNames[c], static_cast<unsigned long long>(sh.counts[k][c].load()));
      std::printf("\n");
    }
  }
  std::fflush(stdout);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    if (a == "--cases") o.cases = std::stoull(next());
    else if (a == "--first") o.first = std::stoull(next());
    else if (a == "--seed") o.seed = std::stoull(next());
    else if (a == "--timeout") o.timeout = std::stod(next());
    else if (a == "--seconds") o.seconds = std::stod(next());
    else if (a == "--progress") o.progress = std::stoull(next());
    else if (a == "--mem-mb") o.mem_mb = std::stoull(next());
    else if (a == "--save") o.save = next();
    else if (a == "--repo") o.repo = next();
    else if (a == "--print") o.print = std::stoll(next());
    else if (a == "--no-build") o.build = false;
    else throw std::invalid_argument("unknown option " + a + " (see tests/fuzz/fuzz_batch.cpp)");
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  try {
    o = parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "dcsim_fuzz_batch: " << e.what() << "\n";
    return 2;
  }
  register_builtin_models();
  const std::vector<fuzz::Seed> seeds = fuzz::load_seeds(o.repo);
  const fuzz::Mutator mutator(seeds, o.seed);
  if (o.print >= 0) {
    std::cout << corpus_entry(mutator.make(static_cast<uint64_t>(o.print)), "case " + std::to_string(o.print));
    return 0;
  }
  void* mem = mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return 1;
  auto* sh = new (mem) Shared{};
  const auto start = Clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  const uint64_t end = o.first + o.cases;
  uint64_t from = o.first, next_report = o.progress;
  while (from < end) {
    std::fflush(nullptr);
    sh->current = from;  // the worker's clock starts now, not when it is first scheduled
    sh->started_ns = now_ns();
    const pid_t pid = fork();
    if (pid == 0) {
      setpgid(0, 0);                      // its build children go with it when it is killed
      prctl(PR_SET_PDEATHSIG, SIGKILL);   // and it goes when this process does
      worker(o, mutator, *sh, from);
    }
    setpgid(pid, pid);
    int status = 0;
    bool hung = false, stopped = false;
    while (waitpid(pid, &status, WNOHANG) == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (o.seconds > 0 && elapsed() > o.seconds) {  // time is up: the cases done so far count
        kill(-pid, SIGKILL);
        waitpid(pid, &status, 0);
        stopped = true;
        break;
      }
      if (o.progress && sh->done >= next_report) {
        print_counts(*sh, elapsed(), false);
        next_report += o.progress;
      }
      // The build child has its own deadline: a worker silent for longer hangs in the loader.
      if (static_cast<double>(now_ns() - sh->started_ns) * 1e-9 > wall_limit(o)) {
        kill(-pid, SIGKILL);
        waitpid(pid, &status, 0);
        hung = true;
        break;
      }
    }
    if (stopped) {
      std::printf("stopped after %.0f s (--seconds), in case %llu\n", o.seconds,
                  static_cast<unsigned long long>(sh->current.load()));
      break;
    }
    if (!hung && WIFEXITED(status) && WEXITSTATUS(status) == 0) break;
    const uint64_t i = sh->current;
    const fuzz::Case c = mutator.make(i);
    const bool over_cpu = WIFEXITED(status) && WEXITSTATUS(status) == kCpuTimeout;
    const Outcome out = hung || over_cpu ? kTimeout : kSignal;
    sh->counts[kind_index(c.kind)][out]++;
    sh->done++;
    save_finding(o, i, c, out,
                 hung       ? "blocked for " + std::to_string(wall_limit(o)) + " s"
                 : over_cpu ? "more than " + std::to_string(o.timeout) + " s of CPU"
                 : WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                                       : "the worker exited with " + std::to_string(WEXITSTATUS(status)));
    from = i + 1;
  }
  std::printf("seed %llu, cases from %llu:\n", static_cast<unsigned long long>(o.seed),
              static_cast<unsigned long long>(o.first));
  print_counts(*sh, elapsed(), true);
  uint64_t findings = 0;
  for (int k = 0; k < kKinds; ++k)
    for (int c = kUnlocated; c < kOutcomes; ++c) findings += sh->counts[k][c];
  std::printf("findings: %llu\n", static_cast<unsigned long long>(findings));
  return findings ? 1 : 0;
}
