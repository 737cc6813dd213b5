// Units: the tables and the parser/formatter declared in units.hpp.
//
// How parsing works. parse("1.2e6 /h", Quantity::rate):
//   1. The number: [+-] digits ['_' digits]... ['.' digits] [(e|E) [+-] digits]. '_' only separates
//      digit groups ("1_000_000"). It is converted with std::from_chars (locale independent).
//      "nan", "inf", "1.2.3", "1,5" are rejected here.
//   2. The rest, trimmed, is the unit. Nothing means the internal unit of the quantity. A whole unit
//      that is a temperature symbol (degC, °C, C, degF, °F, F, K) is applied as an affine map.
//   3. Otherwise it is a unit expression: an optional leading '/', then terms joined by '*', '·' or
//      '/', evaluated left to right ("USD/MWh", "kW*h", "/h"). A term is "1" or a symbol with an
//      optional integer exponent ("s^-1", "m^3").
//   4. A symbol is resolved by an exact match in kUnits first ("min", "m3"),
//      then as a prefix of kPrefixes followed by an exact symbol that accepts that kind of prefix
//      ("mL", "kWh", "GiB", "Gbps", "TFLOPS"). Unknown symbols get a "did you mean" from the same
//      tables (edit distance <= 2, case-insensitive first).
//   5. The Dim of the expression must be info(q).dim; the value is number * num / den, where the
//      factor is kept as a numerator and a denominator so that "367 g/kWh" is 367 / 3.6e6 exactly.
//
// How formatting works. format(v, q) tries the units of display_units(q) and keeps the largest one
// that shows v as a number in [1, 1e6) with at most 6 significant digits ("15 min", "2 h",
// "3.35 TB/s", "80 GiB"; binary units only in that case). If none does, it keeps the one needing the
// fewest digits, and outside [1, 1e6) the unit closest to that range. Each number is printed with
// the fewest digits that make parse(format(v, q), q) equal v within 1e-10 relative, so an arbitrary
// double may show more than 6.
#include "sim/scenario/units.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <system_error>
#include <tuple>
#include <utility>
#include <vector>

#include "sim/util/text.hpp"

namespace dcsim::units {
namespace {

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
Dim add_scaled(const Dim& a, const Dim& b, int power) {
  Dim sum = a;
  for (std::size_t i = 0; i < sum.exp.size(); ++i)
    sum.exp[i] = static_cast<int8_t>(a.exp[i] + power * b.exp[i]);
  return sum;
}

// ---- Quantities -----------------------------------------------------------------------------------

// Ordered as the enum: info() indexes it.
constexpr std::array<QuantityInfo, 16> kQuantities{{
    {Quantity::dimensionless, "dimensionless", "1", "0.5", kScalarDim},
    {Quantity::time, "time", "s", "15 min", kTimeDim},
    {Quantity::rate, "rate", "1/s", "1.2e6 /h", kRateDim},
    {Quantity::power, "power", "W", "700 W", kPowerDim},
    {Quantity::energy, "energy", "J", "2.9 Wh", kEnergyDim},
    {Quantity::data, "data", "B", "80 GiB", kDataDim},
    {Quantity::bandwidth, "bandwidth", "B/s", "3.35 TB/s", kBandwidthDim},
    {Quantity::compute, "compute", "FLOP", "2 PFLOP", kComputeDim},
    {Quantity::compute_rate, "compute_rate", "FLOP/s", "989.4 TFLOP/s", kComputeRateDim},
    {Quantity::temperature, "temperature", "degC", "25 degC", kTemperatureDim},
    {Quantity::carbon_intensity, "carbon_intensity", "g/J", "367 g/kWh", kCarbonIntensityDim},
    {Quantity::mass, "mass", "g", "1.5 kg", kMassDim},
    {Quantity::volume, "volume", "L", "500 L", kVolumeDim},
    {Quantity::water_intensity, "water_intensity", "L/J", "0.3 L/kWh", kWaterIntensityDim},
    {Quantity::money, "money", "USD", "1000 USD", kMoneyDim},
    {Quantity::energy_price, "energy_price", "USD/J", "60 USD/MWh", kEnergyPriceDim},
}};

constexpr bool quantities_in_enum_order() {
  for (std::size_t i = 0; i < kQuantities.size(); ++i)
    if (static_cast<std::size_t>(kQuantities[i].quantity) != i) return false;
  return true;
}
static_assert(quantities_in_enum_order(), "kQuantities must follow the order of enum Quantity");

const QuantityInfo* quantity_of(const Dim& dim) {
  for (const QuantityInfo& q : kQuantities)
    if (q.dim == dim) return &q;
  return nullptr;
}

// "a power", "an energy price", "a dimensionless number": for sentences.
std::string noun_phrase(const QuantityInfo& q) {
  std::string noun = q.quantity == Quantity::dimensionless ? "dimensionless number" : q.name;
  std::replace(noun.begin(), noun.end(), '_', ' ');
  const bool vowel = std::string_view("aeiou").find(noun.front()) != std::string_view::npos;
  return (vowel ? "an " : "a ") + noun;
}

// ---- Prefixes and unit symbols --------------------------------------------------------------------

enum class PrefixKind : uint8_t { decimal, binary };

struct Prefix {
  std::string_view symbol;
  double num;  // the prefix is num / den: submultiples divide so that "5 mL" is exactly 5 / 1000
  double den;
  PrefixKind kind;
};

constexpr auto kPrefixes = std::to_array<Prefix>({
    {"n", 1, 1e9, PrefixKind::decimal},
    {"u", 1, 1e6, PrefixKind::decimal},
    {"\u00B5", 1, 1e6, PrefixKind::decimal},  // µ MICRO SIGN
    {"\u03BC", 1, 1e6, PrefixKind::decimal},  // μ GREEK SMALL LETTER MU
    {"m", 1, 1e3, PrefixKind::decimal},
    {"k", 1e3, 1, PrefixKind::decimal},
    {"M", 1e6, 1, PrefixKind::decimal},
    {"G", 1e9, 1, PrefixKind::decimal},
    {"T", 1e12, 1, PrefixKind::decimal},
    {"P", 1e15, 1, PrefixKind::decimal},
    {"E", 1e18, 1, PrefixKind::decimal},
    {"Ki", 0x1p10, 1, PrefixKind::binary},
    {"Mi", 0x1p20, 1, PrefixKind::binary},
    {"Gi", 0x1p30, 1, PrefixKind::binary},
    {"Ti", 0x1p40, 1, PrefixKind::binary},
    {"Pi", 0x1p50, 1, PrefixKind::binary},
    {"Ei", 0x1p60, 1, PrefixKind::binary},
});

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

constexpr double kMinute = 60;
constexpr double kHour = 3600;
constexpr double kDay = 86400;
constexpr double kWeek = 7 * kDay;
constexpr double kYear = 365 * kDay;

constexpr auto kUnits = std::to_array<UnitSymbol>({
    // time
    {"s", "s", 1, 1, kTimeDim, Prefixes::decimal},
    {"sec", "s", 1, 1, kTimeDim, Prefixes::none},
    {"secs", "s", 1, 1, kTimeDim, Prefixes::none},
    {"second", "s", 1, 1, kTimeDim, Prefixes::none},
    {"seconds", "s", 1, 1, kTimeDim, Prefixes::none},
    {"min", "min", kMinute, 1, kTimeDim, Prefixes::none},
    {"mins", "min", kMinute, 1, kTimeDim, Prefixes::none},
    {"minute", "min", kMinute, 1, kTimeDim, Prefixes::none},
    {"minutes", "min", kMinute, 1, kTimeDim, Prefixes::none},
    {"h", "h", kHour, 1, kTimeDim, Prefixes::none},
    {"hr", "h", kHour, 1, kTimeDim, Prefixes::none},
    {"hrs", "h", kHour, 1, kTimeDim, Prefixes::none},
    {"hour", "h", kHour, 1, kTimeDim, Prefixes::none},
    {"hours", "h", kHour, 1, kTimeDim, Prefixes::none},
    {"d", "d", kDay, 1, kTimeDim, Prefixes::none},
    {"day", "d", kDay, 1, kTimeDim, Prefixes::none},
    {"days", "d", kDay, 1, kTimeDim, Prefixes::none},
    {"wk", "wk", kWeek, 1, kTimeDim, Prefixes::none},
    {"week", "wk", kWeek, 1, kTimeDim, Prefixes::none},
    {"weeks", "wk", kWeek, 1, kTimeDim, Prefixes::none},
    {"yr", "yr", kYear, 1, kTimeDim, Prefixes::none},
    {"year", "yr", kYear, 1, kTimeDim, Prefixes::none},
    {"years", "yr", kYear, 1, kTimeDim, Prefixes::none},
    {"Hz", "Hz", 1, 1, kRateDim, Prefixes::decimal},
    // energy and power
    {"J", "J", 1, 1, kEnergyDim, Prefixes::decimal},
    {"joule", "J", 1, 1, kEnergyDim, Prefixes::none},
    {"joules", "J", 1, 1, kEnergyDim, Prefixes::none},
    {"Wh", "Wh", kHour, 1, kEnergyDim, Prefixes::decimal},
    {"W", "W", 1, 1, kPowerDim, Prefixes::decimal},
    {"watt", "W", 1, 1, kPowerDim, Prefixes::none},
    {"watts", "W", 1, 1, kPowerDim, Prefixes::none},
    // data ('b' alone is ambiguous, see kAmbiguous)
    {"B", "B", 1, 1, kDataDim, Prefixes::any},
    {"byte", "B", 1, 1, kDataDim, Prefixes::any},
    {"bytes", "B", 1, 1, kDataDim, Prefixes::any},
    {"bit", "bit", 1, 8, kDataDim, Prefixes::any},
    {"bits", "bit", 1, 8, kDataDim, Prefixes::any},
    {"bps", "bps", 1, 8, kBandwidthDim, Prefixes::decimal},
    // compute
    {"FLOP", "FLOP", 1, 1, kComputeDim, Prefixes::decimal},
    {"flop", "FLOP", 1, 1, kComputeDim, Prefixes::decimal},
    {"FLOPS", "FLOPS", 1, 1, kComputeRateDim, Prefixes::decimal},
    // mass (carbon is counted in grams of CO2 equivalent)
    {"g", "g", 1, 1, kMassDim, Prefixes::decimal},
    {"gram", "g", 1, 1, kMassDim, Prefixes::none},
    {"grams", "g", 1, 1, kMassDim, Prefixes::none},
    {"gCO2", "gCO2", 1, 1, kMassDim, Prefixes::decimal},
    {"gCO2e", "gCO2e", 1, 1, kMassDim, Prefixes::decimal},
    {"t", "t", 1e6, 1, kMassDim, Prefixes::decimal},
    {"tonne", "t", 1e6, 1, kMassDim, Prefixes::none},
    {"tonnes", "t", 1e6, 1, kMassDim, Prefixes::none},
    {"tCO2", "tCO2", 1e6, 1, kMassDim, Prefixes::decimal},
    {"tCO2e", "tCO2e", 1e6, 1, kMassDim, Prefixes::decimal},
    // volume ("m3" is a symbol of its own: "m" alone is not a unit here)
    {"L", "L", 1, 1, kVolumeDim, Prefixes::decimal},
    {"l", "L", 1, 1, kVolumeDim, Prefixes::decimal},
    {"liter", "L", 1, 1, kVolumeDim, Prefixes::none},
    {"liters", "L", 1, 1, kVolumeDim, Prefixes::none},
    {"litre", "L", 1, 1, kVolumeDim, Prefixes::none},
    {"litres", "L", 1, 1, kVolumeDim, Prefixes::none},
    {"m3", "m3", 1000, 1, kVolumeDim, Prefixes::none},
    {"m\u00B3", "m3", 1000, 1, kVolumeDim, Prefixes::none},  // m³
    // money
    {"USD", "USD", 1, 1, kMoneyDim, Prefixes::decimal},
    {"$", "USD", 1, 1, kMoneyDim, Prefixes::none},
    {"dollar", "USD", 1, 1, kMoneyDim, Prefixes::none},
    {"dollars", "USD", 1, 1, kMoneyDim, Prefixes::none},
    // dimensionless
    {"%", "%", 1, 100, kScalarDim, Prefixes::none},
    {"req", "req", 1, 1, kScalarDim, Prefixes::decimal},
    {"request", "request", 1, 1, kScalarDim, Prefixes::decimal},
    {"requests", "requests", 1, 1, kScalarDim, Prefixes::decimal},
    {"token", "token", 1, 1, kScalarDim, Prefixes::decimal},
    {"tokens", "tokens", 1, 1, kScalarDim, Prefixes::decimal},
    {"tok", "tok", 1, 1, kScalarDim, Prefixes::decimal},
    {"image", "image", 1, 1, kScalarDim, Prefixes::decimal},
    {"images", "images", 1, 1, kScalarDim, Prefixes::decimal},
    {"img", "img", 1, 1, kScalarDim, Prefixes::decimal},
    {"video", "video", 1, 1, kScalarDim, Prefixes::decimal},
    {"videos", "videos", 1, 1, kScalarDim, Prefixes::decimal},
    {"user", "user", 1, 1, kScalarDim, Prefixes::decimal},
    {"users", "users", 1, 1, kScalarDim, Prefixes::decimal},
    {"query", "query", 1, 1, kScalarDim, Prefixes::decimal},
    {"queries", "queries", 1, 1, kScalarDim, Prefixes::decimal},
    {"prompt", "prompt", 1, 1, kScalarDim, Prefixes::decimal},
    {"prompts", "prompts", 1, 1, kScalarDim, Prefixes::decimal},
});

// Temperatures are affine: degC = (value + offset) * num / den. Only allowed as the whole unit.
struct TemperatureUnit {
  std::string_view symbol;
  double offset;
  double num;
  double den;
};

constexpr std::array<TemperatureUnit, 7> kTemperatures{{
    {"degC", 0, 1, 1},
    {"\u00B0C", 0, 1, 1},  // °C
    {"C", 0, 1, 1},
    {"degF", -32, 5, 9},
    {"\u00B0F", -32, 5, 9},  // °F
    {"F", -32, 5, 9},
    {"K", -273.15, 1, 1},
}};

// Symbols that people write but that mean two different things; rejected with both readings.
struct AmbiguousSymbol {
  std::string_view symbol;
  std::string_view readings;  // "bits or bytes"
  std::string_view first;
  std::string_view second;
};

constexpr std::array<AmbiguousSymbol, 3> kAmbiguous{{
    {"b", "bits or bytes", "bit", "B"},
    {"FLOPs", "a count or a rate", "FLOP", "FLOP/s"},
    {"flops", "a count or a rate", "FLOP", "FLOP/s"},
}};

bool accepts(Prefixes allowed, PrefixKind kind) {
  return allowed == Prefixes::any || (allowed == Prefixes::decimal && kind == PrefixKind::decimal);
}

const UnitSymbol* find_unit(std::string_view symbol) {
  for (const UnitSymbol& u : kUnits)
    if (u.symbol == symbol) return &u;
  return nullptr;
}

const TemperatureUnit* find_temperature(std::string_view symbol) {
  for (const TemperatureUnit& t : kTemperatures)
    if (t.symbol == symbol) return &t;
  return nullptr;
}

// A prefix (possibly none) followed by an ambiguous symbol: "Gb" -> ("G", b).
std::optional<std::pair<std::string_view, const AmbiguousSymbol*>> find_ambiguous(std::string_view symbol) {
  for (const AmbiguousSymbol& a : kAmbiguous) {
    if (symbol == a.symbol) return std::pair{std::string_view{}, &a};
    for (const Prefix& p : kPrefixes)
      if (symbol.size() == p.symbol.size() + a.symbol.size() && symbol.starts_with(p.symbol) &&
          symbol.ends_with(a.symbol))
        return std::pair{p.symbol, &a};
  }
  return std::nullopt;
}

// ---- Factors --------------------------------------------------------------------------------------

// A unit's factor to internal units, kept as num / den, and its dimension.
struct Factor {
  double num = 1;
  double den = 1;
  Dim dim{};
};

double integer_power(double base, int power) {
  double result = 1;
  for (int i = 0; i < power; ++i) result *= base;
  return result;
}

// into *= factor^power
void multiply(Factor& into, const Factor& factor, int power) {
  const double up = integer_power(factor.num, std::abs(power));
  const double down = integer_power(factor.den, std::abs(power));
  into.num *= power >= 0 ? up : down;
  into.den *= power >= 0 ? down : up;
  into.dim = add_scaled(into.dim, factor.dim, power);
}

Factor factor_of(const UnitSymbol& unit, const Prefix* prefix) {
  Factor f{unit.num, unit.den, unit.dim};
  if (prefix != nullptr) {
    f.num *= prefix->num;
    f.den *= prefix->den;
  }
  return f;
}

// "kWh" -> k + Wh, "GiB" -> Gi + B; only prefixes the symbol accepts.
std::optional<Factor> split_prefix(std::string_view symbol) {
  for (const Prefix& p : kPrefixes) {
    if (symbol.size() <= p.symbol.size() || !symbol.starts_with(p.symbol)) continue;
    const UnitSymbol* unit = find_unit(symbol.substr(p.symbol.size()));
    if (unit != nullptr && accepts(unit->prefixes, p.kind)) return factor_of(*unit, &p);
  }
  return std::nullopt;
}

// ---- Suggestions ----------------------------------------------------------------------------------

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// The nearest known spelling of an unknown symbol: case-insensitive edit distance first, then the
// exact-case one. Only when the distance is <= 2 and smaller than the symbol itself.
class Suggester {
 public:
  explicit Suggester(std::string_view written) : written_(written), lower_(lowercase(written)) {}

  void consider(std::string_view spelling, std::string shown) {
    const std::size_t folded = edit_distance(lower_, lowercase(spelling));
    const std::size_t exact = edit_distance(written_, spelling);
    if (!best_ || std::pair{folded, exact} < std::pair{best_folded_, best_exact_}) {
      best_ = std::move(shown);
      best_folded_ = folded;
      best_exact_ = exact;
    }
  }

  std::optional<std::string> best() const {
    if (best_ && best_folded_ <= 2 && best_folded_ < written_.size()) return best_;
    return std::nullopt;
  }

 private:
  std::string_view written_;
  std::string lower_;
  std::optional<std::string> best_;
  std::size_t best_folded_ = 0;
  std::size_t best_exact_ = 0;
};

std::optional<std::string> suggest(std::string_view symbol) {
  Suggester suggester(symbol);
  for (const UnitSymbol& u : kUnits) {
    suggester.consider(u.symbol, std::string(u.canonical));
    for (const Prefix& p : kPrefixes) {
      if (!accepts(u.prefixes, p.kind)) continue;
      suggester.consider(std::string(p.symbol) + std::string(u.symbol),
                         std::string(p.symbol) + std::string(u.canonical));
    }
  }
  for (const TemperatureUnit& t : kTemperatures) suggester.consider(t.symbol, std::string(t.symbol));
  return suggester.best();
}

// ---- Error messages -------------------------------------------------------------------------------

// What is being parsed: the whole text (for messages) and the quantity asked for, if any.
struct Context {
  std::string_view text;
  const QuantityInfo* expected = nullptr;
};

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// " in '700 wats'" unless the part is the whole text.
std::string in_text(const Context& ctx, std::string_view part) {
  return part == ctx.text ? std::string() : " in " + quoted(ctx.text);
}

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
    case Quantity::time: return "s, ms, min, h, d";
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
  return UnitError(quoted(ctx.text) + ": unit " + quoted(unit) + " " + what + ", " +
                   expectation(*ctx.expected));
}

// ---- Unit expressions -----------------------------------------------------------------------------

// Resolves one symbol (no exponent) to its factor, or throws the most helpful error.
Factor resolve_symbol(std::string_view symbol, const Context& ctx) {
  if (const UnitSymbol* unit = find_unit(symbol)) return factor_of(*unit, nullptr);
  if (std::optional<Factor> prefixed = split_prefix(symbol)) return *prefixed;
  if (find_temperature(symbol) != nullptr) throw temperature_in_compound(ctx, symbol);
  if (auto ambiguous = find_ambiguous(symbol))
    throw ambiguous_unit(ctx, symbol, ambiguous->first, *ambiguous->second);
  throw unknown_unit(ctx, symbol);
}

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_non_ascii(char c) { return static_cast<unsigned char>(c) >= 0x80; }

constexpr std::string_view kMiddleDot = "\u00B7";  // '·', a multiplication sign

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Parses "term (op term)*" left to right; see the file comment.
class UnitExpression {
 public:
  UnitExpression(std::string_view unit, Context ctx) : unit_(unit), ctx_(ctx) {}

  Factor evaluate() {
    skip_spaces();
    if (at_end()) throw empty_text(ctx_);
    Factor result;
    const int first_power = take("/") ? -1 : 1;
    multiply(result, term(), first_power);
    for (skip_spaces(); !at_end(); skip_spaces()) {
      const int power = operator_power();
      skip_spaces();
      multiply(result, term(), power);
    }
    return result;
  }

 private:
  // '*' or '·' -> +1, '/' -> -1.
  int operator_power() {
    if (take("*") || take(kMiddleDot)) return 1;
    if (take("/")) return -1;
    throw syntax_error("expected '*' or '/' before " + quoted(rest()));
  }

  // "1", or a symbol with an optional "^int".
  Factor term() {
    if (!at_end() && is_digit(unit_[pos_])) return one();
    const std::string_view symbol = take_symbol();
    const int power = take("^") ? exponent() : 1;
    // "m^3" is written with the exponent but stored as the symbol "m3".
    if (std::abs(power) > 1) {
      if (const UnitSymbol* unit = find_unit(std::string(symbol) + std::to_string(std::abs(power)))) {
        Factor result;
        multiply(result, factor_of(*unit, nullptr), power > 0 ? 1 : -1);
        return result;
      }
    }
    Factor result;
    multiply(result, resolve_symbol(symbol, ctx_), power);
    return result;
  }

  // The "1" of "1/s".
  Factor one() {
    if (!take("1") || (!at_end() && (is_digit(unit_[pos_]) || unit_[pos_] == '.')))
      throw syntax_error("unexpected number " + quoted(rest()) +
                         " (only '1' may stand for a unit, as in '1/s')");
    return Factor{};
  }

  std::string_view take_symbol() {
    const std::size_t start = pos_;
    if (!at_end() && (unit_[pos_] == '%' || unit_[pos_] == '$')) {
      ++pos_;
      return unit_.substr(start, 1);
    }
    while (!at_end() && is_symbol_char(pos_ == start)) ++pos_;
    if (pos_ == start)
      throw syntax_error(at_end() ? std::string("missing unit at the end")
                                  : "expected a unit symbol at " + quoted(rest()));
    return unit_.substr(start, pos_ - start);
  }

  bool is_symbol_char(bool first) const {
    const char c = unit_[pos_];
    if (unit_.substr(pos_).starts_with(kMiddleDot)) return false;
    return is_ascii_letter(c) || is_non_ascii(c) || (!first && is_digit(c));
  }

  // [+-] one or two digits.
  int exponent() {
    const int sign = take("-") ? -1 : 1;
    if (sign > 0) take("+");
    int value = 0;
    std::size_t digits = 0;
    for (; !at_end() && is_digit(unit_[pos_]) && digits < 3; ++pos_, ++digits)
      value = value * 10 + (unit_[pos_] - '0');
    if (digits == 0 || digits > 2)
      throw syntax_error("expected an integer exponent (at most two digits) after '^'");
    return sign * value;
  }

  bool take(std::string_view token) {
    if (!unit_.substr(pos_).starts_with(token)) return false;
    pos_ += token.size();
    return true;
  }

  void skip_spaces() {
    while (!at_end() && is_space(unit_[pos_])) ++pos_;
  }

  bool at_end() const { return pos_ >= unit_.size(); }
  std::string_view rest() const { return unit_.substr(pos_); }

  UnitError syntax_error(const std::string& problem) const {
    return UnitError("malformed unit " + quoted(unit_) + in_text(ctx_, unit_) + ": " + problem);
  }

  std::string_view unit_;
  Context ctx_;
  std::size_t pos_ = 0;
};

// ---- Numbers --------------------------------------------------------------------------------------

double read_number(std::string_view digits) {
  double value = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return value;
}

// digit ('_'? digit)*, advancing i; false if no digit.
bool scan_digit_groups(std::string_view s, std::size_t& i) {
  if (i >= s.size() || !is_digit(s[i])) return false;
  ++i;
  while (i < s.size()) {
    if (is_digit(s[i])) {
      ++i;
    } else if (s[i] == '_' && i + 1 < s.size() && is_digit(s[i + 1])) {
      i += 2;
    } else {
      break;
    }
  }
  return true;
}

// (e|E) [+-] digits, advancing i only if well formed.
void scan_exponent(std::string_view s, std::size_t& i) {
  if (i >= s.size() || (s[i] != 'e' && s[i] != 'E')) return;
  std::size_t j = i + 1;
  if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
  if (scan_digit_groups(s, j)) i = j;
}

// "nan", "inf", "infinity" in any case.
bool is_non_finite_word(std::string_view s) {
  std::size_t end = 0;
  while (end < s.size() && is_ascii_letter(s[end])) ++end;
  const std::string word = lowercase(s.substr(0, end));
  return word == "nan" || word == "inf" || word == "infinity";
}

// Characters that continue a malformed number, for the error message: "1.2.3", "1,5".
std::string_view number_like_prefix(std::string_view s) {
  std::size_t end = 0;
  while (end < s.size() && std::string_view("0123456789._,eE+-").find(s[end]) != std::string_view::npos)
    ++end;
  return s.substr(0, end);
}

bool continues_number(std::string_view s, std::size_t i) {
  if (i >= s.size()) return false;
  const char c = s[i];
  if (is_digit(c) || c == '.' || c == '_' || c == ',') return true;
  return (c == 'e' || c == 'E') && i + 1 < s.size() && is_digit(s[i + 1]);
}

struct NumberScan {
  double value;
  std::string_view rest;
};

// The leading number of text (already trimmed); the rest is the unit.
NumberScan scan_number(std::string_view text, const Context& ctx) {
  const std::size_t sign = text[0] == '+' || text[0] == '-' ? 1 : 0;
  std::size_t i = sign;
  if (is_non_finite_word(text.substr(i))) throw not_finite(ctx);
  const bool integer_digits = scan_digit_groups(text, i);
  bool fraction_digits = false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    fraction_digits = scan_digit_groups(text, i);
  }
  if (!integer_digits && !fraction_digits) {
    if (i > sign) throw malformed_number(ctx, number_like_prefix(text));  // ".", "-.e5"
    throw not_a_number(ctx);
  }
  scan_exponent(text, i);
  if (continues_number(text, i)) throw malformed_number(ctx, number_like_prefix(text));

  std::string digits;
  for (char c : text.substr(0, i))
    if (c != '_' && c != '+') digits += c;
  double value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec == std::errc::result_out_of_range) throw out_of_range(ctx);
  if (ec != std::errc() || end != digits.data() + digits.size())
    throw malformed_number(ctx, text.substr(0, i));
  return {value, text.substr(i)};
}

double finite_or_throw(double value, const Context& ctx) {
  if (!std::isfinite(value)) throw out_of_range(ctx);
  return value;
}

double to_celsius(double value, const TemperatureUnit& t) { return (value + t.offset) * t.num / t.den; }

// ---- Formatting -----------------------------------------------------------------------------------

// The units format() may pick per quantity.
struct DisplayUnits {
  std::vector<std::string_view> usual;  // the first one is also used for zero
  std::vector<std::string_view> exact;  // only when they show the value plainly ("80 GiB")
};

const DisplayUnits& display_units(Quantity q) {
  static const std::array<DisplayUnits, kQuantities.size()> table{{
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
  return UnitExpression(unit, Context{unit, nullptr}).evaluate();
}

void trim_fraction_zeros(std::string& s) {
  if (s.find('.') == std::string::npos) return;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
}

// x rounded to `digits` significant digits: plain decimals in [1e-4, 1e6), else "1.5e7".
std::string number_text(double x, int digits) {
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
  Shown shown = shortest_number(value, f);
  const int excess_digits = shown.digits > kPlainDigits ? shown.digits : 0;
  return {join_unit(shown.number, unit),
          {decades_out_of_range(value * f.den / f.num), excess_digits, -f.num / f.den}};
}

}  // namespace

// ---- Public API -----------------------------------------------------------------------------------

const QuantityInfo& info(Quantity q) { return kQuantities[static_cast<std::size_t>(q)]; }

double parse(std::string_view text, Quantity q) {
  const QuantityInfo& want = info(q);
  const Context ctx{text, &want};
  const std::string_view trimmed = trim(text);
  if (trimmed.empty()) throw empty_text(ctx);
  const NumberScan number = scan_number(trimmed, ctx);
  const std::string_view unit = trim(number.rest);
  if (unit.empty()) return finite_or_throw(number.value, ctx);
  if (const TemperatureUnit* t = find_temperature(unit)) {
    if (q != Quantity::temperature) throw wrong_dimension(ctx, unit, kTemperatureDim);
    return finite_or_throw(to_celsius(number.value, *t), ctx);
  }
  const Factor factor = UnitExpression(unit, ctx).evaluate();
  if (factor.dim != want.dim) throw wrong_dimension(ctx, unit, factor.dim);
  return finite_or_throw(number.value * factor.num / factor.den, ctx);
}

UnitFactor parse_unit(std::string_view unit) {
  const std::string_view trimmed = trim(unit);
  if (find_temperature(trimmed) != nullptr) throw temperature_alone(trimmed);
  const Factor factor = UnitExpression(trimmed, Context{trimmed, nullptr}).evaluate();
  return {factor.num / factor.den, factor.dim};
}

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
