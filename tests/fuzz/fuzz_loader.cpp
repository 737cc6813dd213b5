// libFuzzer target on the scenario loader: any bytes are a scenario text, and lines starting with
// "#set: " are --set overrides applied to it. Loading must succeed or throw InputError whose every
// issue is located (file:line or --set); anything else (another exception, a crash, a sanitizer
// report, a hang) is a finding. Build and run: scripts/fuzz-loader.sh (docs/reliability.md).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string>
#include <vector>

#include "models/register_models.hpp"
#include "sim/scenario/diagnostics.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/scenario_schema.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool registered = (dcsim::register_builtin_models(), true);
  (void)registered;
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> sets;
  for (size_t at = 0; at < text.size();) {
    const size_t end = text.find('\n', at);
    const std::string line = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (line.rfind("#set: ", 0) == 0) sets.push_back(line.substr(6));
    if (end == std::string::npos) break;
    at = end + 1;
  }
  try {
    dcsim::scenario::load_text(text, "fuzz.yaml", dcsim::scenario::scenario_schema(), sets,
                               dcsim::scenario::check_scenario);
  } catch (const dcsim::scenario::InputError& e) {
    for (const auto& issue : e.issues()) {
      if (issue.where.line <= 0 && issue.where.file != "--set") {
        std::fprintf(stderr, "unlocated issue: %s\n", issue.str().c_str());
        std::abort();
      }
    }
  }
  return 0;
}
