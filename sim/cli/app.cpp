// The dcsim command line (CLI11): parses the arguments and calls the subcommands. main.cpp calls
// it; so does the fuzzing harness (tests/fuzz/fuzz_exec.cpp), in a forked child per case.
#include "sim/cli/app.hpp"

#include <CLI/CLI.hpp>

#include "models/register_models.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/experiment_commands.hpp"

namespace dcsim::cli {

int run_app(int argc, char** argv) {
  dcsim::register_builtin_models();

  CLI::App app{"dcsim — discrete-event simulator of generative-AI data centers (version " DCSIM_VERSION ")"};
  app.require_subcommand(1);
  app.set_version_flag("--version", DCSIM_VERSION);

  auto add_scenario_args = [](CLI::App* sub, ScenarioArgs& a) {
    sub->add_option("scenario", a.path, "Scenario file (YAML)")->required();
    sub->add_option("--set", a.sets, "Override a scenario key: key.path=value (repeatable), e.g. "
                                     "--set sites.dc1.pools.chat.servers=8");
    sub->add_option("--seed", a.seed, "Override the scenario seed (an integer from 0 to 9e15)");
    sub->add_option("--until", a.until, "Override the horizon: a duration with a unit, e.g. 2h, 30min, 1d, 1w");
  };

  ScenarioArgs run_args;
  std::string output;
  bool quiet = false;
  auto* run = app.add_subcommand("run", "Run a scenario and write its HDF5 output");
  add_scenario_args(run, run_args);
  run->add_option("-o,--output", output, "Output file (default: <scenario name>.h5)");
  run->add_flag("-q,--quiet", quiet, "Print nothing on success");

  ScenarioArgs val_args;
  bool resolved = false;
  auto* validate = app.add_subcommand("validate", "Check a scenario without running it");
  add_scenario_args(validate, val_args);
  validate->add_flag("--resolved", resolved, "Print the resolved scenario (defaults filled, overrides applied)");

  bool markdown = false;
  auto* list = app.add_subcommand("list", "List every registered model and its parameters");
  list->add_flag("--markdown", markdown, "Print as Markdown (docs/scenario-reference.md)");

  std::string inspect_path;
  bool summary_only = false;
  auto* inspect = app.add_subcommand("inspect", "Print the summary of a run file");
  inspect->add_option("file", inspect_path, "HDF5 file written by dcsim run")->required();
  inspect->add_flag("--summary", summary_only, "Only the run attributes and totals");

  auto experiments = add_experiment_commands(app);  // sweep, plan
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitInput;
  }
  if (auto code = experiments->dispatch(argc, argv)) return *code;
  if (*run) return cmd_run(run_args, output, quiet);
  if (*validate) return cmd_validate(val_args, resolved);
  if (*list) return cmd_list(markdown);
  if (*inspect) return cmd_inspect(inspect_path, summary_only);
  return kExitInput;
}

}  // namespace dcsim::cli
