// The recorder's derived series: affine_of (offset + slope · x, with the offset a rate when x is
// a sum over the step) against values derived by hand, and its input checks.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "sim/engine/engine.hpp"
#include "sim/output/memory_sink.hpp"
#include "sim/output/recorder.hpp"
#include "sim/platform/simgrid_platform.hpp"
#include "tests/unit/test_support.hpp"

using dcsim::Engine;
using dcsim::output::MemorySink;
using dcsim::output::Recorder;
using dcsim::output::SeriesRef;

TEST_CASE("recorder: affine_of a level and of its integral match hand-derived values") {
  Engine e(dcsim::platform::simgrid_config());
  (void)dcsim::test::two_hosts(1e9, 0);
  Recorder rec(e, 10);
  SeriesRef p, en;
  auto level = rec.level("/p", "gpu_power_w", "W", "", "gpu_energy_j", "J", "", &p, &en);
  rec.affine_of("/p", "power_w", "W", "", p, 996.0, 1.34);
  rec.affine_of("/p", "energy_j", "J", "", en, 996.0, 1.34);
  SeriesRef c;
  auto counter = rec.counter("/p", "n", "1", "", &c);
  rec.affine_of("/p", "n_plus", "1", "", c, 2.0, 3.0);
  dcsim::test::Probe probe;
  probe.engine = &e;
  // 904 W from 0 to 4 s, 5520 W from 4 s to 25 s (the run ends at 25 s: a 5 s last step).
  probe.fn = [&](uint64_t tag) {
    level.set(e.now(), tag == 0 ? 904.0 : 5520.0);
    counter.add(tag == 0 ? 1.0 : 2.0);
  };
  e.at(0, &probe, 0);
  e.at(4, &probe, 1);
  MemorySink sink;
  rec.start(&sink, {});
  e.run(25);
  rec.finish(25);
  REQUIRE(sink.times() == std::vector<double>{10, 20, 25});
  const auto gpu = sink.column("/p", "gpu_power_w");
  const auto it = sink.column("/p", "power_w");
  const auto gpu_e = sink.column("/p", "gpu_energy_j");
  const auto it_e = sink.column("/p", "energy_j");
  const double mean0 = (904.0 * 4 + 5520.0 * 6) / 10;
  CHECK(gpu[0] == Approx(mean0).epsilon(1e-12));
  CHECK(it[0] == Approx(996.0 + 1.34 * mean0).epsilon(1e-12));
  CHECK(it[1] == Approx(996.0 + 1.34 * 5520.0).epsilon(1e-12));  // 8392.8 W: one DGX H100, 8 GPUs at 690 W
  CHECK(it[1] == Approx(8392.8).epsilon(1e-12));
  CHECK(it_e[0] == Approx(996.0 * 10 + 1.34 * gpu_e[0]).epsilon(1e-12));
  CHECK(it_e[2] == Approx(996.0 * 5 + 1.34 * 5520.0 * 5).epsilon(1e-12));  // the short last step
  for (size_t i = 0; i < 3; ++i) CHECK(it_e[i] == Approx(it[i] * (i == 2 ? 5 : 10)).epsilon(1e-12));
  const auto n_plus = sink.column("/p", "n_plus");
  CHECK(n_plus[0] == Approx(2.0 * 10 + 3.0 * 3).epsilon(1e-12));  // a sum: offset accrues per second
  CHECK(n_plus[1] == Approx(2.0 * 10).epsilon(1e-12));
  for (const auto& s : sink.series()) {
    if (s.name == "power_w") CHECK(s.aggregation == dcsim::output::Aggregation::mean);
    if (s.name == "energy_j") CHECK(s.aggregation == dcsim::output::Aggregation::sum);
  }
}

TEST_CASE("recorder: affine_of rejects unknown and quantile inputs") {
  Engine e(dcsim::platform::simgrid_config());
  Recorder rec(e, 10);
  CHECK_THROWS_AS(rec.affine_of("/p", "x", "1", "", SeriesRef{7}, 0, 1), std::logic_error);
  rec.quantiles("/p", {{"lat_p99_s", 0.99, ""}}, "s");
  CHECK_THROWS_AS(rec.affine_of("/p", "x", "1", "", rec.ref("/p", "lat_p99_s"), 0, 1), std::logic_error);
}
