// From a sweep file to the list of runs: the crossed product of the axis groups (the last group
// varies fastest) times the seeds (innermost). Every run's scenario is loaded with its overrides
// through the scenario loader before anything runs, so that a value the scenario rejects is an
// input error at the sweep file's line and column (exit 2), never a failed run.
//
// A run's id is a hash of its resolved scenario (defaults filled, overrides and seed applied):
// the same run has the same id in every sweep, and editing the base scenario or an axis value
// changes it. Resume and the planner's reuse of runs rest on that.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/experiments/sweep_spec.hpp"

namespace dcsim::experiments {

struct PlannedRun {
  size_t number = 0;                // position in the sweep (0-based)
  std::vector<std::string> labels;  // one per axis column (SweepSpec::axis_names, or the plan's axes)
  uint64_t seed = 0;
  std::vector<Override> overrides;  // the sweep's `set:` and the axis values (the seed is apart)
  std::string id;                   // 16 hex digits: hash of the resolved scenario
  // The --set assignments of `dcsim run`, the seed last.
  std::vector<std::string> assignments() const;
  std::string describe(const std::vector<std::string>& axis_names) const;  // "servers=4, seed=2"
};

// Loads the base scenario once and each run with its overrides. Problems are collected and mapped
// to the sweep file: an override that the scenario rejects is reported at the override's own place.
class RunFactory {
 public:
  explicit RunFactory(const SweepSpec& spec);  // throws InputError if the base (with `set:`) is bad
  uint64_t base_seed() const { return base_seed_; }
  const std::vector<uint64_t>& seeds() const { return seeds_; }  // the sweep's, or the base seed

  // The run with `overrides` (after the sweep's `set:`) and `seed`; nullopt after reporting into diags.
  std::optional<PlannedRun> make(const std::vector<Override>& overrides, uint64_t seed, std::vector<std::string> labels,
                                 scenario::Diagnostics& diags);

 private:
  bool check_alone(const Override& o, scenario::Diagnostics& diags);
  const SweepSpec& spec_;
  std::string base_text_;
  uint64_t base_seed_ = 0;
  std::vector<uint64_t> seeds_;
  std::map<std::string, bool> checked_;  // assignment -> accepted alone
  size_t combination_problems_ = 0;
};

// Every run of the sweep, validated; throws InputError with every problem.
std::vector<PlannedRun> plan_sweep_runs(const SweepSpec& spec);

// The runs of shard i of n (0 <= i < n): every n-th run from the i-th; the shards are disjoint and
// together complete.
std::vector<PlannedRun> shard_runs(const std::vector<PlannedRun>& runs, size_t i, size_t n);

// FNV-1a 64 of `text` as 16 hex digits.
std::string hash_id(const std::string& text);

}  // namespace dcsim::experiments
