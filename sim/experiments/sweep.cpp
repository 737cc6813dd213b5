// `dcsim sweep` (experiment.hpp): plan every run, validate them all, take this shard's slice, run
// what is not complete yet, keep the index up to date, report failures.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <ostream>

#include <yaml-cpp/yaml.h>

#include "sim/experiments/experiment.hpp"
#include "sim/experiments/experiment_meta.hpp"
#include "sim/experiments/index.hpp"
#include "sim/experiments/run_book.hpp"

namespace dcsim::experiments {

using scenario::InputError;

void parse_shard(const std::string& text, size_t& index, size_t& count) {
  const auto slash = text.find('/');
  char* e1 = nullptr;
  char* e2 = nullptr;
  const std::string a = text.substr(0, slash);
  const std::string b = slash == std::string::npos ? "" : text.substr(slash + 1);
  const long i = std::strtol(a.c_str(), &e1, 10);
  const long n = std::strtol(b.c_str(), &e2, 10);
  if (slash == std::string::npos || a.empty() || b.empty() || *e1 != '\0' || *e2 != '\0' || n < 1 || i < 0 || i >= n) {
    throw InputError(Location{"--shard", 0, 0}, "", "got '" + text + "', expected i/n with 0 <= i < n (e.g. 0/4 for the first of four shards)");
  }
  index = static_cast<size_t>(i);
  count = static_cast<size_t>(n);
}

bool slurm_shard(size_t& index, size_t& count) {
  const char* id = std::getenv("SLURM_ARRAY_TASK_ID");
  const char* n = std::getenv("SLURM_ARRAY_TASK_COUNT");
  if (id == nullptr || n == nullptr) return false;
  const char* min = std::getenv("SLURM_ARRAY_TASK_MIN");
  const long i = std::atol(id) - (min != nullptr ? std::atol(min) : 0);
  parse_shard(std::to_string(i) + "/" + n, index, count);
  return true;
}

int run_sweep(const SweepSpec& spec, const ExperimentOptions& opt, Executor& ex, std::ostream& out, std::ostream& err) {
  if (spec.plan) {
    throw InputError(spec.plan->where, "plan", "this is a plan file: run it with 'dcsim plan " + spec.path + "'");
  }
  const auto all = plan_sweep_runs(spec);  // throws InputError: nothing has run
  const bool sharded = opt.shard_count > 1;
  const auto mine = sharded ? shard_runs(all, opt.shard_index, opt.shard_count) : all;
  const std::string shard_text = std::to_string(opt.shard_index) + "/" + std::to_string(opt.shard_count);
  const auto axis_names = spec.axis_names();
  if (opt.dry_run) {
    if (ex.root()) {
      for (const auto& r : mine) out << r.number << " " << r.id << " " << r.describe(axis_names) << "\n";
    }
    return 0;
  }
  std::filesystem::create_directories(opt.dir + "/runs");
  if (ex.root()) write_file_atomically(opt.dir + "/experiment.yaml", experiment_yaml(spec, "sweep", axis_names));

  BookOptions bo;
  bo.index_path = opt.dir + (sharded ? "/index-shard-" + std::to_string(opt.shard_index) + "-of-" +
                                           std::to_string(opt.shard_count) + ".csv"
                                     : "/index.csv");
  bo.progress = !opt.quiet;
  bo.tty = opt.tty;
  RunBook book(Workspace{opt.dir, opt.dcsim, spec.scenario}, axis_names, spec.outputs, ex, bo, err);
  if (ex.root() && !opt.quiet) {
    err << "sweep: " << spec.name << ": " << all.size() << " runs (" << spec.points() << " points x "
        << (all.empty() ? 0 : all.size() / spec.points()) << " seeds)";
    if (sharded) err << ", shard " << shard_text << ": " << mine.size() << " runs";
    err << (opt.collect_only ? ", collecting the index only" : ", on " + ex.describe()) << "\n";
  }
  if (opt.collect_only) {
    book.ensure_collected(mine);
  } else {
    book.ensure(mine);
  }
  if (!ex.root()) return ex.interrupted() ? 130 : (book.failed() > 0 ? 1 : 0);

  size_t ok = 0;
  size_t pending = 0;
  size_t shown = 0;
  for (const auto& e : book.entries()) {
    ok += e.outcome.status == RunStatus::ok ? 1 : 0;
    pending += (e.outcome.status == RunStatus::pending || e.outcome.status == RunStatus::interrupted) ? 1 : 0;
    if (e.outcome.status == RunStatus::failed && shown++ < 10) {
      err << "sweep: run " << e.run.number << " (" << e.run.describe(axis_names) << ") failed: " << e.outcome.error
          << "\n  log: " << book.workspace().log_file(e.run) << "\n";
    }
  }
  if (shown > 10) err << "sweep: ... and " << shown - 10 << " more failed runs (see the index)\n";
  out << "sweep: " << book.entries().size() << " runs: " << ok << " ok (" << book.reused() << " already complete), "
      << book.failed() << " failed";
  if (pending > 0) out << ", " << pending << " not run";
  out << "; index: " << bo.index_path << "; " << format_duration(book.elapsed_s()) << " wall\n";
  if (ex.interrupted()) {
    err << "sweep: interrupted; run the same command again to resume (completed runs are kept)\n";
    return 130;
  }
  return book.failed() > 0 ? 1 : 0;
}

}  // namespace dcsim::experiments
