#include "sim/cli/commands.hpp"

#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <new>
#include <unistd.h>

#include "sim/cli/progress.hpp"
#include "sim/cli/reference.hpp"
#include "sim/cli/scenario_options.hpp"
#include "sim/output/hdf5_inspect.hpp"
#include "sim/output/hdf5_writer.hpp"
#include "sim/output/output_path.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/scenario_schema.hpp"
#include "sim/scenario/units.hpp"

namespace dcsim::cli {

namespace {

scenario::LoadedScenario load(const ScenarioArgs& a) { return scenario::load_scenario(a.path, scenario_overrides(a)); }

// The run's attributes that the scenario text alone does not give (docs/output-format.md): the
// overrides, key=value separated by "; " (one line: reports show it in a table cell), and the names of each workload's tiers as the codes of the
// /requests `tier` field ("chat:0=free,1=paid;image:0=all").
void add_run_attributes(output::Hdf5Writer& writer, const ScenarioArgs& args, const scenario::Config& root) {
  std::string overrides;
  for (const auto& o : scenario_overrides(args)) overrides += (overrides.empty() ? "" : "; ") + o;
  writer.add_attribute("/", "overrides", overrides);
  std::string tiers;
  for (const auto& w : root.list("workloads")) {
    tiers += (tiers.empty() ? "" : ";") + w.str("name") + ":";
    const auto& list = w.list("tiers");
    if (list.empty()) tiers += "0=all";
    for (size_t i = 0; i < list.size(); ++i) tiers += (i ? "," : "") + std::to_string(i) + "=" + list[i].str("name");
  }
  writer.add_attribute("/requests", "tier_codes", tiers);
}

void print_input_error(const scenario::InputError& e) {
  std::cerr << e.what() << "\n";
  std::cerr << "dcsim: " << e.count() << " problem" << (e.count() == 1 ? "" : "s")
            << " in the input; nothing was run\n";
}

void print_summary(const RunResult& r, const std::string& output) {
  auto get = [&](const std::string& n) {
    for (const auto& s : r.summary) {
      if (s.name == n) return s.value;
    }
    return 0.0;
  };
  std::printf("dcsim: %s at t=%s (%s), %llu events in %.2f s wall\n", r.complete ? "finished" : "interrupted",
              units::format(r.stats.end_time_s, units::Quantity::time).c_str(), to_string(r.stats.reason),
              static_cast<unsigned long long>(r.stats.events), r.stats.wall_s);
  std::printf("  requests: %.0f arrived, %.0f completed, %.0f rejected, %.0f dropped, %.0f in flight\n",
              get("requests_arrived"), get("requests_completed"), get("requests_rejected"), get("requests_dropped"),
              get("requests_in_flight"));
  for (const auto& s : r.summary)
    if (s.name == "requests_held")
      std::printf("  deferred: %.0f requests held by admission, %.0f still held at the end\n", get("requests_deferred"),
                  s.value);
  std::printf("  latency: mean %.4g s, p50 %.4g s, p99 %.4g s; SLO attainment %.4g\n", get("latency_mean_s"),
              get("latency_p50_s"), get("latency_p99_s"), get("slo_attainment"));
  if (!std::isnan(get("ttft_p50_s"))) {  // LLM requests completed
    std::printf("  LLM: TTFT p50 %.4g s, p99 %.4g s; TPOT p50 %.4g s, p99 %.4g s\n", get("ttft_p50_s"), get("ttft_p99_s"),
                get("tpot_p50_s"), get("tpot_p99_s"));
  }
  std::printf("  IT energy: %.6g kWh (GPUs %.6g kWh, servers' non-GPU part %.6g kWh)\n", get("energy_it_j") / 3.6e6,
              get("energy_gpu_j") / 3.6e6, (get("energy_it_j") - get("energy_gpu_j")) / 3.6e6);
  for (const auto& o : r.overloaded) std::printf("  OVERLOADED %s\n", o.c_str());
  if (!output.empty()) std::printf("  output: %s\n", output.c_str());
}

}  // namespace

int cmd_run(const ScenarioArgs& args, const std::string& output_arg, bool quiet) {
  // SIGINT, SIGTERM and SIGHUP wait (blocked) until the engine's handlers are in place
  // (Engine::catch_stop_signals unblocks them): one sent while the scenario loads or the world
  // is built then stops the run cleanly at its start instead of killing the process.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&stop_signals, sig);
  sigprocmask(SIG_BLOCK, &stop_signals, nullptr);
  scenario::LoadedScenario sc;
  try {
    sc = load(args);
  } catch (const scenario::InputError& e) {
    print_input_error(e);
    return kExitInput;
  }
  const std::string output = output_arg.empty() ? sc.root.str("name") + ".h5" : output_arg;
  std::unique_ptr<output::Hdf5Writer> writer;
  try {
    output::check_output_path(output, {args.path});
    writer = std::make_unique<output::Hdf5Writer>(output);  // creates and locks OUT.partial
    add_run_attributes(*writer, args, sc.root);
  } catch (const output::OutputPathError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitInput;
  }
  ProgressLine progress(isatty(STDERR_FILENO) != 0 && !quiet);
  RunOptions options;
  options.catch_signals = true;
  if (progress.enabled()) options.progress = [&progress](const Progress& p) { progress.update(p); };
  // Every failure ends here with its message and exit code; the .partial is named when kept.
  auto failed = [&](const std::string& what, int code) {
    progress.finish();
    std::cerr << "dcsim: error: " << what << "\n";
    if (std::filesystem::exists(writer->partial_path()))
      std::cerr << "dcsim: the output so far is in " << writer->partial_path() << " (complete = 0)\n";
    return code;
  };
  try {
    const RunResult r = run_scenario(sc, writer.get(), options);
    progress.finish();
    if (!quiet) print_summary(r, output);
    if (r.complete) return kExitOk;
    return r.signal > 0 ? 128 + r.signal : kExitInterrupted;
  } catch (const scenario::InputError& e) {
    progress.finish();
    print_input_error(e);
    return kExitInput;
  } catch (const output::OutputPathError& e) {
    return failed(e.what(), kExitInput);
  } catch (const std::bad_alloc&) {
    return failed("out of memory (the scenario needs more than this machine has; try a smaller fleet, "
                  "a lower rate or a shorter horizon)",
                  kExitRuntime);
  } catch (const std::exception& e) {
    return failed(e.what(), kExitRuntime);
  }
}

int cmd_validate(const ScenarioArgs& args, bool print_resolved) {
  try {
    const auto sc = load(args);
    build_scenario(sc);  // also checks what the models read at build time (trace files, CSV curves)
    if (print_resolved) {
      std::cout << sc.resolved_yaml;
    } else {
      std::cout << args.path << ": ok (scenario '" << sc.root.str("name") << "', horizon "
                << units::format(sc.root.num("horizon"), units::Quantity::time) << ", "
                << sc.root.list("sites").size() << " site(s), " << sc.root.list("workloads").size() << " workload(s))\n";
    }
    return kExitOk;
  } catch (const scenario::InputError& e) {
    print_input_error(e);
    return kExitInput;
  }
}

int cmd_list(bool markdown) {
  std::cout << parameter_reference(markdown);
  return kExitOk;
}

int cmd_inspect(const std::string& path, bool summary_only) {
  if (!std::filesystem::exists(path)) {
    std::cerr << "error: " << path << ": no such file\n";
    return kExitInput;
  }
  try {
    output::inspect_run(path, std::cout, summary_only);
    return kExitOk;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitInput;
  }
}

}  // namespace dcsim::cli
