// `dcsim inspect`: a human summary of a run file written by Hdf5Writer (docs/output-format.md).
#pragma once

#include <ostream>
#include <string>

namespace dcsim::output {

// Prints the run's root attributes, the /summary totals with units, the number of events counted
// by kind and (unless summary_only) every series grouped by group with units and
// min / mean / max over its non-NaN values. Deterministic for identical files; with summary_only
// it leaves out what differs between two runs of the same scenario (started_utc, wall_seconds,
// scenario_path). Throws std::runtime_error if `path` does not exist, is not HDF5 or is not a
// dcsim run file.
void inspect_run(const std::string& path, std::ostream& out, bool summary_only);

}  // namespace dcsim::output
