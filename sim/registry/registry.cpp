#include "sim/registry/registry.hpp"

namespace dcsim {

RegistryIndex& RegistryIndex::global() {
  static RegistryIndex index;
  return index;
}

void RegistryIndex::add_category(const std::string& category, const std::string& help) {
  if (categories_.count(category)) throw std::logic_error("registry category '" + category + "' declared twice");
  categories_[category] = help;
}

void RegistryIndex::add_model(ModelInfo info) {
  if (!categories_.count(info.category)) {
    throw std::logic_error("registry: unknown category '" + info.category + "'");
  }
  auto& by_name = models_[info.category];
  if (by_name.count(info.name)) {
    throw std::logic_error("registry '" + info.category + "': model '" + info.name + "' registered twice");
  }
  const std::string name = info.name;
  by_name.emplace(name, std::move(info));
}

const ModelInfo* RegistryIndex::find(const std::string& category, const std::string& name) const {
  auto c = models_.find(category);
  if (c == models_.end()) return nullptr;
  auto m = c->second.find(name);
  return m == c->second.end() ? nullptr : &m->second;
}

std::vector<std::string> RegistryIndex::names(const std::string& category) const {
  std::vector<std::string> out;
  auto c = models_.find(category);
  if (c != models_.end()) {
    for (const auto& [n, info] : c->second) out.push_back(n);
  }
  return out;
}

std::vector<std::string> RegistryIndex::categories() const {
  std::vector<std::string> out;
  for (const auto& [c, h] : categories_) out.push_back(c);
  return out;
}

const std::string& RegistryIndex::category_help(const std::string& category) const {
  static const std::string none;
  auto it = categories_.find(category);
  return it == categories_.end() ? none : it->second;
}

}  // namespace dcsim
