#include "sim/experiments/run_plan.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "sim/scenario/scenario_schema.hpp"

namespace dcsim::experiments {

using scenario::Diagnostics;
using scenario::InputError;
using scenario::Issue;

namespace {

constexpr size_t kMaxCombinationProblems = 20;

std::vector<std::string> assignments_of(const std::vector<Override>& os) {
  std::vector<std::string> out;
  out.reserve(os.size());
  for (const auto& o : os) out.push_back(o.assignment());
  return out;
}

scenario::LoadedScenario load(const std::string& text, const std::string& path, const std::vector<std::string>& sets) {
  return scenario::load_text(text, path, scenario::scenario_schema(), sets, scenario::check_scenario);
}

}  // namespace

std::string hash_id(const std::string& text) {
  uint64_t h = 1469598103934665603ULL;
  for (const unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::vector<std::string> PlannedRun::assignments() const {
  std::vector<std::string> out = assignments_of(overrides);
  out.push_back("seed=" + std::to_string(seed));
  return out;
}

std::string PlannedRun::describe(const std::vector<std::string>& axis_names) const {
  std::string s;
  for (size_t i = 0; i < labels.size() && i < axis_names.size(); ++i) s += axis_names[i] + "=" + labels[i] + ", ";
  return s + "seed=" + std::to_string(seed);
}

RunFactory::RunFactory(const SweepSpec& spec) : spec_(spec) {
  std::ifstream in(spec.scenario);
  if (!in) throw InputError(Location{spec.path, 0, 0}, "scenario", "cannot read the base scenario " + spec.scenario);
  std::stringstream ss;
  ss << in.rdbuf();
  base_text_ = ss.str();
  Diagnostics diags;
  for (const auto& o : spec.sets) check_alone(o, diags);
  diags.throw_if_errors();
  const auto base = load(base_text_, spec.scenario, assignments_of(spec.sets));  // base-file problems throw as they are
  base_seed_ = static_cast<uint64_t>(base.root.integer("seed"));
  seeds_ = spec.seeds.empty() ? std::vector<uint64_t>{base_seed_} : spec.seeds;
}

// An override applied alone to the base (with the sweep's `set:`): what the loader says about it
// is reported at the override's place in the sweep file.
bool RunFactory::check_alone(const Override& o, Diagnostics& diags) {
  const auto it = checked_.find(o.assignment());
  if (it != checked_.end()) return it->second;
  std::vector<std::string> sets;
  for (const auto& s : spec_.sets) {
    if (s.assignment() != o.assignment()) sets.push_back(s.assignment());
  }
  sets.push_back(o.assignment());
  bool ok = true;
  try {
    load(base_text_, spec_.scenario, sets);
  } catch (const InputError& e) {
    ok = false;
    for (const Issue& is : e.issues()) {
      if (is.where.file == "--set") {
        diags.error(o.where, is.path, is.message);
      } else {  // a problem the override causes elsewhere in the scenario
        diags.error(o.where, o.key, "with this value, " + is.str());
      }
    }
  }
  checked_[o.assignment()] = ok;
  return ok;
}

// The combination is loaded first: overrides that are valid only together (servers with
// initial_replicas, say) make a run. Only when it is rejected are the overrides tried one at a
// time, so that a value the scenario rejects on its own is reported at its own place.
std::optional<PlannedRun> RunFactory::make(const std::vector<Override>& overrides, uint64_t seed,
                                           std::vector<std::string> labels, Diagnostics& diags) {
  PlannedRun run;
  run.overrides = spec_.sets;
  run.overrides.insert(run.overrides.end(), overrides.begin(), overrides.end());
  run.seed = seed;
  run.labels = std::move(labels);
  try {
    const auto sc = load(base_text_, spec_.scenario, run.assignments());
    run.id = hash_id(sc.resolved_yaml);
    return run;
  } catch (const InputError& e) {
    bool alone_ok = true;
    for (const auto& o : overrides) alone_ok = check_alone(o, diags) && alone_ok;
    if (!alone_ok) return std::nullopt;
    if (++combination_problems_ <= kMaxCombinationProblems) {
      const Location where = overrides.empty() ? Location{spec_.path, 0, 0} : overrides.front().where;
      for (const Issue& is : e.issues()) {
        std::string msg;
        for (const auto& o : overrides) msg += (msg.empty() ? "" : ", ") + o.key + "=" + o.value;
        diags.error(where, "", "this combination (" + msg + ", seed=" + std::to_string(seed) + ") is rejected: " + is.str());
      }
    }
    return std::nullopt;
  }
}

std::vector<PlannedRun> plan_sweep_runs(const SweepSpec& spec) {
  RunFactory factory(spec);
  Diagnostics diags;
  std::vector<PlannedRun> runs;
  const size_t points = spec.points();
  std::vector<size_t> digit(spec.groups.size(), 0);
  for (size_t p = 0; p < points; ++p) {
    std::vector<Override> overrides;
    std::vector<std::string> labels;
    for (size_t g = 0; g < spec.groups.size(); ++g) {
      for (const auto& axis : spec.groups[g].axes) {
        const AxisValue& v = axis.values[digit[g]];
        labels.push_back(v.label);
        overrides.insert(overrides.end(), v.sets.begin(), v.sets.end());
      }
    }
    for (const uint64_t seed : factory.seeds()) {
      if (auto run = factory.make(overrides, seed, labels, diags)) {
        run->number = runs.size();
        runs.push_back(std::move(*run));
      } else {
        runs.emplace_back();  // keeps the numbering; the sweep fails below anyway
      }
    }
    for (size_t g = spec.groups.size(); g-- > 0;) {  // odometer: the last group fastest
      if (++digit[g] < spec.groups[g].size()) break;
      digit[g] = 0;
    }
  }
  diags.throw_if_errors();
  return runs;
}

std::vector<PlannedRun> shard_runs(const std::vector<PlannedRun>& runs, size_t i, size_t n) {
  std::vector<PlannedRun> out;
  for (const auto& r : runs) {
    if (r.number % n == i) out.push_back(r);
  }
  return out;
}

}  // namespace dcsim::experiments
