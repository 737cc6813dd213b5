// One run: scenario -> world -> engine -> recorder -> sink. Used by `dcsim run` and by tests.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "sim/engine/engine.hpp"
#include "sim/output/sink.hpp"
#include "sim/run/invariants.hpp"
#include "sim/scenario/loader.hpp"

namespace dcsim {

struct RunOptions {
  std::function<void(const Progress&)> progress;  // unset: no progress reports
  bool catch_signals = false;  // SIGINT, SIGTERM, SIGHUP stop the run cleanly (complete = false)
  // Test hook: called after the run, before the invariant check, to corrupt counts on purpose.
  std::function<void(RequestCounts&)> tamper_counts;
};

struct RunResult {
  RunStats stats;
  RequestCounts counts;
  std::vector<output::SummaryEntry> summary;
  std::vector<std::string> overloaded;  // "site/pool: why" for pools whose backlog grew without bound
  bool complete = false;
  int signal = 0;  // the signal that stopped the run (0: none)
};

// Builds everything the scenario describes (platform, models, their input files) without
// running it: problems found while building (a trace file with a bad row, ...) throw InputError.
void build_scenario(const scenario::LoadedScenario& scenario);

// Runs the scenario, writing into `sink` (may be null). On an invariant violation, or any
// exception once the sink is open (std::bad_alloc, a write error), the sink is closed with
// complete = false and stop_reason "error: ..." (best effort: a sink that cannot write any more
// keeps what it had) and the exception is rethrown.
RunResult run_scenario(const scenario::LoadedScenario& scenario, output::Sink* sink, const RunOptions& options = {});

}  // namespace dcsim
