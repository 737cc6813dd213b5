// Units: format(), the writing of a value with its most readable unit (units.hpp).
//
// How formatting works. format(v, q) tries the units of display_units(q) and keeps the largest one
// that shows v as a number in [1, 1e6) with at most 6 significant digits ("15 min", "2 h",
// "3.35 TB/s", "80 GiB"; binary units only in that case). If none does, it keeps the one needing the
// fewest digits, and outside [1, 1e6) the unit closest to that range. Each number is printed with
// the fewest digits that make parse(format(v, q), q) equal v within 1e-10 relative, so an arbitrary
// double may show more than 6.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "sim/scenario/units_internal.hpp"

namespace dcsim::units {
namespace {

using namespace internal;

// ---- Formatting -----------------------------------------------------------------------------------

// The units format() may pick per quantity.
struct DisplayUnits {
  std::vector<std::string_view> usual;  // the first one is also used for zero
  std::vector<std::string_view> exact;  // only when they show the value plainly ("80 GiB")
};

const DisplayUnits& display_units(Quantity q) {
  static const std::array<DisplayUnits, kQuantityCount> table{{
      {{}, {}},                                                                            // dimensionless
      {{"s", "us", "ms", "min", "h", "d"}, {}},                                            // time
      {{"/s", "/min", "/h", "/d"}, {}},                                                    // rate
      {{"W", "kW", "MW", "GW"}, {}},                                                       // power
      {{"J", "kJ", "MJ", "GJ", "Wh", "kWh", "MWh", "GWh", "TWh"}, {}},                     // energy
      {{"B", "kB", "MB", "GB", "TB", "PB"}, {"KiB", "MiB", "GiB", "TiB", "PiB"}},          // data
      {{"B/s", "kB/s", "MB/s", "GB/s", "TB/s", "PB/s"}, {}},                               // bandwidth
      {{"FLOP", "kFLOP", "MFLOP", "GFLOP", "TFLOP", "PFLOP", "EFLOP"}, {}},                // compute
      {{"FLOP/s", "kFLOP/s", "MFLOP/s", "GFLOP/s", "TFLOP/s", "PFLOP/s", "EFLOP/s"}, {}},  // compute_rate
      {{"degC"}, {}},                                                                      // temperature
      {{"g/kWh"}, {}},                                                                     // carbon_intensity
      {{"g", "kg", "t"}, {}},                                                              // mass
      {{"L", "mL", "m3"}, {}},                                                             // volume
      {{"L/kWh"}, {}},                                                                     // water_intensity
      {{"USD"}, {}},                                                                       // money
      {{"USD/MWh"}, {}},                                                                   // energy_price
  }};
  return table[static_cast<std::size_t>(q)];
}

Factor display_factor(std::string_view unit, Quantity q) {
  if (q == Quantity::temperature) return Factor{1, 1, kTemperatureDim};  // degC, the internal unit
  return evaluate_unit(unit, Context{unit, nullptr});
}

void trim_fraction_zeros(std::string& s) {
  if (s.find('.') == std::string::npos) return;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
}

// x rounded to `digits` significant digits: plain decimals in [1e-4, 1e6), else "1.5e7".
std::string number_text(double x, int digits) {
  if (!std::isfinite(x)) return std::isnan(x) ? "nan" : x > 0 ? "inf" : "-inf";
  char buffer[64];
  auto sci_end =
      std::to_chars(buffer, buffer + sizeof buffer, x, std::chars_format::scientific, digits - 1).ptr;
  const std::string scientific(buffer, sci_end);
  const std::size_t e = scientific.find('e');
  const int exp10 = std::stoi(scientific.substr(e + 1));
  if (exp10 >= -4 && exp10 < 6) {
    const double rounded = read_number(scientific);
    auto fixed_end = std::to_chars(buffer, buffer + sizeof buffer, rounded, std::chars_format::fixed,
                                   std::max(0, digits - 1 - exp10))
                         .ptr;
    std::string fixed(buffer, fixed_end);
    trim_fraction_zeros(fixed);
    return fixed;
  }
  std::string mantissa = scientific.substr(0, e);
  trim_fraction_zeros(mantissa);
  return mantissa + "e" + std::to_string(exp10);
}

bool round_trips(double back, double value) {
  return back == value || std::abs(back - value) <= 1e-10 * std::max(std::abs(back), std::abs(value));
}

struct Shown {
  std::string number;
  int digits;
};

// The fewest digits that parse back (number * num / den, as parse() does) to value.
Shown shortest_number(double value, const Factor& f) {
  const double x = value * f.den / f.num;
  for (int digits = 1; digits < 17; ++digits) {
    std::string text = number_text(x, digits);
    if (round_trips(read_number(text) * f.num / f.den, value)) return {std::move(text), digits};
  }
  return {number_text(x, 17), 17};
}

// Up to this many significant digits a number counts as readable; format() then takes the largest
// unit ("15 min", not "900 s").
constexpr int kPlainDigits = 6;

// 0 inside [1, 1e6), else how many decades outside.
double decades_out_of_range(double x) {
  const double a = std::abs(x);
  if (a < 1) return -std::log10(a);
  if (a >= 1e6) return std::log10(a) - 5;
  return 0;
}

std::string join_unit(const std::string& number, std::string_view unit) {
  return unit.empty() ? number : number + " " + std::string(unit);
}

// One way to show a value, ranked by format(): lower is better.
struct Rendering {
  std::string text;
  std::tuple<double, int, double> rank;  // decades outside [1, 1e6), digits beyond kPlainDigits, -unit size

  bool plain() const { return std::get<0>(rank) == 0 && std::get<1>(rank) == 0; }
};

Rendering render(double value, std::string_view unit, Quantity q) {
  const Factor f = display_factor(unit, q);
  constexpr double kInf = std::numeric_limits<double>::infinity();
  // A finite value may not be finite in a smaller unit (1e308 s in us): never pick that unit.
  if (!std::isfinite(value * f.den / f.num)) return {std::string(unit), {kInf, 0, 0}};
  Shown shown = shortest_number(value, f);
  const int excess_digits = shown.digits > kPlainDigits ? shown.digits : 0;
  return {join_unit(shown.number, unit),
          {decades_out_of_range(value * f.den / f.num), excess_digits, -f.num / f.den}};
}

}  // namespace

std::string format(double value, Quantity q) {
  const DisplayUnits& units = display_units(q);
  const std::string_view first = units.usual.empty() ? std::string_view{} : units.usual.front();
  if (!std::isfinite(value)) return join_unit(std::isnan(value) ? "nan" : value > 0 ? "inf" : "-inf", first);
  if (value == 0) return join_unit("0", first);
  if (units.usual.empty()) return shortest_number(value, Factor{}).number;

  std::optional<Rendering> best;
  auto keep = [&best](Rendering candidate) {
    if (!best || candidate.rank < best->rank) best = std::move(candidate);
  };
  for (std::string_view unit : units.usual) keep(render(value, unit, q));
  for (std::string_view unit : units.exact) {
    Rendering candidate = render(value, unit, q);
    if (candidate.plain()) keep(std::move(candidate));
  }
  return best->text;
}

}  // namespace dcsim::units
