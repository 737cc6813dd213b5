// SiteGrid's series through the recorder: a control step of 10 s under a 60 s record step; each
// sample equals the sum of its steps when the site's step runs before the sample at the same
// instant, and the run's totals equal /summary's whatever the order.
#include <catch2/catch.hpp>

#include "sim/engine/engine.hpp"
#include "sim/output/memory_sink.hpp"
#include "sim/output/recorder.hpp"
#include "sim/platform/simgrid_platform.hpp"
#include "tests/unit/grid_support.hpp"
#include "tests/unit/test_support.hpp"

using namespace dcsim::grid;
using namespace dcsim::grid::test;

TEST_CASE("grid record: step series sum to the totals and sample exactly when the step runs first") {
  dcsim::Engine e(dcsim::platform::simgrid_config());
  (void)dcsim::test::two_hosts(1e9, 0);
  dcsim::output::Recorder rec(e, 60);
  SiteGridSpec spec;
  spec.interconnect_w = 5e6;
  spec.battery.capacity_j = 3.6e9;
  spec.battery.charge_power_w = spec.battery.discharge_power_w = 2e6;
  HourlySeries a(kStart2025, {g_per_j(100), g_per_j(500)});
  a.bind(kStart2025);
  SiteGrid grid(std::make_unique<GridSupply>(a, a, "t", g_per_j(300)), flat_price(60), spec, context());
  grid.declare_series(rec, "/sites/dc1");
  std::vector<double> import_per_step;
  dcsim::test::Probe probe;
  probe.engine = &e;
  probe.fn = [&](uint64_t k) {
    const double t1 = static_cast<double>(k) * 10;
    const double p = 3e6 + 3e6 * static_cast<double>(k % 7) / 6;  // 3..6 MW: above the limit at times
    const GridStep& s = grid.step(load(t1 - 10, t1, p));
    import_per_step.push_back(s.grid_import_w * 10);
  };
  for (uint64_t k = 1; k <= 720; ++k) e.at(static_cast<double>(k) * 10, &probe, k);  // before the sampler's events
  dcsim::output::MemorySink sink;
  rec.start(&sink, {});
  e.run(7200);
  grid.finish(7200);
  rec.finish(7200);
  const auto import = sink.column("/sites/dc1", "grid_import_j");
  const auto emissions = sink.column("/sites/dc1", "emissions_g");
  const auto cost = sink.column("/sites/dc1", "cost_usd");
  const auto intensity = sink.column("/sites/dc1", "carbon_intensity_g_per_kwh");
  REQUIRE(import.size() == 120);
  double sum_i = 0, sum_e = 0, sum_c = 0;
  for (size_t k = 0; k < import.size(); ++k) {
    double steps = 0;
    for (size_t j = 6 * k; j < 6 * k + 6; ++j) steps += import_per_step[j];
    CHECK(import[k] == Approx(steps).epsilon(1e-12));
    sum_i += import[k];
    sum_e += emissions[k];
    sum_c += cost[k];
  }
  CHECK(intensity[0] == Approx(100));
  CHECK(intensity[60] == Approx(500));
  CHECK(sum_i == Approx(grid.totals().import_j).epsilon(1e-12));
  CHECK(sum_e == Approx(grid.totals().emissions_g).epsilon(1e-12));
  CHECK(sum_c == Approx(grid.totals().cost_usd).epsilon(1e-12));
  const auto soc = sink.column("/sites/dc1", "battery_soc");
  for (double s : soc) {
    CHECK(s >= 0.05 - 1e-12);
    CHECK(s <= 0.95 + 1e-12);
  }
  bool response = false;
  for (const auto& ev : sink.events()) response = response || ev.kind == "grid_battery_response_start";
  CHECK(response);
  CHECK(sink.events().front().subject == "/sites/dc1");
}
