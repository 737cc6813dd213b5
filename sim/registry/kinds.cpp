#include "sim/registry/kinds.hpp"

namespace dcsim {

KindIndex& KindIndex::global() {
  static KindIndex index;
  return index;
}

void KindIndex::add_family(KindFamily family) {
  if (families_.count(family.name)) throw std::logic_error("kind family '" + family.name + "' declared twice");
  const std::string name = family.name;
  families_.emplace(name, std::move(family));
}

const KindFamily* KindIndex::family(const std::string& name) const {
  auto it = families_.find(name);
  return it == families_.end() ? nullptr : &it->second;
}

const KindInfo& KindIndex::add(KindInfo info) {
  if (!families_.count(info.family)) throw std::logic_error("kinds: unknown family '" + info.family + "'");
  for (const auto& k : kinds_) {
    if (k.family == info.family && k.name == info.name)
      throw std::logic_error("kind registry '" + info.family + "': kind '" + info.name + "' registered twice");
    if (k.family == info.family && k.is_default && info.is_default)
      throw std::logic_error("kind registry '" + info.family + "': two defaults ('" + k.name + "', '" + info.name + "')");
  }
  info.schema = scenario::Schema{info.block.empty() ? info.name : info.block, info.help, info.params, info.children};
  kinds_.push_back(std::move(info));
  return kinds_.back();
}

std::vector<const KindInfo*> KindIndex::extending(const std::string& parent) const {
  std::vector<const KindInfo*> out;
  for (const auto& k : kinds_)
    if (k.parent == parent) out.push_back(&k);
  return out;
}

std::vector<const KindInfo*> KindIndex::of_family(const std::string& family) const {
  std::vector<const KindInfo*> out;
  for (const auto& k : kinds_)
    if (k.family == family) out.push_back(&k);
  return out;
}

const KindInfo* KindIndex::find(const std::string& family, const std::string& name) const {
  for (const auto& k : kinds_)
    if (k.family == family && k.name == name) return &k;
  return nullptr;
}

}  // namespace dcsim
