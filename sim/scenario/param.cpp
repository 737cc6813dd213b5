#include "sim/scenario/param.hpp"

#include <cmath>
#include <sstream>

#include "sim/util/text.hpp"

namespace dcsim::scenario {

ParamSpec ParamSpec::quantity_of(std::string name, units::Quantity q) {
  ParamSpec p;
  p.name = std::move(name);
  p.kind = ParamKind::quantity;
  p.quantity = q;
  return p;
}
ParamSpec ParamSpec::integer(std::string name) {
  ParamSpec p;
  p.name = std::move(name);
  p.kind = ParamKind::integer;
  return p;
}
ParamSpec ParamSpec::boolean(std::string name) {
  ParamSpec p;
  p.name = std::move(name);
  p.kind = ParamKind::boolean;
  return p;
}
ParamSpec ParamSpec::string(std::string name) {
  ParamSpec p;
  p.name = std::move(name);
  p.kind = ParamKind::string;
  return p;
}
ParamSpec ParamSpec::choice(std::string name, std::vector<std::string> options) {
  ParamSpec p;
  p.name = std::move(name);
  p.kind = ParamKind::choice;
  p.choices = std::move(options);
  return p;
}
ParamSpec ParamSpec::datetime(std::string name) {
  ParamSpec p;
  p.name = std::move(name);
  p.kind = ParamKind::datetime;
  return p;
}
ParamSpec&& ParamSpec::def(std::string text) && {
  default_text = std::move(text);
  return std::move(*this);
}
ParamSpec&& ParamSpec::req() && {
  required = true;
  return std::move(*this);
}
ParamSpec&& ParamSpec::at_least(double v) && {
  min = v;
  min_exclusive = false;
  return std::move(*this);
}
ParamSpec&& ParamSpec::above(double v) && {
  min = v;
  min_exclusive = true;
  return std::move(*this);
}
ParamSpec&& ParamSpec::at_most(double v) && {
  max = v;
  max_exclusive = false;
  return std::move(*this);
}
ParamSpec&& ParamSpec::below(double v) && {
  max = v;
  max_exclusive = true;
  return std::move(*this);
}
ParamSpec&& ParamSpec::id() && {
  identifier = true;
  return std::move(*this);
}
ParamSpec&& ParamSpec::doc(std::string text) && {
  help = std::move(text);
  return std::move(*this);
}
ParamSpec&& ParamSpec::src(std::string calibration_id) && {
  source = std::move(calibration_id);
  return std::move(*this);
}

std::string ParamSpec::unit_text() const {
  switch (kind) {
    case ParamKind::quantity: return units::info(quantity).internal_unit;
    case ParamKind::integer: return "1";
    case ParamKind::datetime: return "UTC";
    default: return "";
  }
}

std::string ParamSpec::kind_text() const {
  switch (kind) {
    case ParamKind::quantity: return units::info(quantity).name;
    case ParamKind::integer: return "integer";
    case ParamKind::boolean: return "boolean";
    case ParamKind::string: return identifier ? "name" : "string";
    case ParamKind::choice: return "choice";
    case ParamKind::datetime: return "date-time";
  }
  return "?";
}

double magnitude_limit(units::Quantity q) {
  using units::Quantity;
  switch (q) {
    case Quantity::dimensionless: return 1e12;     // users, scales, token medians
    case Quantity::time: return 8.64e8;            // 10,000 d (27 years)
    case Quantity::rate: return 1e6;               // 1e6 /s: ~35 x ChatGPT's 2.5 G prompts a day
    case Quantity::power: return 1e10;             // 10 GW
    case Quantity::energy: return 1e18;            // 278 TWh
    case Quantity::data: return 1e18;              // 1 EB
    case Quantity::bandwidth: return 1e15;         // 1 PB/s
    case Quantity::compute: return 1e27;           // FLOP
    case Quantity::compute_rate: return 1e21;      // 1 ZFLOP/s
    case Quantity::temperature: return 1e4;        // degC
    case Quantity::carbon_intensity: return 1e5 / 3.6e6;  // 100 kg/kWh, in g/J
    case Quantity::mass: return 1e15;              // g (1 Gt)
    case Quantity::volume: return 1e15;            // L
    case Quantity::water_intensity: return 1e3 / 3.6e6;   // 1000 L/kWh, in L/J
    case Quantity::money: return 1e15;             // USD
    case Quantity::energy_price: return 1e6 / 3.6e9;      // 1e6 USD/MWh, in USD/J
  }
  return 1e12;
}

namespace {
std::string bound_text(const ParamSpec& p, double v) {
  if (p.kind == ParamKind::quantity && p.quantity != units::Quantity::dimensionless) return units::format(v, p.quantity);
  std::ostringstream os;
  os << v;
  return os.str();
}
}  // namespace

std::string ParamSpec::range_text() const {
  if (kind == ParamKind::choice) return "one of " + quoted_list(choices);
  if (kind == ParamKind::boolean) return "true or false";
  if (kind == ParamKind::datetime) return "YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM]";
  if (kind == ParamKind::string) return identifier ? "letters, digits, '_' or '-'" : pattern_help;
  const bool has_min = std::isfinite(min);
  const bool has_max = std::isfinite(max);
  if (has_min && has_max) {
    return std::string(min_exclusive ? "(" : "[") + bound_text(*this, min) + ", " + bound_text(*this, max) +
           (max_exclusive ? ")" : "]");
  }
  if (has_min) return std::string(min_exclusive ? "> " : ">= ") + bound_text(*this, min);
  if (has_max) return std::string(max_exclusive ? "< " : "<= ") + bound_text(*this, max);
  return "";
}

const ParamSpec* Schema::find_param(const std::string& key) const {
  for (const auto& p : params) {
    if (p.name == key) return &p;
  }
  return nullptr;
}

const ChildSpec* Schema::find_child(const std::string& key) const {
  for (const auto& c : children) {
    if (c.key == key) return &c;
  }
  return nullptr;
}

std::vector<std::string> Schema::keys() const {
  std::vector<std::string> out;
  for (const auto& p : params) out.push_back(p.name);
  for (const auto& c : children) out.push_back(c.key);
  return out;
}

}  // namespace dcsim::scenario
