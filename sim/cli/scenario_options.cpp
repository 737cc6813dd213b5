#include "sim/cli/scenario_options.hpp"

#include <cctype>
#include <cmath>

#include "sim/scenario/diagnostics.hpp"
#include "sim/scenario/param.hpp"
#include "sim/scenario/units.hpp"

namespace dcsim::cli {

namespace {

using scenario::Diagnostics;
using scenario::Location;
using scenario::quote_value;

// The scenario's `seed` declares the same bound (scenario_schema.cpp).
constexpr double kMaxSeed = 9e15;
constexpr const char* kDurationForm = "a duration with a unit, e.g. 2h, 30min, 1d or 1w";

void check_seed(const std::string& text, Diagnostics& diags) {
  const Location at{"--seed", 0, 0};
  const std::string expected = ", expected an integer from 0 to " + std::to_string(static_cast<long long>(kMaxSeed));
  const bool digits = !text.empty() && text.size() <= 16 && text.find_first_not_of("0123456789") == std::string::npos;
  if (!digits || std::stod(text) > kMaxSeed) diags.error(at, "", "got " + quote_value(text) + expected);
}

void check_until(const std::string& text, Diagnostics& diags) {
  const Location at{"--until", 0, 0};
  const std::string got = "got " + quote_value(text) + ", expected ";
  // A bare number would be read as seconds: on the command line that is most likely a slip.
  bool has_unit = false;
  for (char c : text) has_unit = has_unit || std::isalpha(static_cast<unsigned char>(c)) != 0;
  if (!has_unit) {
    diags.error(at, "", got + kDurationForm + (text.empty() ? "" : " (a bare number has no unit)"));
    return;
  }
  double v = 0;
  try {
    v = units::parse(text, units::Quantity::time);
  } catch (const units::UnitError& e) {
    diags.error(at, "", got + kDurationForm + " (" + e.what() + ")");
    return;
  }
  const double limit = scenario::magnitude_limit(units::Quantity::time);
  if (!(v > 0)) {
    diags.error(at, "", got + "a duration > 0, e.g. 2h");
  } else if (v > limit) {
    diags.error(at, "", got + "a duration of at most " + units::format(limit, units::Quantity::time));
  }
}

}  // namespace

std::vector<std::string> scenario_overrides(const ScenarioArgs& a) {
  Diagnostics diags;
  if (a.seed) check_seed(*a.seed, diags);
  if (a.until) check_until(*a.until, diags);
  diags.throw_if_errors();
  std::vector<std::string> out = a.sets;
  if (a.seed) out.push_back("seed=" + *a.seed);
  if (a.until) out.push_back("horizon=" + *a.until);
  return out;
}

}  // namespace dcsim::cli
