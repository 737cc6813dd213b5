// libFuzzer target on the scenario loader: any bytes are a scenario text, and lines starting with
// "#set: " are --set overrides applied to it. Loading must succeed (`ok`) or throw an InputError
// (`input_error`: exit 2 in the CLI) whose every issue is located (file:line or --set) and whose
// report stays under 64 kB; anything else is a finding, and stops the run: an unlocated or
// oversized report or an empty InputError (abort), any other exception (libFuzzer's "deadly
// signal" on the uncaught exception), a crash, a sanitizer report, a hang (-timeout) or an
// out-of-memory (-rss_limit_mb). At exit the target prints how many inputs it ran and the count
// of each class, so that a run's outcomes can be reported. Build and run: scripts/fuzz-loader.sh
// (docs/reliability.md).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "models/register_models.hpp"
#include "sim/scenario/diagnostics.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/scenario_schema.hpp"

namespace {

constexpr std::size_t kVerboseBytes = 65536;  // the batch fuzzer's `verbose` limit (fuzz_batch.cpp)
unsigned long long g_ok = 0;
unsigned long long g_input_error = 0;

void print_outcomes() {
  std::fprintf(stderr, "fuzz_loader: %llu inputs: ok %llu, input_error %llu (every one located)\n",
               g_ok + g_input_error, g_ok, g_input_error);
}

[[noreturn]] void finding(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_loader: finding: %s: %s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool registered = (dcsim::register_builtin_models(), std::atexit(print_outcomes), true);
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
    if (e.issues().empty()) finding("an InputError without an issue", e.what());
    for (const auto& issue : e.issues()) {
      if (issue.where.line <= 0 && issue.where.file != "--set") finding("unlocated issue", issue.str());
    }
    const std::string report = e.what();
    if (report.size() > kVerboseBytes) finding("a report over 64 kB", std::to_string(report.size()) + " bytes");
    ++g_input_error;
    return 0;
  }
  ++g_ok;
  return 0;
}
