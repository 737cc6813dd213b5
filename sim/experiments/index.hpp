// The sweep's index: one CSV row per run (pandas.read_csv(DIR/index.csv) reads it in one call):
//   run, id, <one column per axis>, seed, status, exit_code, wall_s, <one column per output>, file, error
// `status` is ok, failed, interrupted or pending; `wall_s` is the run's own wall time (the run
// file's wall_seconds; the child process's for a failed run); outputs are empty where unknown.
// Written to a temporary file beside it and renamed, so that a reader (or a crash) never sees a
// half-written index (no fsync: it guards against a crash of the process, not of the machine).
#pragma once

#include <string>
#include <vector>

namespace dcsim::experiments {

// A CSV field, quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& s);
// Numbers in the index: integers exactly, others with 10 significant digits, NaN as "".
std::string csv_number(double v);

// Writes `text` to `path` atomically (temporary file in the same directory, then rename).
// Throws std::runtime_error naming the file on failure.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace dcsim::experiments
