#include "sim/run/run.hpp"

#include <chrono>
#include <csignal>
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

namespace {

// "interrupted" for Ctrl-C (as before), else "interrupted by SIGTERM" / "... by SIGHUP".
std::string stop_reason(const RunStats& stats, int signal) {
  if (stats.reason != StopReason::interrupted || signal == SIGINT || signal == 0) return to_string(stats.reason);
  return std::string("interrupted by ") + (signal == SIGTERM ? "SIGTERM" : signal == SIGHUP ? "SIGHUP" : "a signal");
}

// After an exception with the sink open: mark the output unfinished, keep what it holds.
void close_after_error(output::Sink* sink, const std::exception& e, double now, double wall_s) noexcept {
  if (!sink) return;
  output::RunEnd end;
  end.complete = false;
  end.simulated_s = now;
  end.wall_seconds = wall_s;
  try {
    end.stop_reason = std::string("error: ") + e.what();
    sink->close(end);
  } catch (...) {  // the sink cannot write any more: it keeps its last flush
  }
}

}  // namespace

RunResult run_scenario(const scenario::LoadedScenario& sc, output::Sink* sink, const RunOptions& options) {
  const auto& root = sc.root;
  Engine engine(platform::simgrid_config());
  if (options.catch_signals) engine.catch_stop_signals();
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
  meta.fidelity = world.fidelity();
  for (const auto& w : world.workloads()) meta.workload_names.push_back(w->name());
  meta.request_sample_fraction = root.child("record").num("requests");
  meta.warmup_s = root.child("record").num("warmup");

  recorder.start(sink, meta);
  RunResult result;
  output::RunEnd run_end;
  const auto wall_start = std::chrono::steady_clock::now();
  try {
    world.start(horizon);
    result.stats = engine.run(horizon);
    const double end = result.stats.end_time_s;
    world.log_overloads(sink);
    world.finish(end);
    recorder.finish(end);

    result.counts = world.request_counts();
    result.summary = world.summary(end);
    result.overloaded = world.overloaded_pools();
    result.complete = result.stats.reason != StopReason::interrupted;
    result.signal = engine.stop_signal();
    if (options.tamper_counts) options.tamper_counts(result.counts);

    run_end.summary = result.summary;
    run_end.wall_seconds = result.stats.wall_s;
    run_end.simulated_s = end;
    run_end.complete = result.complete;
    run_end.stop_reason = stop_reason(result.stats, result.signal);
  } catch (const std::exception& e) {
    close_after_error(sink, e, engine.now(),
                      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count());
    throw;
  }
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
