#include "sim/scenario/config_defaults.hpp"

#include "sim/scenario/param.hpp"
#include "sim/scenario/units.hpp"

namespace dcsim::scenario {

bool at_default(const Config& c, const std::string& key) {
  const Value& v = c.value(key);
  if (!v.present || v.defaulted) return true;
  const ParamSpec* p = c.schema() != nullptr ? c.schema()->find_param(key) : nullptr;
  if (p == nullptr || p->default_text.empty()) return false;
  switch (p->kind) {
    case ParamKind::quantity: return units::parse(p->default_text, p->quantity) == v.number;
    case ParamKind::integer: return std::stod(p->default_text) == v.number;
    default: return p->default_text == v.text;
  }
}

}  // namespace dcsim::scenario
