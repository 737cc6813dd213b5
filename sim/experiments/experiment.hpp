// `dcsim sweep` and `dcsim plan` without the command line: the sweep and the planner over an
// executor (local processes or MPI ranks). Both write into one directory:
//   DIR/runs/ID.h5, ID.log   one file per run (ID: hash of its resolved scenario)
//   DIR/index.csv            one row per run (index.hpp); a shard writes DIR/index-shard-I-of-N.csv
//   DIR/experiment.yaml      what the columns are (axes, seeds, outputs, constraints), for analysis
//   DIR/plan.md, plan.csv    the planner's report and constraint curves
// Return values are exit codes: 0 done, 1 some runs failed (the others ran), 130 interrupted
// (run the same command again to resume). Input problems throw scenario::InputError before any
// run starts.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>

#include "sim/experiments/executor.hpp"
#include "sim/experiments/sweep_spec.hpp"

namespace dcsim::experiments {

struct ExperimentOptions {
  std::string dir;           // output directory
  std::string dcsim;         // binary for the child runs
  size_t shard_index = 0;    // --shard i/n
  size_t shard_count = 1;
  bool collect_only = false; // --collect: index from the run files, run nothing
  bool dry_run = false;      // list the runs and stop
  bool quiet = false;        // no progress lines
  bool tty = false;          // progress as one updated line
};

int run_sweep(const SweepSpec& spec, const ExperimentOptions& opt, Executor& ex, std::ostream& out, std::ostream& err);
int run_plan(const SweepSpec& spec, const ExperimentOptions& opt, Executor& ex, std::ostream& out, std::ostream& err);

// Parses "i/n" (0 <= i < n); throws scenario::InputError located at "--shard".
void parse_shard(const std::string& text, size_t& index, size_t& count);

// The shard from Slurm's array variables (SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN of
// SLURM_ARRAY_TASK_COUNT), if they are set; false otherwise.
bool slurm_shard(size_t& index, size_t& count);

}  // namespace dcsim::experiments
