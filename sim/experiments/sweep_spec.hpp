// What a sweep or plan file says, as plain data (docs/experiments.md):
//   scenario  the base scenario file (relative to the sweep file)
//   set       fixed overrides applied to every run
//   axes      key paths with lists, ranges or named cases; crossed, or zipped inside a `zip:` group
//   seeds     the seeds every point runs with (default: the base scenario's own seed)
//   outputs   what the index collects from each run: a /summary attribute, or a statistic of a
//             series over a time window, optionally divided by another output
//   plan      (dcsim plan) the capacity axes to minimise and the constraints that must hold
// Every element keeps its location in the sweep file, so that a value the scenario loader rejects
// is reported at the sweep file's line and column.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario/diagnostics.hpp"

namespace dcsim::experiments {

using scenario::Location;

// One scenario override: key.path=value (the value as YAML text, as --set takes it).
struct Override {
  std::string key;
  std::string value;
  Location where;  // the value's place in the sweep file
  std::string assignment() const { return key + "=" + value; }
};

// One value of an axis: the text shown in the index and the overrides it stands for
// (one for a key axis, several for a named case).
struct AxisValue {
  std::string label;
  std::vector<Override> sets;
};

// One column of the index.
struct Axis {
  std::string name;
  std::vector<AxisValue> values;
  Location where;
};

// Axes that advance together (a `zip:` group); a plain axis is a group of one. Groups are crossed.
struct AxisGroup {
  std::vector<Axis> axes;
  size_t size() const { return axes.empty() ? 0 : axes.front().values.size(); }
};

enum class Stat { mean, min, max, sum, first, last, count, quantile };

struct OutputSpec {
  std::string name;
  std::string summary;  // a /summary attribute ...
  std::string series;   // ... or a series path "workloads/images/latency_p99_s"
  Stat stat = Stat::mean;
  double quantile = 0;  // for Stat::quantile, in [0, 1]
  double window_from = -std::numeric_limits<double>::infinity();  // samples with from < t <= to
  double window_to = std::numeric_limits<double>::infinity();
  std::string divide_by;  // another output's name: this output is the ratio
  Location where;
};

// One capacity axis of the planner: an integer key from `from` to `to` (inclusive) in steps.
struct CapacityAxis {
  std::string name;
  std::string key;
  long from = 0;
  std::optional<long> to;  // absent: gallop upwards from `from`
  long step = 1;
  double cost = 1;  // weight in the cost to minimise
  Location where;
  long value(long k) const { return from + k * step; }
};

struct Constraint {
  std::string output;
  bool upper = true;  // true: output <= limit; false: output >= limit
  double limit = 0;   // SI (a unit written with the limit is converted)
  std::string limit_text;
  Location where;
  std::string str() const { return output + (upper ? " <= " : " >= ") + limit_text; }
};

struct PlanSpec {
  std::vector<CapacityAxis> axes;
  std::vector<Constraint> constraints;
  double confidence = 0;  // 0: every seed must satisfy; else one-sided confidence on the mean
  long max_points = 10000;
  Location where;
};

struct SweepSpec {
  std::string path;      // the sweep file
  std::string name;
  std::string scenario;  // the base scenario, absolute
  std::vector<Override> sets;
  std::vector<AxisGroup> groups;
  std::vector<uint64_t> seeds;  // empty: the base scenario's seed
  std::vector<OutputSpec> outputs;
  std::optional<PlanSpec> plan;

  // The index columns of the axes, in order.
  std::vector<std::string> axis_names() const;
  // Number of points of the crossed product (seeds not counted).
  size_t points() const;
};

// Parse a sweep (or plan) file. Every problem of the file itself is collected with its
// file:line:column and thrown as one scenario::InputError. The base scenario is not loaded here
// (run_plan.hpp validates every run against it).
SweepSpec parse_sweep_file(const std::string& path);
SweepSpec parse_sweep_text(const std::string& text, const std::string& path);

}  // namespace dcsim::experiments
