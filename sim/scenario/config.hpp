// A validated block of the scenario: every declared parameter has a value (given or default) in
// internal units, and every sub-block is itself a Config. Models read their parameters from it;
// asking for an undeclared parameter is a programming error (std::logic_error), never a silent
// default.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/scenario/diagnostics.hpp"
#include "sim/scenario/param.hpp"

namespace YAML {
class Node;
}

namespace dcsim::scenario {

struct Value {
  ParamKind kind = ParamKind::quantity;
  double number = 0;   // quantity (internal units), integer, boolean (0/1)
  std::string text;    // as written (or the default text); the value itself for strings/choices
  bool present = false;    // false: optional parameter without value
  bool defaulted = false;  // true: taken from the declaration
  Location where;
};

class Config {
 public:
  Config() = default;
  Config(const Schema* schema, std::string path, Location where) : schema_(schema), path_(std::move(path)), where_(std::move(where)) {}

  const std::string& path() const { return path_; }
  const Location& where() const { return where_; }
  const Schema* schema() const { return schema_; }
  // For model blocks: the chosen model's name ("poisson").
  const std::string& model() const { return model_; }

  double num(const std::string& key) const;
  int64_t integer(const std::string& key) const;
  bool flag(const std::string& key) const;
  const std::string& str(const std::string& key) const;
  bool has(const std::string& key) const;  // optional parameter with a value
  const Value& value(const std::string& key) const;
  Location where(const std::string& key) const;

  const Config& child(const std::string& key) const;
  const std::vector<Config>& list(const std::string& key) const;
  bool has_child(const std::string& key) const;
  // For ChildKind::raw blocks: the YAML as written (with its file positions), or null if absent.
  const YAML::Node* raw() const { return raw_.get(); }
  void set_raw(std::shared_ptr<const YAML::Node> node) { raw_ = std::move(node); }

  // Construction (loader).
  void set_model(std::string m) { model_ = std::move(m); }
  void set_value(const std::string& key, Value v) { values_[key] = std::move(v); }
  void set_child(const std::string& key, Config c) { children_[key] = std::move(c); }
  void set_list(const std::string& key, std::vector<Config> l) { lists_[key] = std::move(l); }
  const std::map<std::string, Value>& values() const { return values_; }

 private:
  [[noreturn]] void undeclared(const std::string& key, const char* what) const;

  const Schema* schema_ = nullptr;
  std::string path_;
  Location where_;
  std::string model_;
  std::map<std::string, Value> values_;
  std::map<std::string, Config> children_;
  std::map<std::string, std::vector<Config>> lists_;
  std::shared_ptr<const YAML::Node> raw_;
};

}  // namespace dcsim::scenario
