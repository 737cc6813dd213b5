// Units: the error messages of parse() and parse_unit(). Each is a complete sentence naming the
// text, the part at fault and, when a quantity was asked for, what was expected with an example
// ("unit 'kg' is a mass, expected a power such as '700 W'"); an unknown unit gets a "did you mean"
// or the usual units of the quantity.
#include <optional>
#include <string>

#include "sim/scenario/diagnostics.hpp"
#include "sim/scenario/units_internal.hpp"

namespace dcsim::units::internal {

using scenario::clip;

std::string quoted(std::string_view s) {
  // Built by appending: GCC 12 at -O3 warns (-Wrestrict, a false positive) on "'" + std::string(s).
  // Cut like every echoed value (diagnostics.hpp, kMaxValueChars).
  std::string r;
  r += '\'';
  r += clip(s);
  r += '\'';
  return r;
}

// " in '700 wats'" unless the part is the whole text.
std::string in_text(const Context& ctx, std::string_view part) {
  return part == ctx.text ? std::string() : " in " + quoted(ctx.text);
}

namespace {

// "expected a power such as '700 W'"
std::string expectation(const QuantityInfo& q) {
  return "expected " + noun_phrase(q) + " such as " + quoted(q.example);
}

// "; expected a power such as '700 W'" when a quantity was asked for.
std::string expectation_suffix(const Context& ctx) {
  return ctx.expected != nullptr ? "; " + expectation(*ctx.expected) : std::string();
}

// The units the hint lists for each quantity, in the unknown-unit message.
const char* unit_hint(Quantity q) {
  switch (q) {
    case Quantity::dimensionless: return "%, tokens, requests, images (or no unit)";
    case Quantity::time: return "s, ms, min, h, d, w";
    case Quantity::rate: return "/s, /min, /h, /d, req/s";
    case Quantity::power: return "W, kW, MW, GW";
    case Quantity::energy: return "J, kJ, MJ, Wh, kWh, MWh";
    case Quantity::data: return "B, kB, MB, GB, GiB, TB";
    case Quantity::bandwidth: return "B/s, MB/s, GB/s, TB/s, Gbps";
    case Quantity::compute: return "FLOP, TFLOP, PFLOP";
    case Quantity::compute_rate: return "FLOP/s, TFLOP/s, PFLOP/s, TFLOPS";
    case Quantity::temperature: return "degC, degF, K";
    case Quantity::carbon_intensity: return "g/kWh, kg/MWh, gCO2e/kWh";
    case Quantity::mass: return "g, kg, t";
    case Quantity::volume: return "L, mL, m3";
    case Quantity::water_intensity: return "L/kWh, L/MWh";
    case Quantity::money: return "USD, $";
    case Quantity::energy_price: return "USD/MWh, USD/kWh";
  }
  return "";
}

}  // namespace

UnitError empty_text(const Context& ctx) {
  return UnitError(ctx.expected != nullptr ? "empty value; " + expectation(*ctx.expected) : "empty unit");
}

UnitError not_a_number(const Context& ctx) {
  return UnitError(quoted(ctx.text) + " is not a number followed by a unit" + expectation_suffix(ctx));
}

UnitError not_finite(const Context& ctx) {
  return UnitError(quoted(ctx.text) + " is not a finite number (nan and inf are not allowed)" +
                   expectation_suffix(ctx));
}

UnitError malformed_number(const Context& ctx, std::string_view number) {
  return UnitError("malformed number " + quoted(number) + in_text(ctx, number) + expectation_suffix(ctx));
}

UnitError out_of_range(const Context& ctx) {
  return UnitError(quoted(ctx.text) + " is out of the range of a double");
}

UnitError unknown_unit(const Context& ctx, std::string_view symbol) {
  std::string message = "unknown unit " + quoted(symbol) + in_text(ctx, symbol);
  if (std::optional<std::string> guess = suggest(symbol))
    return UnitError(message + "; did you mean " + quoted(*guess) + "?");
  if (ctx.expected != nullptr)
    message +=
        "; " + noun_phrase(*ctx.expected) + " takes units such as " + unit_hint(ctx.expected->quantity);
  return UnitError(message);
}

UnitError ambiguous_unit(const Context& ctx, std::string_view symbol, std::string_view prefix,
                         const AmbiguousSymbol& a) {
  const std::string p(prefix);
  return UnitError("ambiguous unit " + quoted(symbol) + in_text(ctx, symbol) + " (" +
                   std::string(a.readings) + "?): write " + quoted(p + std::string(a.first)) + " or " +
                   quoted(p + std::string(a.second)));
}

UnitError temperature_in_compound(const Context& ctx, std::string_view symbol) {
  return UnitError("temperature unit " + quoted(symbol) + " cannot be part of a compound unit" +
                   in_text(ctx, symbol) +
                   " (temperatures have an offset; write them alone, as in '25 degC')");
}

UnitError temperature_alone(std::string_view symbol) {
  return UnitError("temperature unit " + quoted(symbol) +
                   " has an offset and no conversion factor; use it alone in a value such as '25 degC'");
}

UnitError wrong_dimension(const Context& ctx, std::string_view unit, const Dim& dim) {
  const QuantityInfo* actual = quantity_of(dim);
  const std::string what =
      actual != nullptr ? "is " + noun_phrase(*actual) : "is not a unit of any known quantity";
  // 'w' is weeks; a power written "700 w" most likely meant watts.
  const std::string hint = unit == "w" && ctx.expected->quantity == Quantity::power ? " (watts are 'W')" : "";
  return UnitError(quoted(ctx.text) + ": unit " + quoted(unit) + " " + what + ", " +
                   expectation(*ctx.expected) + hint);
}

}  // namespace dcsim::units::internal
