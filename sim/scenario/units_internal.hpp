// Internal to the units module (units_*.cpp), not part of its interface: the dimensions, the
// shapes of the unit tables, a unit's factor as num / den, the parsing context, and the functions
// the tables, error-message, parsing and formatting files call in one another.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "sim/scenario/units.hpp"

namespace dcsim::units::internal {

// ---- Dimensions ---------------------------------------------------------------------------------

constexpr Dim make_dim(std::initializer_list<std::pair<Base, int>> terms) {
  Dim d{};
  for (const auto& [base, power] : terms) d.exp[base] = static_cast<int8_t>(power);
  return d;
}

constexpr Dim kScalarDim{};
constexpr Dim kTimeDim = make_dim({{kTime, 1}});
constexpr Dim kRateDim = make_dim({{kTime, -1}});
constexpr Dim kPowerDim = make_dim({{kEnergy, 1}, {kTime, -1}});
constexpr Dim kEnergyDim = make_dim({{kEnergy, 1}});
constexpr Dim kDataDim = make_dim({{kData, 1}});
constexpr Dim kBandwidthDim = make_dim({{kData, 1}, {kTime, -1}});
constexpr Dim kComputeDim = make_dim({{kCompute, 1}});
constexpr Dim kComputeRateDim = make_dim({{kCompute, 1}, {kTime, -1}});
constexpr Dim kTemperatureDim = make_dim({{kTemperature, 1}});
constexpr Dim kCarbonIntensityDim = make_dim({{kMass, 1}, {kEnergy, -1}});
constexpr Dim kMassDim = make_dim({{kMass, 1}});
constexpr Dim kVolumeDim = make_dim({{kVolume, 1}});
constexpr Dim kWaterIntensityDim = make_dim({{kVolume, 1}, {kEnergy, -1}});
constexpr Dim kMoneyDim = make_dim({{kMoney, 1}});
constexpr Dim kEnergyPriceDim = make_dim({{kMoney, 1}, {kEnergy, -1}});

// a + power * b
inline Dim add_scaled(const Dim& a, const Dim& b, int power) {
  Dim sum = a;
  for (std::size_t i = 0; i < sum.exp.size(); ++i)
    sum.exp[i] = static_cast<int8_t>(a.exp[i] + power * b.exp[i]);
  return sum;
}

constexpr std::size_t kQuantityCount = 16;  // the values of enum Quantity

// ---- Prefixes and unit symbols --------------------------------------------------------------------

enum class PrefixKind : uint8_t { decimal, binary };

struct Prefix {
  std::string_view symbol;
  double num;  // the prefix is num / den: submultiples divide so that "5 mL" is exactly 5 / 1000
  double den;
  PrefixKind kind;
};

// Which prefixes a symbol takes.
enum class Prefixes : uint8_t { none, decimal, any };

struct UnitSymbol {
  std::string_view symbol;
  std::string_view canonical;  // shown in suggestions ("watts" -> "W")
  double num;                  // factor to the internal unit: num / den
  double den;
  Dim dim;
  Prefixes prefixes;
};

// Temperatures are affine: degC = (value + offset) * num / den. Only allowed as the whole unit.
struct TemperatureUnit {
  std::string_view symbol;
  double offset;
  double num;
  double den;
};

// Symbols that people write but that mean two different things; rejected with both readings.
struct AmbiguousSymbol {
  std::string_view symbol;
  std::string_view readings;  // "bits or bytes"
  std::string_view first;
  std::string_view second;
};

// A unit's factor to internal units, kept as num / den, and its dimension.
struct Factor {
  double num = 1;
  double den = 1;
  Dim dim{};
};

// What is being parsed: the whole text (for messages) and the quantity asked for, if any.
struct Context {
  std::string_view text;
  const QuantityInfo* expected = nullptr;
};

// ---- units_tables.cpp -----------------------------------------------------------------------------

const QuantityInfo* quantity_of(const Dim& dim);
std::string noun_phrase(const QuantityInfo& q);
const UnitSymbol* find_unit(std::string_view symbol);
const TemperatureUnit* find_temperature(std::string_view symbol);
std::optional<std::pair<std::string_view, const AmbiguousSymbol*>> find_ambiguous(std::string_view symbol);
Factor factor_of(const UnitSymbol& unit, const Prefix* prefix);
std::optional<Factor> split_prefix(std::string_view symbol);
std::string lowercase(std::string_view s);
std::optional<std::string> suggest(std::string_view symbol);

// ---- units_errors.cpp -----------------------------------------------------------------------------

std::string quoted(std::string_view s);
std::string in_text(const Context& ctx, std::string_view part);
UnitError empty_text(const Context& ctx);
UnitError not_a_number(const Context& ctx);
UnitError not_finite(const Context& ctx);
UnitError malformed_number(const Context& ctx, std::string_view number);
UnitError out_of_range(const Context& ctx);
UnitError unknown_unit(const Context& ctx, std::string_view symbol);
UnitError ambiguous_unit(const Context& ctx, std::string_view symbol, std::string_view prefix,
                         const AmbiguousSymbol& a);
UnitError temperature_in_compound(const Context& ctx, std::string_view symbol);
UnitError temperature_alone(std::string_view symbol);
UnitError wrong_dimension(const Context& ctx, std::string_view unit, const Dim& dim);

// ---- units_parse.cpp ------------------------------------------------------------------------------

double read_number(std::string_view digits);
// The factor of a unit expression ("kWh", "USD/MWh", "/h"); throws UnitError.
Factor evaluate_unit(std::string_view unit, const Context& ctx);

}  // namespace dcsim::units::internal
