#include "sim/cli/experiment_commands.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include "models/register_models.hpp"
#include "sim/cli/commands.hpp"
#include "sim/experiments/experiment.hpp"

namespace dcsim::cli {

namespace {

// Ranks of an MPI launch (Open MPI's or a PMI launcher's variable), 0 when not under mpirun.
long mpi_world_size() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
    if (const char* s = std::getenv(v)) return std::atol(s);
  }
  return 0;
}

void print_issues(const scenario::InputError& e) {
  std::cerr << e.what() << "\n";
  std::cerr << "dcsim: " << e.issues().size() << " problem" << (e.issues().size() == 1 ? "" : "s")
            << " in the input; nothing was run\n";
}

void add_common(CLI::App* sub, std::string& file, std::string& dir, unsigned& jobs, bool& quiet, bool& spawn) {
  sub->add_option("file", file, "Sweep or plan file (YAML, docs/experiments.md)")->required();
  sub->add_option("-o,--output", dir, "Output directory (default: <file stem>-runs); rerunning resumes in it");
  sub->add_option("-j,--jobs", jobs, "Runs at once on this machine (default: the number of cores; 1 per MPI rank)");
  sub->add_flag("-q,--quiet", quiet, "No progress lines");
  sub->add_flag("--spawn", spawn, "Start each run as a new `dcsim run` process rather than a fork of this one "
                                  "(slower start-up; the same results)");
}

// A child run as `dcsim run SCENARIO --set ... -o OUT -q` does it.
int run_in_process(const std::string& scenario, const std::vector<std::string>& sets, const std::string& out) {
  ScenarioArgs args;
  args.path = scenario;
  args.sets = sets;
  return cmd_run(args, out, true);
}

}  // namespace

ExperimentCommands::ExperimentCommands(CLI::App& app, ExperimentContext ctx) : ctx_(std::move(ctx)) {
  sweep_ = app.add_subcommand("sweep", "Run every point of a sweep file x its seeds, each run its own file, and index them");
  add_common(sweep_, file_, dir_, jobs_, quiet_, spawn_);
  sweep_->add_option("--shard", shard_, "Run only slice i of n (0 <= i < n), e.g. --shard 3/8; a Slurm array task "
                                        "takes it from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT");
  sweep_->add_flag("--collect", collect_, "Run nothing: write DIR/index.csv from the run files there (after shards)");
  sweep_->add_flag("--dry-run", dry_run_, "List the runs (of this shard) and stop");
  plan_ = app.add_subcommand("plan", "Find the least capacity that meets the constraints of a plan file");
  add_common(plan_, file_, dir_, jobs_, quiet_, spawn_);
  plan_->add_flag("--dry-run", dry_run_, "Validate the plan (the scenario at both ends of every capacity axis) and stop");
}

std::optional<int> ExperimentCommands::dispatch(int argc, char** argv) const {
  if (*sweep_) return run(false, argc, argv);
  if (*plan_) return run(true, argc, argv);
  return std::nullopt;
}

int ExperimentCommands::run(bool plan, int argc, char** argv) const {
  (void)argc;
  if (!ctx_.under_mpi && mpi_world_size() > 1) {  // `mpirun -n N dcsim sweep ...`: hand over to dcsim-mpi
    const auto mpi = std::filesystem::path(experiments::self_executable()).parent_path() / "dcsim-mpi";
    if (std::filesystem::exists(mpi)) {
      std::string path = mpi.string();
      argv[0] = path.data();
      execv(path.c_str(), argv);
    }
    std::cerr << "error: running under mpirun (" << mpi_world_size() << " ranks) but " << mpi.string()
              << " is missing: build it (CMake finds MPI when libopenmpi-dev is installed) or use --shard i/n\n";
    return kExitInput;
  }
  experiments::ExperimentOptions opt;
  opt.dir = dir_.empty() ? std::filesystem::path(file_).stem().string() + "-runs" : dir_;
  opt.dcsim = ctx_.child_dcsim.empty() ? experiments::self_executable() : ctx_.child_dcsim;
  opt.collect_only = collect_;
  opt.dry_run = dry_run_;
  opt.quiet = quiet_;
  opt.tty = isatty(STDERR_FILENO) != 0;
  try {
    if (!shard_.empty()) {
      experiments::parse_shard(shard_, opt.shard_index, opt.shard_count);
    } else if (!plan && experiments::slurm_shard(opt.shard_index, opt.shard_count) && !quiet_) {
      std::cerr << "sweep: Slurm array task: shard " << opt.shard_index << "/" << opt.shard_count << "\n";
    }
    if (plan && opt.shard_count > 1) {
      throw scenario::InputError(scenario::Location{"--shard", 0, 0}, "", "shards are for sweeps; a plan runs its points one after another (use -j or mpirun)");
    }
    const auto spec = experiments::parse_sweep_file(file_);
    if (!spawn_) preload_builtin_data();  // parsed once here, shared by the forked runs
    const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
    const unsigned jobs = jobs_ > 0 ? jobs_ : (ctx_.default_jobs > 0 ? ctx_.default_jobs : cores);
    std::unique_ptr<experiments::Executor> ex = ctx_.make_executor ? ctx_.make_executor(jobs)
                                                                   : std::make_unique<experiments::LocalExecutor>(
                                                                         jobs, spawn_ ? experiments::Launch::spawn : experiments::Launch::fork,
                                                                         run_in_process);
    return plan ? experiments::run_plan(spec, opt, *ex, std::cout, std::cerr)
                : experiments::run_sweep(spec, opt, *ex, std::cout, std::cerr);
  } catch (const scenario::InputError& e) {
    if (ctx_.root) print_issues(e);
    return kExitInput;
  } catch (const std::exception& e) {
    if (ctx_.root) std::cerr << "dcsim: error: " << e.what() << "\n";
    return kExitRuntime;
  }
}

std::unique_ptr<ExperimentCommands> add_experiment_commands(CLI::App& app, ExperimentContext ctx) {
  return std::make_unique<ExperimentCommands>(app, std::move(ctx));
}

}  // namespace dcsim::cli
