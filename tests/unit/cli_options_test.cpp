// The CLI's own options and output: --seed and --until checked with their own names and
// expected forms (scenario_options.hpp), and the progress line (progress.hpp).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sim/cli/progress.hpp"
#include "sim/cli/scenario_options.hpp"
#include "sim/scenario/diagnostics.hpp"

using dcsim::Progress;
using dcsim::cli::format_progress;
using dcsim::cli::ScenarioArgs;
using dcsim::cli::scenario_overrides;
using dcsim::scenario::InputError;

namespace {

// Every problem scenario_overrides reports, one "file: message" a line.
std::vector<std::string> option_errors(const ScenarioArgs& a) {
  try {
    scenario_overrides(a);
  } catch (const InputError& e) {
    std::vector<std::string> out;
    for (const auto& i : e.issues()) out.push_back(i.str());
    return out;
  }
  return {};
}

ScenarioArgs with(std::optional<std::string> seed, std::optional<std::string> until) {
  ScenarioArgs a;
  a.path = "s.yaml";
  a.seed = std::move(seed);
  a.until = std::move(until);
  return a;
}

}  // namespace

TEST_CASE("cli: --seed and --until become overrides after --set") {
  ScenarioArgs a = with("7", "1w");
  a.sets = {"record.step=10 s"};
  CHECK(scenario_overrides(a) == std::vector<std::string>{"record.step=10 s", "seed=7", "horizon=1w"});
  CHECK(scenario_overrides(with(std::nullopt, "2 h")) == std::vector<std::string>{"horizon=2 h"});
  CHECK(scenario_overrides(with("9000000000000000", "1 wk")).size() == 2);
}

TEST_CASE("cli: a bad --until names the option and the expected form") {
  const std::string form = "expected a duration with a unit, e.g. 2h, 30min, 1d or 1w";
  CHECK(option_errors(with(std::nullopt, "2")) ==
        std::vector<std::string>{"--until: got '2', " + form + " (a bare number has no unit)"});
  CHECK(option_errors(with(std::nullopt, "")) == std::vector<std::string>{"--until: got '', " + form});
  CHECK(option_errors(with(std::nullopt, "2 W")) ==
        std::vector<std::string>{"--until: got '2 W', " + form +
                                 " ('2 W': unit 'W' is a power, expected a time such as '15 min')"});
  CHECK(option_errors(with(std::nullopt, "0 h")) == std::vector<std::string>{"--until: got '0 h', expected a duration > 0, e.g. 2h"});
  CHECK(option_errors(with(std::nullopt, "3 fortnights")).at(0).rfind("--until: got '3 fortnights', " + form + " (unknown unit", 0) == 0);
}

TEST_CASE("cli: a bad --seed names the option and its range and does not wrap") {
  const std::string range = ", expected an integer from 0 to 9000000000000000";
  CHECK(option_errors(with("-1", std::nullopt)) == std::vector<std::string>{"--seed: got '-1'" + range});
  CHECK(option_errors(with("1.5", std::nullopt)) == std::vector<std::string>{"--seed: got '1.5'" + range});
  CHECK(option_errors(with("9000000000000001", std::nullopt)) == std::vector<std::string>{"--seed: got '9000000000000001'" + range});
  CHECK(option_errors(with("18446744073709551615", std::nullopt)) ==
        std::vector<std::string>{"--seed: got '18446744073709551615'" + range});
}

TEST_CASE("cli: a bad --seed and a bad --until are reported together") {
  CHECK(option_errors(with("x", "2")).size() == 2);
}

TEST_CASE("cli: the progress line keeps the horizon's unit and 3 to 4 significant digits") {
  CHECK(format_progress(Progress{4500, 7200, 1, 10}) == "  sim 1.25 / 2 h   62.5 %  4.5e+03 sim-s/s  ETA 0:00:01");
  CHECK(format_progress(Progress{1234.5678, 86400 * 14, 0, 10}) == "  sim 0.01429 / 14 d    0.1 %  0 sim-s/s  ETA --:--:--");
  CHECK(format_progress(Progress{59, 90, 2, 10}) == "  sim 59 / 90 s   65.6 %  29.5 sim-s/s  ETA 0:00:01");
  CHECK(format_progress(Progress{7200, 7200, 2, 10}).find("100.0 %") != std::string::npos);
  // The same unit from the first line to the last.
  CHECK(format_progress(Progress{30, 3 * 3600, 1, 1}).find("0.008333 / 3 h") != std::string::npos);
}
