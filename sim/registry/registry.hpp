// Registries: a model name maps to its factory, its one-line description and its parameter
// declarations (STYLE.md 8). An unknown or duplicate name is an error that lists the known
// names. Every typed Registry also appears in the global RegistryIndex, which the scenario loader
// (to validate `model:` blocks) and `dcsim list` read without knowing the model types.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/scenario/config.hpp"
#include "sim/scenario/param.hpp"
#include "sim/util/text.hpp"

namespace dcsim {

struct ModelInfo {
  std::string category;  // "arrivals"
  std::string name;      // "poisson"
  std::string help;
  scenario::Schema schema;  // the model's parameters
};

class RegistryIndex {
 public:
  static RegistryIndex& global();

  void add_category(const std::string& category, const std::string& help);
  void add_model(ModelInfo info);  // throws std::logic_error on a duplicate
  const ModelInfo* find(const std::string& category, const std::string& name) const;
  std::vector<std::string> names(const std::string& category) const;  // sorted
  std::vector<std::string> categories() const;                         // sorted
  const std::string& category_help(const std::string& category) const;
  bool has_category(const std::string& category) const { return categories_.count(category) != 0; }

 private:
  std::map<std::string, std::string> categories_;                 // category -> help
  std::map<std::string, std::map<std::string, ModelInfo>> models_;  // category -> name -> info
};

template <class Base, class... Args>
class Registry {
 public:
  using Factory = std::function<std::unique_ptr<Base>(const scenario::Config&, Args...)>;

  Registry(std::string category, std::string help) : category_(std::move(category)) {
    RegistryIndex::global().add_category(category_, help);
  }

  // Idempotence is the caller's business (register_builtin_models runs once); a second add of
  // the same name is an error.
  // `children` declares sub-blocks of the model's block (lists of points, nested models...); their
  // schemas must outlive the registry (function-local statics).
  void add(const std::string& name, const std::string& help, std::vector<scenario::ParamSpec> params, Factory f,
           std::vector<scenario::ChildSpec> children = {}) {
    if (factories_.count(name)) {
      throw std::logic_error("registry '" + category_ + "': model '" + name + "' registered twice");
    }
    for (const auto& p : params) {
      if (p.name == "model") throw std::logic_error("registry '" + category_ + "': model '" + name + "' declares a parameter named 'model', which selects the model");
    }
    scenario::Schema schema{category_ + "/" + name, help, std::move(params), std::move(children)};
    RegistryIndex::global().add_model(ModelInfo{category_, name, help, std::move(schema)});
    factories_.emplace(name, std::move(f));
  }

  std::unique_ptr<Base> create(const scenario::Config& cfg, Args... args) const {
    auto it = factories_.find(cfg.model());
    if (it == factories_.end()) {
      std::vector<std::string> known;
      for (const auto& [n, f] : factories_) known.push_back(n);
      throw std::logic_error("registry '" + category_ + "': unknown model '" + cfg.model() + "' (known: " +
                             quoted_list(known, ", ") + ")");
    }
    return it->second(cfg, std::forward<Args>(args)...);
  }

  bool contains(const std::string& name) const { return factories_.count(name) != 0; }
  const std::string& category() const { return category_; }

 private:
  std::string category_;
  std::map<std::string, Factory> factories_;
};

}  // namespace dcsim
