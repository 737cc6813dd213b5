// The runs of one sweep or plan directory and their index: what the sweep and the planner share.
//
// ensure(runs) makes every run available: a run already in the book is reused, a run whose file
// DIR/runs/ID.h5 is complete is taken as it is (resume: nothing is run twice), the others are run
// by the executor. After each run ends the index is rewritten (atomically), so that a crash or a
// Ctrl-C leaves an index that tells what was done. Outputs are collected from the run files, so
// adding an output to a sweep file and running it again fills the new column without running
// anything.
#pragma once

#include <chrono>
#include <iosfwd>
#include <set>
#include <string>
#include <vector>

#include "sim/experiments/collect.hpp"
#include "sim/experiments/executor.hpp"

namespace dcsim::experiments {

struct BookEntry {
  PlannedRun run;
  RunOutcome outcome;
  Collected outputs;
  bool reused = false;  // complete before this invocation
};

struct BookOptions {
  std::string index_path;          // DIR/index.csv (or a shard's index)
  bool progress = true;            // a line per finished run (one updated line on a terminal)
  bool tty = false;
  std::string label = "sweep";     // prefix of the progress lines
};

class RunBook {
 public:
  RunBook(Workspace ws, std::vector<std::string> axis_names, std::vector<OutputSpec> outputs, Executor& ex,
          BookOptions options, std::ostream& err);

  // Indices into entries(), one per run, in order. `total` (0: unknown) is the size of the
  // whole job for the ETA.
  std::vector<size_t> ensure(const std::vector<PlannedRun>& runs, size_t total = 0, bool execute = true);
  // The same without running anything: runs without a complete file stay `pending`.
  std::vector<size_t> ensure_collected(const std::vector<PlannedRun>& runs) { return ensure(runs, 0, false); }
  const std::vector<BookEntry>& entries() const { return entries_; }
  const BookEntry& entry(size_t i) const { return entries_[i]; }
  void write_index() const;  // on the root process only
  size_t ran() const { return ran_; }
  size_t reused() const { return reused_; }
  size_t failed() const;
  double elapsed_s() const;
  const Workspace& workspace() const { return ws_; }
  Executor& executor() { return ex_; }

 private:
  void collect(BookEntry& e);
  void progress(size_t done, size_t total, const BookEntry& e);

  Workspace ws_;
  std::vector<std::string> axis_names_;
  std::vector<OutputSpec> outputs_;
  Executor& ex_;
  BookOptions options_;
  std::ostream& err_;
  std::vector<BookEntry> entries_;
  std::set<std::string> warned_;
  size_t ran_ = 0;
  size_t reused_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// "1:02:03"
std::string format_duration(double seconds);

}  // namespace dcsim::experiments
