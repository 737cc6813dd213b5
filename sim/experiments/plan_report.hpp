// What the planner learned at each point it ran, and its report: the console lines, DIR/plan.md
// (question, answer, binding constraint, runs, the table of points) and DIR/plan.csv (the
// constraint curves: one row per point, each constraint's judged value, limit and verdict).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "sim/experiments/planner_search.hpp"
#include "sim/experiments/sweep_spec.hpp"

namespace dcsim::experiments {

struct PointRecord {
  Point x;
  double cost = 0;
  bool feasible = false;
  bool failed = false;
  std::vector<std::vector<double>> per_seed;  // per constraint, one value per seed
  std::vector<double> judged;                 // per constraint: worst seed, or the confidence bound
  std::vector<bool> holds;                    // per constraint
  size_t runs = 0;
  size_t new_runs = 0;
};

struct PlanSummary {
  const SweepSpec* spec = nullptr;
  std::vector<uint64_t> seeds;
  std::vector<PointRecord> points;  // in the order run
  SearchResult result;
  size_t runs = 0;
  size_t reused = 0;
  double wall_s = 0;
  std::string dir;
};

// "servers=5"
std::string point_text(const PlanSpec& plan, const Point& x);
// One console line for a point: "servers=5: infeasible: p99_surge 23.1 > 20 s (binding) ..."
std::string point_line(const PlanSpec& plan, const PointRecord& p);
// The constraints that fail just below the answer (along the last axis), as "name (value vs limit)".
std::vector<std::string> binding_constraints(const PlanSummary& s);

void print_plan_result(const PlanSummary& s, std::ostream& out);
void write_plan_report(const PlanSummary& s);  // DIR/plan.md and DIR/plan.csv

}  // namespace dcsim::experiments
