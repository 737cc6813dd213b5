// Units: the tables of units.hpp and the lookups in them. The quantities (name, internal unit,
// example, Dim), the SI and binary prefixes, the unit symbols with their factor to the internal unit
// and the prefixes each accepts, the affine temperature units, and the symbols rejected as
// ambiguous ('b', 'FLOPs'). A symbol is found by an exact match first, then as a prefix followed by
// a symbol that accepts it ("kWh", "GiB"); an unknown one gets the nearest spelling from the same
// tables (edit distance <= 2, case-insensitive first). info() is here too.
#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>

#include "sim/scenario/units_internal.hpp"
#include "sim/util/text.hpp"

namespace dcsim::units::internal {
namespace {

// ---- Quantities -----------------------------------------------------------------------------------

// Ordered as the enum: info() indexes it.
constexpr std::array<QuantityInfo, kQuantityCount> kQuantities{{
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

}  // namespace

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

namespace {

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
    {"w", "wk", kWeek, 1, kTimeDim, Prefixes::none},  // weeks ("1w"); watts are 'W'
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

constexpr std::array<TemperatureUnit, 7> kTemperatures{{
    {"degC", 0, 1, 1},
    {"\u00B0C", 0, 1, 1},  // °C
    {"C", 0, 1, 1},
    {"degF", -32, 5, 9},
    {"\u00B0F", -32, 5, 9},  // °F
    {"F", -32, 5, 9},
    {"K", -273.15, 1, 1},
}};

constexpr std::array<AmbiguousSymbol, 3> kAmbiguous{{
    {"b", "bits or bytes", "bit", "B"},
    {"FLOPs", "a count or a rate", "FLOP", "FLOP/s"},
    {"flops", "a count or a rate", "FLOP", "FLOP/s"},
}};

bool accepts(Prefixes allowed, PrefixKind kind) {
  return allowed == Prefixes::any || (allowed == Prefixes::decimal && kind == PrefixKind::decimal);
}

}  // namespace

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

namespace {

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

}  // namespace

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

}  // namespace dcsim::units::internal

namespace dcsim::units {

const QuantityInfo& info(Quantity q) { return internal::kQuantities[static_cast<std::size_t>(q)]; }

}  // namespace dcsim::units
