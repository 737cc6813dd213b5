// The sites' control step (models/site/site_component.hpp, sim/world/world_sites.cpp): one event
// per site every facility.step, components called in registration order with the exact IT
// energy of the site's pools since the previous step; summed over the run it equals the
// summary's energy_it_j and the pools' energy_j series.
#include <catch2/catch.hpp>

#include <memory>
#include <numeric>
#include <vector>

#include "models/register_models.hpp"
#include "sim/output/memory_sink.hpp"
#include "sim/platform/simgrid_platform.hpp"
#include "sim/scenario/scenario_schema.hpp"
#include "sim/world/world.hpp"

using namespace dcsim;

namespace {

const char* kTwoSites = R"(
name: steps
seed: 9
horizon: 700 s
record: {step: 70 s}
sites:
  - name: a
    facility: {step: 7 s}
    pools:
      - {name: chat, servers: 1, gpus_per_server: 2, serving: llm}
      - {name: fifo, servers: 1, gpus_per_server: 2, service: {model: fixed, time: 2 s}}
  - name: b
    facility: {step: 35 s}
    pools:
      - {name: img, servers: 1, gpus_per_server: 2, serving: diffusion}
workloads:
  - {name: chat, pool: a/chat, arrivals: {model: poisson, rate: 5 /s}}
  - {name: bulk, pool: a/fifo, arrivals: {model: poisson, rate: 0.5 /s}}
  - {name: img, pool: b/img, class: {model: image, ai_model: sdxl}, arrivals: {model: poisson, rate: 1 /s}}
)";

struct Step {
  double now, dt;
  site::SiteEnergy energy;
};

struct Meter final : site::SiteComponent {
  std::vector<Step>* log;
  std::vector<int>* order;
  int id;
  Meter(std::vector<Step>* l, std::vector<int>* o, int i) : log(l), order(o), id(i) {}
  void on_step(double now, double dt, const site::SiteEnergy& e) override {
    if (log) log->push_back(Step{now, dt, e});
    order->push_back(id);
  }
};

}  // namespace

TEST_CASE("site step: components see the exact IT energy of their site's pools, step by step") {
  register_builtin_models();
  const auto sc = scenario::load_text(kTwoSites, "steps.yaml", scenario::scenario_schema(), {}, scenario::check_scenario);
  Engine engine(platform::simgrid_config());
  output::Recorder recorder(engine, 70);
  World world(sc.root, ".", engine, recorder);
  std::vector<Step> a, b;
  std::vector<int> order;
  world.add_site_component(0, std::make_unique<Meter>(&a, &order, 1));
  world.add_site_component(0, std::make_unique<Meter>(nullptr, &order, 2));
  world.add_site_component(1, std::make_unique<Meter>(&b, &order, 3));
  output::MemorySink sink;
  recorder.start(&sink, output::RunMeta{});
  world.start(700);
  engine.run(700);
  recorder.finish(700);

  REQUIRE(a.size() == 100);  // 7 s steps over 700 s, the last at t = 700
  REQUIRE(b.size() == 20);
  for (size_t k = 0; k < a.size(); ++k) {
    CHECK(a[k].now == Approx(7.0 * double(k + 1)).epsilon(1e-12));
    CHECK(a[k].dt == Approx(7.0).epsilon(1e-9));
    REQUIRE(a[k].energy.pools.size() == 2);
    CHECK(a[k].energy.it_j == Approx(a[k].energy.pools[0].it_j + a[k].energy.pools[1].it_j).epsilon(1e-12));
    CHECK(a[k].energy.gpu_j > 0);
    CHECK(a[k].energy.it_j > a[k].energy.gpu_j);  // the servers' non-GPU part
  }
  // Both components of site a run on each of its steps, in the order they were added.
  std::vector<int> a_order;
  for (int id : order)
    if (id != 3) a_order.push_back(id);
  for (size_t k = 0; k < a_order.size(); ++k) CHECK(a_order[k] == (k % 2 == 0 ? 1 : 2));

  // Summed over the steps: the pools' energy_j series and the summary's energy_it_j.
  double it_a = 0, it_b = 0, chat = 0;
  for (const auto& s : a) {
    it_a += s.energy.it_j;
    chat += s.energy.pools[0].it_j;
  }
  for (const auto& s : b) it_b += s.energy.it_j;
  const auto col = [&](const std::string& g, const std::string& n) {
    const auto c = sink.column(g, n);
    return std::accumulate(c.begin(), c.end(), 0.0);
  };
  CHECK(chat == Approx(col("/sites/a/pools/chat", "energy_j")).epsilon(1e-9));
  CHECK(it_a == Approx(col("/sites/a", "energy_it_j")).epsilon(1e-9));
  CHECK(it_b == Approx(col("/sites/b", "energy_it_j")).epsilon(1e-9));
  double summary_it = 0;
  for (const auto& e : world.summary(700))
    if (e.name == "energy_it_j") summary_it = e.value;
  CHECK(it_a + it_b == Approx(summary_it).epsilon(1e-9));
}

TEST_CASE("site step: a site with no component schedules no step") {
  register_builtin_models();
  const auto sc = scenario::load_text(kTwoSites, "steps.yaml", scenario::scenario_schema(), {}, scenario::check_scenario);
  Engine engine(platform::simgrid_config());
  output::Recorder recorder(engine, 70);
  World world(sc.root, ".", engine, recorder);
  std::vector<int> order;
  world.add_site_component(1, std::make_unique<Meter>(nullptr, &order, 3));
  recorder.start(nullptr, output::RunMeta{});
  world.start(700);
  engine.run(700);
  CHECK(order.size() == 20);  // site b only
}
