// Units: one table-driven module that turns "700 W", "2.9 Wh", "15 min", "1.2e6 /h", "80 GiB",
// "3.35 TB/s", "367 g/kWh" or "25 degC" into a double in the project's internal unit.
//
// Internal units (SI, with three documented exceptions chosen to match the output series names):
//   time s, energy J, power W (= J/s), data B, compute FLOP, money USD, rate 1/s,
//   mass g (series end in _g), volume L (series end in _l), temperature degC (series end in _c).
//
// A unit expression is a product/quotient of unit symbols: "kWh", "TB/s", "g/kWh", "J/token",
// "/h" (a bare denominator: per hour), "req/s", "USD/MWh", "L/kWh", "TFLOP/s". Each symbol may carry
// a decimal SI prefix (n u µ m k M G T P E) or a binary one (Ki Mi Gi Ti Pi) and an integer
// exponent ("m^3", "s^-1"). Counted things (req, token, image, user, ...) are dimensionless.
// A bare number means the internal unit of the quantity asked for. Temperatures are affine
// (degC, degF, K) and only allowed alone, never inside a compound unit.
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace dcsim::units {

// Exponents of the base dimensions, in this order.
enum Base : int { kTime, kEnergy, kData, kCompute, kMass, kVolume, kMoney, kTemperature, kBaseCount };

struct Dim {
  std::array<int8_t, kBaseCount> exp{};
  bool operator==(const Dim&) const = default;
};

// The kinds of quantity a parameter can declare. Each maps to a Dim and an internal unit symbol.
enum class Quantity {
  dimensionless,     // ratios, counts, fractions; "%" accepted (5 % = 0.05)
  time,              // s
  rate,              // 1/s  (arrivals, tokens per second, per-user daily rates: "3 /d")
  power,             // W
  energy,            // J
  data,              // B
  bandwidth,         // B/s
  compute,           // FLOP
  compute_rate,      // FLOP/s
  temperature,       // degC
  carbon_intensity,  // g/J  (written "367 g/kWh")
  mass,              // g
  volume,            // L
  water_intensity,   // L/J  (written "0.3 L/kWh")
  money,             // USD
  energy_price,      // USD/J (written "60 USD/MWh")
};

struct QuantityInfo {
  Quantity quantity;
  const char* name;           // "power"
  const char* internal_unit;  // "W": what a bare number means
  const char* example;        // "700 W": shown in help and error messages
  Dim dim;
};

const QuantityInfo& info(Quantity q);

// Raised for text that is not a number with a unit of the asked quantity. what() is a complete
// sentence fit for a user, e.g. "unit 'kg' is a mass, expected a power such as '700 W'".
class UnitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parse "value [unit]" (space optional: "2h", "15min") into the internal unit of q.
// Throws UnitError on an empty string, a malformed number, an unknown unit symbol, a unit of the
// wrong dimension, or a non-finite value.
double parse(std::string_view text, Quantity q);

// Parse a unit expression alone ("kWh", "TB/s") into its factor to internal units and its Dim.
// Throws UnitError. Temperature units are rejected here (affine).
struct UnitFactor {
  double factor;
  Dim dim;
};
UnitFactor parse_unit(std::string_view unit);

// Human display of an internal value: picks a readable unit ("3.35e12" bandwidth -> "3.35 TB/s",
// 7200 time -> "2 h", 1.02e-4 carbon_intensity -> "367 g/kWh"). Round-trips through parse() within
// 1e-9 relative.
std::string format(double value, Quantity q);

}  // namespace dcsim::units
