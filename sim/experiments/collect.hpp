// Reading a sweep's outputs from one run file (docs/output-format.md): a /summary attribute, or a
// statistic of one series over a time window. Generic by design: any attribute and any series a
// run writes can be collected, so facility power, emissions or cost become outputs (and planner
// constraints) the day their models write them, with no change here.
//
// A series output takes the samples whose time t (the end of their step) lies in (from, to],
// skips NaN samples (steps in which a quantile series saw nothing), and computes
//   mean, min, max, sum, first, last, count (of non-NaN samples), or pNN (a percentile of the
//   sample values, linear interpolation between order statistics, numpy's default).
// No sample in the window gives NaN (count gives 0). `divide_by` divides by another output.
#pragma once

#include <string>
#include <vector>

#include "sim/experiments/sweep_spec.hpp"

namespace dcsim::experiments {

struct Collected {
  std::vector<double> values;         // one per output, NaN where it could not be computed
  std::vector<std::string> problems;  // one per output ("" when fine): a missing attribute or series
};

// Throws std::runtime_error when the file cannot be read as a dcsim run file.
Collected collect_outputs(const std::string& run_file, const std::vector<OutputSpec>& outputs);

// The statistic of `values` (times `times`) over the output's window (exposed for tests).
double series_statistic(const OutputSpec& o, const std::vector<double>& times, const std::vector<double>& values);

// True when `run_file` exists and is a dcsim run file with complete = 1.
bool run_file_complete(const std::string& run_file);

}  // namespace dcsim::experiments
