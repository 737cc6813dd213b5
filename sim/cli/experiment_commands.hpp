// `dcsim sweep` and `dcsim plan` on the command line (sim/experiments/, docs/experiments.md).
// main.cpp registers them with one line before parsing and dispatches with one line after:
//   auto experiments = dcsim::cli::add_experiment_commands(app);
//   if (auto code = experiments->dispatch(argc, argv)) return *code;
// dcsim-mpi (sim/experiments/mpi/) registers the same commands with its MPI executor.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "sim/experiments/executor.hpp"

namespace dcsim::cli {

struct ExperimentContext {
  // Makes the executor for -j N; empty: local processes.
  std::function<std::unique_ptr<experiments::Executor>(unsigned jobs)> make_executor;
  std::string child_dcsim;     // the binary of the runs; empty: this executable
  unsigned default_jobs = 0;   // 0: the machine's cores
  bool under_mpi = false;      // true in dcsim-mpi: no hand-over to dcsim-mpi
  bool root = true;            // prints input errors (MPI: rank 0 only)
};

class ExperimentCommands {
 public:
  ExperimentCommands(CLI::App& app, ExperimentContext ctx);
  // The exit code if `sweep` or `plan` was chosen, else nullopt.
  std::optional<int> dispatch(int argc, char** argv) const;

 private:
  int run(bool plan, int argc, char** argv) const;
  ExperimentContext ctx_;
  CLI::App* sweep_ = nullptr;
  CLI::App* plan_ = nullptr;
  std::string file_;
  std::string dir_;
  unsigned jobs_ = 0;
  std::string shard_;
  bool collect_ = false;
  bool dry_run_ = false;
  bool quiet_ = false;
  bool spawn_ = false;
};

std::unique_ptr<ExperimentCommands> add_experiment_commands(CLI::App& app, ExperimentContext ctx = {});

}  // namespace dcsim::cli
