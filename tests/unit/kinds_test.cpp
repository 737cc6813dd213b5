// Block kinds (sim/registry/kinds.hpp) and the pool block built from them: the registry refuses
// duplicates, a second default and unknown names; the pool block carries every registered
// kind's keys where the kind declares them, and `serving` lists the kinds.
#include <catch2/catch.hpp>

#include <algorithm>

#include "models/register_models.hpp"
#include "models/serving/pool_kind.hpp"
#include "sim/registry/kinds.hpp"
#include "sim/scenario/scenario_schema.hpp"

using namespace dcsim;
using Catch::Contains;

namespace {

const scenario::Schema& pool_block() {
  const auto* sites = scenario::scenario_schema().find_child("sites");
  REQUIRE(sites != nullptr);
  const auto* pools = sites->schema->find_child("pools");
  REQUIRE(pools != nullptr);
  return *pools->schema;
}

}  // namespace

TEST_CASE("kinds: a registry refuses a duplicate name, a second default and an unknown kind") {
  KindRegistry<int, int> r(KindFamily{"test_gadget", "flavour", "Which gadget."});
  KindInfo a;
  a.name = "plain";
  a.is_default = true;
  r.add(a, [](int x) { return x + 1; });
  KindInfo b;
  b.name = "fancy";
  b.block = "fancy";
  r.add(b, [](int x) { return x * 10; });
  CHECK(r.build("plain", 1) == 2);
  CHECK(r.build("fancy", 2) == 20);
  CHECK(r.names() == std::vector<std::string>{"plain", "fancy"});
  CHECK_THROWS_WITH(r.add(a, [](int x) { return x; }), Contains("kind 'plain' registered twice"));
  KindInfo c;
  c.name = "other";
  c.is_default = true;
  CHECK_THROWS_WITH(r.add(c, [](int x) { return x; }), Contains("two defaults ('plain', 'other')"));
  CHECK_THROWS_WITH(r.build("nope", 1), Contains("unknown kind 'nope' (known: 'plain', 'fancy')"));
  const KindInfo* f = KindIndex::global().find("test_gadget", "fancy");
  REQUIRE(f != nullptr);
  CHECK(f->parent == "test_gadget");  // the family's block by default
  CHECK(f->schema.name == "fancy");
  CHECK_THROWS_WITH(KindRegistry<int>(KindFamily{"test_gadget", "", ""}), Contains("declared twice"));
}

TEST_CASE("kinds: the pool block is built from the registered pool kinds") {
  register_builtin_models();
  const scenario::Schema& pool = pool_block();
  const scenario::ParamSpec* serving = pool.find_param("serving");
  REQUIRE(serving != nullptr);
  CHECK(serving->choices == std::vector<std::string>{"fifo", "llm", "diffusion", "disaggregated"});
  CHECK(serving->default_text == "fifo");
  // Block kinds: a sub-block each, with the kind's schema; the fifo kind's keys are the pool's own.
  for (const char* block : {"llm", "diffusion", "disaggregated"}) {
    INFO(block);
    const scenario::ChildSpec* c = pool.find_child(block);
    REQUIRE(c != nullptr);
    CHECK(c->schema == &KindIndex::global().find("pool", block)->schema);
  }
  CHECK(pool.find_param("weights") != nullptr);
  CHECK(pool.find_param("gpus_per_replica") != nullptr);
  CHECK(pool.find_child("gpu") != nullptr);
  CHECK(pool.find_child("service") != nullptr);
  // Pools that route at arrival take a pool_routing model.
  for (const char* block : {"llm", "disaggregated"}) {
    const scenario::ChildSpec* r = pool.find_child(block)->schema->find_child("routing");
    REQUIRE(r != nullptr);
    CHECK(r->category == "pool_routing");
    CHECK(r->default_model == "least_outstanding_tokens");
  }
  CHECK(serving::pool_kind_registry().names() == serving->choices);
}

TEST_CASE("kinds: a pool's routing model is validated against the pool_routing registry") {
  register_builtin_models();
  const std::string text = R"(
name: t
horizon: 1 min
sites:
  - name: dc1
    pools:
      - {name: a, servers: 1, serving: llm, llm: {routing: round_robin}}
      - {name: b, servers: 1, serving: llm, llm: {routing: round-robin}}
workloads:
  - {name: w, pool: dc1/a, arrivals: {model: poisson, rate: 1 /s}}
)";
  try {
    (void)scenario::load_text(text, "t.yaml", scenario::scenario_schema(), {}, scenario::check_scenario);
    FAIL("expected an input error");
  } catch (const scenario::InputError& e) {
    REQUIRE(e.issues().size() == 1);
    CHECK_THAT(e.issues()[0].str(),
               Contains("t.yaml:8:60: sites[0].pools[1].llm.routing.model: unknown pool_routing model 'round-robin'; "
                        "did you mean 'round_robin'?"));
  }
}
