#include "sim/experiments/plan_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <sstream>

#include "sim/experiments/index.hpp"
#include "sim/experiments/run_book.hpp"

namespace dcsim::experiments {

namespace {

std::string num(double v) {
  if (std::isnan(v)) return "NaN";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string verdict(const Constraint& c, double judged, bool holds) {
  return c.output + " " + num(judged) + (holds ? (c.upper ? " <= " : " >= ") : (c.upper ? " > " : " < ")) + c.limit_text;
}

const PointRecord* find_point(const PlanSummary& s, const Point& x) {
  for (const auto& p : s.points) {
    if (p.x == x) return &p;
  }
  return nullptr;
}

std::string hold_rule(const PlanSummary& s) {
  const auto& plan = *s.spec->plan;
  std::string seeds;
  for (size_t i = 0; i < s.seeds.size(); ++i) seeds += (i ? ", " : "") + std::to_string(s.seeds[i]);
  if (plan.confidence > 0) {
    return "with " + num(plan.confidence * 100) + " % one-sided confidence on the mean over seeds " + seeds;
  }
  return "for every seed (" + seeds + ")";
}

std::vector<const PointRecord*> sorted_points(const PlanSummary& s) {
  std::vector<const PointRecord*> ps;
  for (const auto& p : s.points) ps.push_back(&p);
  std::sort(ps.begin(), ps.end(), [](const PointRecord* a, const PointRecord* b) { return a->x < b->x; });
  return ps;
}

}  // namespace

std::string point_text(const PlanSpec& plan, const Point& x) {
  std::string s;
  for (size_t i = 0; i < plan.axes.size() && i < x.size(); ++i) s += (i ? ", " : "") + plan.axes[i].name + "=" + std::to_string(x[i]);
  return s;
}

std::string point_line(const PlanSpec& plan, const PointRecord& p) {
  std::string s = point_text(plan, p.x) + ": " + (p.failed ? "runs failed" : p.feasible ? "feasible" : "infeasible") + ":";
  for (size_t i = 0; i < plan.constraints.size() && i < p.judged.size(); ++i) {
    s += (i ? "; " : " ") + verdict(plan.constraints[i], p.judged[i], p.holds[i]);
  }
  return s + "  (" + std::to_string(p.runs) + " runs, " + std::to_string(p.new_runs) + " new)";
}

std::vector<std::string> binding_constraints(const PlanSummary& s) {
  std::vector<std::string> out;
  if (!s.result.best) return out;
  const auto& plan = *s.spec->plan;
  Point below = *s.result.best;
  below.back() -= plan.axes.back().step;
  const PointRecord* p = find_point(s, below);
  if (p == nullptr) return out;
  for (size_t i = 0; i < plan.constraints.size(); ++i) {
    if (!p->holds[i]) out.push_back(verdict(plan.constraints[i], p->judged[i], false) + " at " + point_text(plan, below));
  }
  return out;
}

void print_plan_result(const PlanSummary& s, std::ostream& out) {
  const auto& plan = *s.spec->plan;
  if (s.result.best) {
    out << "answer: " << point_text(plan, *s.result.best);
    if (plan.axes.size() > 1) out << " (cost " << num(s.result.best_cost) << ")";
    out << "\n";
    if (const PointRecord* p = find_point(s, *s.result.best)) {
      out << "  at the answer:";
      for (size_t i = 0; i < plan.constraints.size(); ++i) out << (i ? ";" : "") << " " << verdict(plan.constraints[i], p->judged[i], p->holds[i]);
      out << "\n";
    }
    const auto binding = binding_constraints(s);
    if (binding.empty()) {
      out << "  binding constraint: none below the answer (it is the least value of the range)\n";
    } else {
      for (const auto& b : binding) out << "  binding constraint: " << b << "\n";
    }
  } else {
    out << "answer: none: no point in the range satisfies every constraint" << (s.result.stopped.empty() ? "" : " (search stopped: " + s.result.stopped + ")") << "\n";
  }
  if (!s.result.note.empty()) out << "  note: " << s.result.note << "\n";
  out << "  runs: " << s.runs << " (" << s.points.size() << " points x " << s.seeds.size() << " seeds; " << s.reused
      << " already complete), " << format_duration(s.wall_s) << " wall; request-level runs only (no fluid bracketing yet)\n";
  out << "  report: " << s.dir << "/plan.md, curves: " << s.dir << "/plan.csv (plots: python3 -m dcsim_analysis sweep " << s.dir << ")\n";
}

void write_plan_report(const PlanSummary& s) {
  const auto& plan = *s.spec->plan;
  std::ostringstream csv;
  for (const auto& a : plan.axes) csv << csv_field(a.name) << ",";
  csv << "cost,feasible";
  for (const auto& c : plan.constraints) csv << "," << csv_field(c.output) << "," << csv_field(c.output + "_limit") << "," << csv_field(c.output + "_holds");
  csv << "\n";
  for (const PointRecord* p : sorted_points(s)) {
    for (const long v : p->x) csv << v << ",";
    csv << csv_number(p->cost) << "," << (p->feasible ? 1 : 0);
    for (size_t i = 0; i < plan.constraints.size(); ++i) {
      csv << "," << csv_number(p->judged[i]) << "," << csv_number(plan.constraints[i].limit) << "," << (p->holds[i] ? 1 : 0);
    }
    csv << "\n";
  }
  write_file_atomically(s.dir + "/plan.csv", csv.str());

  std::ostringstream md;
  md << "# Plan: " << s.spec->name << "\n\n";
  md << "Question: the least ";
  for (size_t i = 0; i < plan.axes.size(); ++i) md << (i ? " + " : "") << (plan.axes.size() > 1 ? num(plan.axes[i].cost) + " × " : "") << "`" << plan.axes[i].key << "`";
  md << " such that ";
  for (size_t i = 0; i < plan.constraints.size(); ++i) md << (i ? ", " : "") << "`" << plan.constraints[i].str() << "`";
  md << ", " << hold_rule(s) << ". Base scenario: `" << s.spec->scenario << "`.\n\n";
  std::ostringstream result;
  print_plan_result(s, result);
  md << "```\n" << result.str() << "```\n\n";
  md << "Each constraint's value at a point is " << (plan.confidence > 0 ? "the one-sided confidence bound on its mean over the seeds" : "its worst value over the seeds")
     << "; a NaN (nothing observed in the window) counts as violated.\n\n";
  md << "| ";
  for (const auto& a : plan.axes) md << a.name << " | ";
  md << "feasible |";
  for (const auto& c : plan.constraints) md << " " << c.str() << " |";
  md << "\n|";
  for (size_t i = 0; i < plan.axes.size() + 1 + plan.constraints.size(); ++i) md << "---|";
  md << "\n";
  for (const PointRecord* p : sorted_points(s)) {
    md << "| ";
    for (const long v : p->x) md << v << " | ";
    md << (p->feasible ? "yes" : "no") << " |";
    for (size_t i = 0; i < plan.constraints.size(); ++i) md << " " << num(p->judged[i]) << (p->holds[i] ? "" : " ✗") << " |";
    md << "\n";
  }
  md << "\nConstraint curves: `plan.csv` (one row per point); plots: `python3 -m dcsim_analysis sweep " << s.dir
     << "`. Every run: `index.csv`, files in `runs/`.\n";
  write_file_atomically(s.dir + "/plan.md", md.str());
}

}  // namespace dcsim::experiments
