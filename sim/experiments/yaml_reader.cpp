#include "sim/experiments/yaml_reader.hpp"

#include <cmath>
#include <cstdlib>

#include "sim/util/text.hpp"

namespace dcsim::experiments {

namespace {

std::string shown(const YAML::Node& n) {
  if (n.IsScalar()) return "'" + n.Scalar() + "'";
  if (n.IsSequence()) return "a list";
  if (n.IsMap()) return "a mapping";
  return "nothing";
}

}  // namespace

scenario::Location YamlReader::at(const YAML::Node& n) const {
  if (!n.IsDefined() || n.Mark().is_null()) return scenario::Location{file_, 0, 0};
  return scenario::Location{file_, n.Mark().line + 1, n.Mark().column + 1};
}

void YamlReader::check_keys(const YAML::Node& map, const std::vector<std::string>& allowed, const std::string& path) {
  if (!map.IsMap()) return;
  for (const auto& kv : map) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
    bool known = false;
    for (const auto& a : allowed) known = known || a == key;
    if (known) continue;
    std::string msg = "unknown key '" + key + "'";
    const std::string near = nearest(key, allowed);
    msg += near.empty() ? ", expected one of " + quoted_list(allowed) : " (did you mean '" + near + "'?)";
    error(kv.first, path.empty() ? key : path + "." + key, msg);
  }
}

bool YamlReader::is_map(const YAML::Node& n, const std::string& path, const std::string& what) {
  if (n.IsMap()) return true;
  error(n, path, "got " + shown(n) + ", expected " + what);
  return false;
}

bool YamlReader::is_list(const YAML::Node& n, const std::string& path, const std::string& what) {
  if (n.IsSequence() && n.size() > 0) return true;
  error(n, path, n.IsSequence() ? "is empty, expected " + what : "got " + shown(n) + ", expected " + what);
  return false;
}

std::optional<std::string> YamlReader::scalar(const YAML::Node& n, const std::string& path, const std::string& what) {
  if (n.IsScalar() && !n.Scalar().empty()) return n.Scalar();
  error(n, path, "got " + shown(n) + ", expected " + what);
  return std::nullopt;
}

std::optional<long> YamlReader::integer(const YAML::Node& n, const std::string& path) {
  const auto s = scalar(n, path, "an integer");
  if (!s) return std::nullopt;
  char* end = nullptr;
  const long v = std::strtol(s->c_str(), &end, 10);
  if (end == s->c_str() || *end != '\0') {
    error(n, path, "got '" + *s + "', expected an integer");
    return std::nullopt;
  }
  return v;
}

std::optional<double> YamlReader::number(const YAML::Node& n, const std::string& path) {
  const auto s = scalar(n, path, "a number");
  if (!s) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s->c_str(), &end);
  if (end == s->c_str() || *end != '\0' || !std::isfinite(v)) {
    error(n, path, "got '" + *s + "', expected a finite number");
    return std::nullopt;
  }
  return v;
}

std::optional<double> YamlReader::quantity(const YAML::Node& n, const std::string& path, units::Quantity q) {
  const auto s = scalar(n, path, std::string("a ") + units::info(q).name + " such as '" + units::info(q).example + "'");
  if (!s) return std::nullopt;
  try {
    return units::parse(*s, q);
  } catch (const units::UnitError& e) {
    error(n, path, "got '" + *s + "': " + e.what());
    return std::nullopt;
  }
}

std::optional<double> YamlReader::si_value(const YAML::Node& n, const std::string& path) {
  const auto s = scalar(n, path, "a number, optionally with a unit ('20 s', '1 %', '2 MW')");
  if (!s) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s->c_str(), &end);
  if (end == s->c_str() || !std::isfinite(v)) {
    error(n, path, "got '" + *s + "', expected a number, optionally with a unit ('20 s', '1 %', '2 MW')");
    return std::nullopt;
  }
  std::string unit(end);
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  while (!unit.empty() && unit.back() == ' ') unit.pop_back();
  if (unit.empty()) return v;
  try {
    return v * units::parse_unit(unit).factor;
  } catch (const units::UnitError& e) {
    error(n, path, "got '" + *s + "': " + e.what());
    return std::nullopt;
  }
}

std::string yaml_text(const YAML::Node& n) {
  if (n.IsScalar()) return n.Scalar();
  YAML::Emitter out;
  out << YAML::Flow << n;
  return out.c_str();
}

}  // namespace dcsim::experiments
