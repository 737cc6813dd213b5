// Building arrival processes from YAML in tests: a block that holds one `arrivals:` model.
#pragma once

#include <memory>
#include <string>

#include "models/arrivals/arrival_process.hpp"
#include "models/register_models.hpp"
#include "sim/scenario/loader.hpp"

namespace dcsim::test {

inline const scenario::Schema& arrivals_holder_schema() {
  static const scenario::Schema s = [] {
    scenario::ChildSpec c;
    c.key = "arrivals";
    c.kind = scenario::ChildKind::model;
    c.category = "arrivals";
    c.required = true;
    c.help = "arrivals";
    return scenario::Schema{"holder", "test block", {}, {c}};
  }();
  return s;
}

// `yaml` is a document with one key, `arrivals:`. Throws scenario::InputError like a scenario.
inline std::unique_ptr<arrivals::ArrivalProcess> build_arrivals(const std::string& yaml,
                                                                 const arrivals::ArrivalContext& ctx = {}) {
  register_builtin_models();
  const auto sc = scenario::load_text(yaml, "t.yaml", arrivals_holder_schema(), {});
  return arrivals::arrivals_registry().create(sc.root.child("arrivals"), ctx);
}

}  // namespace dcsim::test
