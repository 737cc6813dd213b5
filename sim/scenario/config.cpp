#include "sim/scenario/config.hpp"

#include <stdexcept>

namespace dcsim::scenario {

void Config::undeclared(const std::string& key, const char* what) const {
  throw std::logic_error(std::string("Config '") + path_ + "': no " + what + " '" + key + "' was declared/loaded");
}

const Value& Config::value(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) undeclared(key, "parameter");
  return it->second;
}

double Config::num(const std::string& key) const {
  const Value& v = value(key);
  if (!v.present) throw std::logic_error("Config '" + path_ + "': optional parameter '" + key + "' has no value; check has() first");
  return v.number;
}

int64_t Config::integer(const std::string& key) const { return static_cast<int64_t>(num(key)); }

bool Config::flag(const std::string& key) const { return num(key) != 0; }

const std::string& Config::str(const std::string& key) const { return value(key).text; }

bool Config::has(const std::string& key) const {
  auto it = values_.find(key);
  return it != values_.end() && it->second.present;
}

Location Config::where(const std::string& key) const {
  auto it = values_.find(key);
  const bool located = it != values_.end() && (it->second.where.line > 0 || it->second.where.file == "--set");
  return located ? it->second.where : where_;
}

const Config& Config::child(const std::string& key) const {
  auto it = children_.find(key);
  if (it == children_.end()) undeclared(key, "block");
  return it->second;
}

bool Config::has_child(const std::string& key) const { return children_.count(key) != 0; }

const std::vector<Config>& Config::list(const std::string& key) const {
  auto it = lists_.find(key);
  if (it == lists_.end()) undeclared(key, "list");
  return it->second;
}

}  // namespace dcsim::scenario
