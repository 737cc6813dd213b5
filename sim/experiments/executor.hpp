// Running runs. Each run is one child process of the dcsim binary (`dcsim run BASE --set ... -o
// DIR/runs/ID.h5 -q`, its stdout and stderr in DIR/runs/ID.log): one SimGrid engine per process,
// and a crash of one run cannot take the others down. The run file is written as ID.h5.partial
// and renamed when the run ends (Hdf5Writer), so a run counts as done only when ID.h5 exists with
// complete = 1.
//
// LocalExecutor keeps up to N children at once. SIGINT/SIGTERM (Ctrl-C, Slurm's time limit) stop
// it from starting more, are passed on to the running children (which close their files with
// complete = 0 and exit 130), and make it return after they have ended: those runs are
// `interrupted` and run again next time. The MPI executor (mpi/) gives each rank a slice and
// gathers the outcomes on every rank.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "sim/experiments/run_plan.hpp"

namespace dcsim::experiments {

enum class RunStatus { pending, ok, failed, interrupted };
const char* to_string(RunStatus s);

struct RunOutcome {
  RunStatus status = RunStatus::pending;
  int exit_code = -1;  // of the child; -1 when it did not run (or ended by a signal)
  double wall_s = 0;
  std::string error;   // the child's last error line, for failed runs
};

// Runs one scenario in the calling process like `dcsim run SCENARIO --set ... -o OUT -q`,
// returning its exit code (the CLI provides it: cli::cmd_run).
using InProcessRun = std::function<int(const std::string& scenario, const std::vector<std::string>& sets, const std::string& out)>;

struct Workspace {
  std::string dir;       // the sweep's output directory
  std::string dcsim;     // the binary that runs each run (spawned children)
  std::string scenario;  // the base scenario
  std::string run_file(const PlannedRun& r) const { return dir + "/runs/" + r.id + ".h5"; }
  std::string log_file(const PlannedRun& r) const { return dir + "/runs/" + r.id + ".log"; }
};

// Called on the process that ran job `index`, when it ends.
using DoneFn = std::function<void(size_t index, const RunOutcome&)>;

class Executor {
 public:
  virtual ~Executor() = default;
  // Runs every job; returns their outcomes in order, on every process taking part.
  virtual std::vector<RunOutcome> execute(const Workspace& ws, const std::vector<PlannedRun>& jobs, const DoneFn& done) = 0;
  virtual bool root() const { return true; }  // the process that prints and writes the index
  // Makes every process hold the root's `flags` (which runs are complete: every process must
  // agree on what is left to run). Nothing to do on one process.
  virtual void agree(std::vector<char>& flags) { (void)flags; }
  virtual bool interrupted() const = 0;
  virtual std::string describe() const = 0;   // "2 local processes"
  // How many of n jobs this process runs itself (its progress lines count those).
  virtual size_t share(size_t n) const { return n; }
};

// How a child run starts:
//   fork   a fork of this process runs the scenario (InProcessRun) and exits: the binary's start-up
//          (~0.1 s of CPU, most of it the dynamic linking of SimGrid's dependencies) is paid once.
//          This process never creates a SimGrid engine, so each child has the only one.
//   spawn  posix_spawn of `dcsim run ...`: a fresh process image (used under MPI, where forking a
//          process that holds MPI state is not safe).
enum class Launch { fork, spawn };

class LocalExecutor : public Executor {
 public:
  // Installs the SIGINT/SIGTERM handlers. `in_process` is needed for Launch::fork.
  LocalExecutor(unsigned processes, Launch launch = Launch::spawn, InProcessRun in_process = {});
  ~LocalExecutor() override;                   // restores the previous ones
  LocalExecutor(const LocalExecutor&) = delete;
  LocalExecutor& operator=(const LocalExecutor&) = delete;

  std::vector<RunOutcome> execute(const Workspace& ws, const std::vector<PlannedRun>& jobs, const DoneFn& done) override;
  bool interrupted() const override;
  std::string describe() const override;

 private:
  pid_t start(const Workspace& ws, const PlannedRun& run, std::string& error) const;
  unsigned processes_;
  Launch launch_;
  InProcessRun in_process_;
};

// The path of the running executable (/proc/self/exe), for the child runs.
std::string self_executable();

// The last error line of a run's log ("" if none).
std::string last_error_line(const std::string& log_file);

}  // namespace dcsim::experiments
