#include "sim/run/run.hpp"

#include <chrono>
#include <ctime>
#include <filesystem>

#include "sim/output/recorder.hpp"
#include "sim/platform/simgrid_platform.hpp"
#include "sim/world/world.hpp"

namespace dcsim {

namespace {

std::string utc_now_iso() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}
}  // namespace

void build_scenario(const scenario::LoadedScenario& sc) {
  Engine engine(platform::simgrid_config());
  output::Recorder recorder(engine, sc.root.child("record").num("step"));
  World world(sc.root, std::filesystem::path(sc.path).parent_path().string(), engine, recorder);
}

RunResult run_scenario(const scenario::LoadedScenario& sc, output::Sink* sink, const RunOptions& options) {
  const auto& root = sc.root;
  Engine engine(platform::simgrid_config());
  if (options.catch_sigint) engine.catch_sigint();
  if (options.progress) engine.set_progress_callback(options.progress);

  const double horizon = root.num("horizon");
  const double step = root.child("record").num("step");
  output::Recorder recorder(engine, step);
  World world(root, std::filesystem::path(sc.path).parent_path().string(), engine, recorder);

  output::RunMeta meta;
  meta.dcsim_version = DCSIM_VERSION;
  meta.scenario_name = root.str("name");
  meta.scenario_path = sc.path;
  meta.scenario_text = sc.resolved_yaml;
  meta.seed = static_cast<uint64_t>(root.integer("seed"));
  meta.started_utc = utc_now_iso();
  meta.horizon_s = horizon;
  meta.record_step_s = step;
  meta.fidelity = root.str("fidelity");
  for (const auto& w : world.workloads()) meta.workload_names.push_back(w->name());
  meta.request_sample_fraction = root.child("record").num("requests");

  recorder.start(sink, meta);
  world.start(horizon);
  RunResult result;
  result.stats = engine.run(horizon);
  const double end = result.stats.end_time_s;
  world.log_overloads(recorder);
  recorder.finish(end);

  result.counts = world.request_counts();
  result.summary = world.summary(end);
  result.overloaded = world.overloaded_pools();
  result.complete = result.stats.reason != StopReason::interrupted;
  if (options.tamper_counts) options.tamper_counts(result.counts);

  output::RunEnd run_end;
  run_end.summary = result.summary;
  run_end.wall_seconds = result.stats.wall_s;
  run_end.simulated_s = end;
  run_end.complete = result.complete;
  run_end.stop_reason = to_string(result.stats.reason);
  try {
    check_request_invariant(result.counts);
  } catch (const InvariantError& e) {
    run_end.complete = false;
    run_end.stop_reason = std::string("error: ") + e.what();
    if (sink) sink->close(run_end);
    throw;
  }
  if (sink) sink->close(run_end);
  return result;
}

}  // namespace dcsim
