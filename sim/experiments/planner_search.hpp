// The planner's search (docs/experiments.md, "The planner"): the least capacity x such that every
// constraint holds, assuming feasibility is monotone (more capacity never breaks a constraint).
//
// One axis, values from + k·step, k = 0..K:
//   bounded: bisection on k with k = −1 taken as infeasible and k = K+1 as feasible (neither
//            run): at most ⌈log2(K+2)⌉ points, and "no answer in the range" when k = K fails.
//   no `to`: galloping, k = 0, 1, 3, 7, ..., 2^i − 1 until a feasible point, then bisection
//            between the last infeasible and the first feasible one.
// Several axes, cost Σ cost_i · x_i: every combination of the other axes (a grid, in increasing
// order) with a bisection on the last axis; monotonicity bounds the last axis by the answer of
// any dominated combination already solved, and combinations (and last-axis values) that cannot
// beat the best cost found are not run. Exact under monotonicity. The answer, if inferred rather
// than run, is run to confirm it.
//
// The search knows nothing of runs: it calls `evaluate` for a point and receives whether it is
// feasible (or that runs failed, which stops it).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/experiments/sweep_spec.hpp"

namespace dcsim::experiments {

using Point = std::vector<long>;  // one value per capacity axis (not k: the axis values)

struct PointVerdict {
  bool feasible = false;
  bool failed = false;  // a run of the point failed: the search stops
};

using Evaluate = std::function<PointVerdict(const Point&)>;

struct SearchResult {
  std::optional<Point> best;
  double best_cost = 0;
  std::vector<Point> evaluated;  // in the order they were run
  std::string stopped;           // why the search stopped early ("" when it finished)
  std::string note;              // e.g. a monotonicity violation seen
};

double point_cost(const std::vector<CapacityAxis>& axes, const Point& x);

SearchResult search_least(const PlanSpec& plan, const Evaluate& evaluate);

}  // namespace dcsim::experiments
