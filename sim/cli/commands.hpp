// The dcsim subcommands. Each returns the process exit code:
//   0 success, 1 runtime error (a write error or full disk, out of memory, an invariant),
//   2 bad input (scenario, arguments, files, the output path), 128 + N stopped by signal N:
//   130 SIGINT, 143 SIGTERM, 129 SIGHUP (the output file is whole and says complete = 0).
// docs/reliability.md lists every case and what the output file then holds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dcsim::cli {

constexpr int kExitOk = 0;
constexpr int kExitRuntime = 1;
constexpr int kExitInput = 2;
constexpr int kExitInterrupted = 130;

struct ScenarioArgs {
  std::string path;
  std::vector<std::string> sets;  // --set key=value
  std::optional<std::string> seed;   // --seed, as given (checked by scenario_overrides)
  std::optional<std::string> until;  // --until (a duration: "2h")
};

int cmd_run(const ScenarioArgs& args, const std::string& output, bool quiet);
int cmd_validate(const ScenarioArgs& args, bool print_resolved);
int cmd_list(bool markdown);
int cmd_inspect(const std::string& path, bool summary_only);

}  // namespace dcsim::cli
