// docs/scenario-reference.md (`dcsim list --markdown`) lists every key the loader accepts: each
// parameter and sub-block of every scenario block and of every registered model, found by walking
// the same declarations the loader validates with.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "models/register_models.hpp"
#include "sim/cli/reference.hpp"
#include "sim/registry/registry.hpp"
#include "sim/scenario/scenario_schema.hpp"

using dcsim::RegistryIndex;
using dcsim::scenario::ChildKind;
using dcsim::scenario::Schema;

namespace {

// Every key of `s` and of the blocks below it appears in `doc`: a parameter as a table row, a
// sub-block as the last part of a listed path ("`...points[]`").
void check_keys(const Schema& s, const std::string& doc, const std::string& where, std::set<const Schema*>& seen) {
  if (!seen.insert(&s).second) return;
  for (const auto& p : s.params) {
    INFO(where << ": parameter '" << p.name << "'");
    CHECK(doc.find("| `" + p.name + "` |") != std::string::npos);
  }
  for (const auto& c : s.children) {
    INFO(where << ": block '" << c.key << "'");
    const bool listed = doc.find("." + c.key + "`") != std::string::npos ||
                        doc.find("." + c.key + "[]`") != std::string::npos || doc.find("- `" + c.key) != std::string::npos;
    CHECK(listed);
    if ((c.kind == ChildKind::block || c.kind == ChildKind::list) && c.schema != nullptr)
      check_keys(*c.schema, doc, where + "." + c.key, seen);
  }
}

}  // namespace

TEST_CASE("reference: every key the loader accepts is in the scenario reference") {
  dcsim::register_builtin_models();
  const std::string doc = dcsim::cli::parameter_reference(true);
  std::set<const Schema*> seen;
  check_keys(dcsim::scenario::scenario_schema(), doc, "scenario", seen);
  const auto& index = RegistryIndex::global();
  for (const auto& cat : index.categories()) {
    for (const auto& name : index.names(cat)) {
      INFO("model " << cat << "/" << name);
      CHECK(doc.find("#### `model: " + name + "`") != std::string::npos);
      check_keys(index.find(cat, name)->schema, doc, cat + "/" + name, seen);
    }
  }
}

TEST_CASE("reference: the nhpp model's blocks and the llm class's token models are listed") {
  dcsim::register_builtin_models();
  const std::string doc = dcsim::cli::parameter_reference(true);
  for (const char* key : {"(nhpp).points[]`", "(nhpp).csv`", "(nhpp).surges[]`", "(nhpp).regions[]`", "(nhpp).diurnal`",
                          "(nhpp).weekly`", "(llm).prompt_tokens`", "(llm).output_tokens`"}) {
    INFO(key);
    CHECK(doc.find(key) != std::string::npos);
  }
  CHECK(doc.find("| `duration` | time |") != std::string::npos);  // a surge's plateau
}
