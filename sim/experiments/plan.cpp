// `dcsim plan` (experiment.hpp): the search of planner_search.hpp over runs made by the sweep's
// machinery (RunFactory, RunBook), so a plan resumes like a sweep and reuses any run already in
// its directory.
#include <cmath>
#include <filesystem>
#include <optional>
#include <ostream>

#include "sim/experiments/experiment.hpp"
#include "sim/experiments/experiment_meta.hpp"
#include "sim/experiments/index.hpp"
#include "sim/experiments/plan_report.hpp"
#include "sim/experiments/run_book.hpp"
#include "sim/experiments/stats.hpp"

namespace dcsim::experiments {

using scenario::Diagnostics;
using scenario::InputError;

namespace {

constexpr int kExitNoAnswer = 3;

std::vector<Override> point_overrides(const PlanSpec& plan, const Point& x) {
  std::vector<Override> os;
  for (size_t i = 0; i < plan.axes.size(); ++i) os.push_back(Override{plan.axes[i].key, std::to_string(x[i]), plan.axes[i].where});
  return os;
}

std::vector<std::string> point_labels(const Point& x) {
  std::vector<std::string> ls;
  for (const long v : x) ls.push_back(std::to_string(v));
  return ls;
}

size_t output_index(const SweepSpec& spec, const std::string& name) {
  for (size_t i = 0; i < spec.outputs.size(); ++i) {
    if (spec.outputs[i].name == name) return i;
  }
  return 0;  // parse_plan checked that it exists
}

// Nothing runs before every capacity axis has been tried at both ends against the scenario.
void validate_ends(const PlanSpec& plan, RunFactory& factory) {
  Diagnostics diags;
  Point low;
  for (const auto& a : plan.axes) low.push_back(a.from);
  factory.make(point_overrides(plan, low), factory.seeds().front(), point_labels(low), diags);
  for (size_t i = 0; i < plan.axes.size(); ++i) {
    if (!plan.axes[i].to) continue;
    Point x = low;
    x[i] = *plan.axes[i].to;
    factory.make(point_overrides(plan, x), factory.seeds().front(), point_labels(x), diags);
  }
  diags.throw_if_errors();
}

}  // namespace

int run_plan(const SweepSpec& spec, const ExperimentOptions& opt, Executor& ex, std::ostream& out, std::ostream& err) {
  if (!spec.plan) {
    throw InputError(Location{spec.path, 1, 1}, "plan", "no 'plan:' section: this is a sweep file (run it with 'dcsim sweep'), "
                                                        "or add plan: {minimize: ..., constraints: [...]}");
  }
  if (!spec.groups.empty()) {
    throw InputError(spec.groups.front().axes.front().where, "axes",
                     "a plan file has no 'axes:': the capacity axes are under plan.minimize, the seeds under seeds:");
  }
  const PlanSpec& plan = *spec.plan;
  RunFactory factory(spec);
  if (plan.confidence > 0 && factory.seeds().size() < 2) {
    throw InputError(plan.where, "plan.confidence", "a confidence on the mean needs at least 2 seeds (seeds: {count: 5})");
  }
  validate_ends(plan, factory);
  if (opt.dry_run) {
    if (ex.root()) out << "plan: " << spec.path << ": ok (" << plan.axes.size() << " capacity axis/axes, " << plan.constraints.size()
                       << " constraint(s), " << factory.seeds().size() << " seed(s)); nothing was run\n";
    return 0;
  }
  std::vector<std::string> axis_names;
  for (const auto& a : plan.axes) axis_names.push_back(a.name);
  std::filesystem::create_directories(opt.dir + "/runs");
  if (ex.root()) write_file_atomically(opt.dir + "/experiment.yaml", experiment_yaml(spec, "plan", axis_names));

  BookOptions bo;
  bo.index_path = opt.dir + "/index.csv";
  bo.progress = false;  // one line per point instead
  bo.label = "plan";
  RunBook book(Workspace{opt.dir, opt.dcsim, spec.scenario}, axis_names, spec.outputs, ex, bo, err);
  const bool talk = ex.root() && !opt.quiet;
  if (talk) {
    err << "plan: " << spec.name << ": least ";
    for (size_t i = 0; i < plan.axes.size(); ++i) {
      err << (i ? " + " : "");
      if (plan.axes.size() > 1) err << plan.axes[i].cost << "·";
      err << plan.axes[i].name;
    }
    err << " such that ";
    for (size_t i = 0; i < plan.constraints.size(); ++i) err << (i ? ", " : "") << plan.constraints[i].str();
    if (plan.confidence > 0) {
      err << " with " << plan.confidence * 100 << " % confidence on the mean of " << factory.seeds().size() << " seeds";
    } else {
      err << " for every seed (" << factory.seeds().size() << ")";
    }
    err << "; on " << ex.describe() << "\n";
  }

  PlanSummary summary;
  summary.spec = &spec;
  summary.seeds = factory.seeds();
  summary.dir = opt.dir;
  size_t next_number = 0;
  std::optional<scenario::Issue> problem;  // an output a constraint needs is missing from the run files
  const Evaluate evaluate = [&](const Point& x) {
    Diagnostics diags;
    std::vector<PlannedRun> runs;
    for (const uint64_t seed : factory.seeds()) {
      auto r = factory.make(point_overrides(plan, x), seed, point_labels(x), diags);
      if (!r) diags.throw_if_errors();
      r->number = next_number++;
      runs.push_back(std::move(*r));
    }
    const size_t reused_before = book.reused();
    const auto idx = book.ensure(runs);
    PointRecord p;
    p.x = x;
    p.cost = point_cost(plan.axes, x);
    p.runs = runs.size();
    p.new_runs = runs.size() - (book.reused() - reused_before);
    for (const size_t i : idx) p.failed = p.failed || book.entry(i).outcome.status != RunStatus::ok;
    p.feasible = !p.failed;
    for (const auto& c : plan.constraints) {
      const size_t oi = output_index(spec, c.output);
      std::vector<double> vs;
      for (const size_t i : idx) {
        const auto& e = book.entry(i);
        vs.push_back(e.outputs.values.empty() ? NAN : e.outputs.values[oi]);
        if (!e.outputs.problems.empty() && !e.outputs.problems[oi].empty() && !problem) {
          problem = scenario::Issue{c.where, "plan.constraints", "output '" + c.output + "': " + e.outputs.problems[oi]};
        }
      }
      double judged = NAN;
      if (plan.confidence > 0) {
        judged = confidence_bound(vs, plan.confidence, c.upper);
      } else if (!vs.empty()) {
        judged = vs.front();
        for (const double v : vs) judged = (std::isnan(v) || std::isnan(judged)) ? NAN : (c.upper ? std::max(judged, v) : std::min(judged, v));
      }
      const bool holds = !std::isnan(judged) && (c.upper ? judged <= c.limit : judged >= c.limit);
      p.per_seed.push_back(vs);
      p.judged.push_back(judged);
      p.holds.push_back(holds);
      p.feasible = p.feasible && holds;
    }
    if (problem) p.failed = true;
    if (talk) err << "plan: " << point_line(plan, p) << "\n" << std::flush;
    summary.points.push_back(p);
    return PointVerdict{p.feasible, p.failed || ex.interrupted()};
  };
  summary.result = search_least(plan, evaluate);
  summary.runs = book.entries().size();
  summary.reused = book.reused();
  summary.wall_s = book.elapsed_s();
  if (problem) throw InputError(std::vector<scenario::Issue>{*problem});
  if (!ex.root()) return ex.interrupted() ? 130 : 0;
  if (ex.interrupted()) {
    err << "plan: interrupted; run the same command again to resume (completed runs are kept)\n";
    return 130;
  }
  if (book.failed() > 0) {
    for (const auto& e : book.entries()) {
      if (e.outcome.status == RunStatus::failed) {
        err << "plan: run " << e.run.number << " (" << e.run.describe(axis_names) << ") failed: " << e.outcome.error
            << "\n  log: " << book.workspace().log_file(e.run) << "\n";
      }
    }
    err << "plan: stopped: a failed run leaves its point undecided\n";
    return 1;
  }
  write_plan_report(summary);
  print_plan_result(summary, out);
  return summary.result.best ? 0 : kExitNoAnswer;
}

}  // namespace dcsim::experiments
