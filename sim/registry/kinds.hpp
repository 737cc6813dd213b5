// Block kinds: named variants of a scenario block chosen by one of its parameters (a pool's
// `serving: llm`), or extensions that every block of a type carries (a site's control-step
// components). A kind declares its keys once (ParamSpec, ChildSpec): in a sub-block named
// `block` (the llm pool's `llm:`) or, with `block` empty, in the parent block itself (the fifo
// pool's `weights`, `gpu:`, `service:`). The scenario schema builds the parent block from the
// kinds registered under it, so sim/scenario names none of them (STYLE.md 13); `dcsim list`
// and docs/scenario-reference.md show them where they are written.
//
// A family of kinds has one typed registry (KindRegistry<Result, Args...>): name -> factory.
// Unknown and duplicate names are errors that list the known ones (STYLE.md 8).
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/scenario/config.hpp"
#include "sim/scenario/diagnostics.hpp"
#include "sim/scenario/param.hpp"
#include "sim/util/text.hpp"

namespace dcsim {

struct KindInfo {
  std::string family;  // "pool"
  std::string parent;  // the block its keys extend: the family's block, or another ("facility")
  std::string name;    // "llm"
  std::string help;     // of its block (or of its keys in the parent block)
  std::string summary;  // one line, for the selector's help ("continuous batching with a KV cache")
  std::string block;   // sub-block key ("llm"); "" : the keys go in the parent block itself
  bool is_default = false;  // the selector's default (selected families)
  std::vector<scenario::ParamSpec> params;
  std::vector<scenario::ChildSpec> children;
  // Checks across keys of the parent block, run when the scenario is loaded (selected families:
  // only for the chosen kind). Report with diags.error(location, path, message).
  std::function<void(const scenario::Config& parent, scenario::Diagnostics& diags)> check;
  scenario::Schema schema;  // {block or name, help, params, children}: filled by add()
};

struct KindFamily {
  std::string name;      // "pool"
  std::string selector;  // parameter of the parent block that chooses one kind ("serving"); "": all apply
  std::string help;      // of the selector
};

class KindIndex {
 public:
  static KindIndex& global();

  void add_family(KindFamily family);  // throws std::logic_error on a duplicate
  const KindFamily* family(const std::string& name) const;
  // Throws std::logic_error on an unknown family or parent, a duplicate name or two defaults.
  const KindInfo& add(KindInfo info);
  // Kinds whose keys extend `parent`, in registration order (data order).
  std::vector<const KindInfo*> extending(const std::string& parent) const;
  // Kinds of a family, in registration order.
  std::vector<const KindInfo*> of_family(const std::string& family) const;
  const KindInfo* find(const std::string& family, const std::string& name) const;

 private:
  std::map<std::string, KindFamily> families_;
  std::deque<KindInfo> kinds_;  // stable addresses: schemas point into it
};

template <class Result, class... Args>
class KindRegistry {
 public:
  using Factory = std::function<Result(Args...)>;

  KindRegistry(KindFamily family) : family_(family.name) { KindIndex::global().add_family(std::move(family)); }

  // `info.family` is set here; `info.parent` defaults to the family.
  void add(KindInfo info, Factory f) {
    info.family = family_;
    if (info.parent.empty()) info.parent = family_;
    const std::string name = info.name;
    KindIndex::global().add(std::move(info));
    factories_.emplace_back(name, std::move(f));
  }

  Result build(const std::string& name, Args... args) const {
    for (const auto& [n, f] : factories_)
      if (n == name) return f(std::forward<Args>(args)...);
    throw std::logic_error("kind registry '" + family_ + "': unknown kind '" + name + "' (known: " +
                           quoted_list(names(), ", ") + ")");
  }

  // In registration order.
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& [n, f] : factories_) out.push_back(n);
    return out;
  }
  const std::string& family() const { return family_; }

 private:
  std::string family_;
  std::vector<std::pair<std::string, Factory>> factories_;
};

}  // namespace dcsim
