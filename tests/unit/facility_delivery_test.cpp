// The power-delivery tree (models/facility/delivery_*): loss curves against their efficiency
// points, the tree's losses and balance by hand, a PDU over its rating capping exactly the
// servers below it (and releasing them), queries, and ratings that cannot carry the servers.
#include <catch2/catch.hpp>

#include <algorithm>

#include "facility_support.hpp"

using namespace dcsim;
using namespace dcsim::facility;
using Catch::Contains;

TEST_CASE("Loss curves match their efficiency points", "[facility]") {
  CHECK(kUpsModern.efficiency(0.25) == Approx(0.945).margin(5e-4));
  CHECK(kUpsModern.efficiency(0.50) == Approx(0.962).margin(5e-4));
  CHECK(kUpsModern.efficiency(1.00) == Approx(0.965).margin(5e-4));
  CHECK(kUpsLegacy.efficiency(0.25) == Approx(0.86).margin(5e-4));
  CHECK(kUpsLegacy.efficiency(0.50) == Approx(0.90).margin(5e-4));
  CHECK(kUpsLegacy.efficiency(1.00) == Approx(0.92).margin(5e-4));
  CHECK(kTransformer.efficiency(0.5) == Approx(0.9950).margin(1e-4));
  CHECK(kPduTransformer.efficiency(0.5) == Approx(0.988).margin(5e-4));
  // P_in = P_out + R (a + b x + c x²)
  const LossCurve c{0.01, 0.02, 0.03};
  CHECK(c.loss_w(500, 1000) == Approx(1000 * (0.01 + 0.02 * 0.5 + 0.03 * 0.25)));
}

TEST_CASE("Delivery losses and the facility balance by hand", "[facility]") {
  // 1 transformer, 1 UPS, 2 PDUs, racks of 2 servers; 8 servers at 5 kW; mechanical load 10 kW.
  const auto pools = test::dgx_pools(1, 8);
  DeliveryTree t;
  const size_t feed = t.add({"feed", Level::feed, 0, {}, false, {}}, std::nullopt);
  const size_t tr = t.add({"tr", Level::transformer, 200e3, kTransformer, false, {}}, feed);
  const size_t ups = t.add({"ups", Level::ups, 100e3, kUpsModern, true, {}}, tr);
  const size_t pdu1 = t.add({"pdu1", Level::pdu, 50e3, kPduTransformer, true, {}}, ups);
  const size_t pdu2 = t.add({"pdu2", Level::pdu, 50e3, kPduTransformer, true, {}}, ups);
  for (uint32_t r = 0; r < 4; ++r) t.add({"r" + std::to_string(r), Level::rack, 0, {}, true, {{0, 2 * r, 2}}}, r < 2 ? pdu1 : pdu2);
  REQUIRE(t.finalize(pools, 1.0, 10e3).empty());
  ServerPowers p{{5000.0}, {{}}};
  DeliveryTree::Eval e;
  t.evaluate(p, 10e3, e);
  const double pdu_out = 20e3, pdu_loss = 50e3 * (0.003 + 0.012 * 0.16);
  const double ups_out = 2 * (pdu_out + pdu_loss);
  const double ups_loss = 100e3 * (0.0114 + 0.0085 * ups_out / 100e3 + 0.0164 * std::pow(ups_out / 100e3, 2));
  const double tr_out = ups_out + ups_loss + 10e3;
  const double tr_loss = 200e3 * (0.001 + 0.006 * std::pow(tr_out / 200e3, 2));
  CHECK(e.it_w == Approx(40e3));
  CHECK(e.loss_w[pdu1] == Approx(pdu_loss).epsilon(1e-12));
  CHECK(e.loss_w[ups] == Approx(ups_loss).epsilon(1e-12));
  CHECK(e.loss_w[tr] == Approx(tr_loss).epsilon(1e-12));
  CHECK(e.facility_w == Approx(tr_out + tr_loss).epsilon(1e-12));
  CHECK(e.facility_w == Approx(e.it_w + 10e3 + e.losses_w).epsilon(1e-12));
  CHECK(e.indoor_losses_w == Approx(2 * pdu_loss + ups_loss).epsilon(1e-12));  // the transformer is outdoors
  // Re-evaluating with another mechanical load equals a full evaluation.
  DeliveryTree::Eval f = e;
  t.reevaluate_mech(25e3, f);
  t.evaluate(p, 25e3, e);
  CHECK(f.facility_w == Approx(e.facility_w).epsilon(1e-14));
  CHECK(f.losses_w == Approx(e.losses_w).epsilon(1e-14));
  // Queries.
  CHECK(t.headroom_w(pdu1, e) == Approx(50e3 - pdu_out));
  const auto below = t.servers_below(pdu2);
  REQUIRE(below.size() == 1);
  CHECK(below[0].first == 4);
  CHECK(below[0].count == 4);
}

TEST_CASE("A PDU over its rating caps exactly the servers below it", "[facility]") {
  // 2 pools x 16 servers, racks of 4, 4 PDUs (2 per pool); pdu-1 is rated below its servers' load.
  const auto loaded = test::facility_block(R"(
weather: {model: synthetic, mean: 15 degC, annual_amplitude: 0 degC, diurnal_amplitude: 0 degC}
delivery:
  oversubscription: 1.5
  nodes:
    - {name: t1, level: transformer}
    - {name: u1, level: ups, parent: t1}
    - {name: pdu-1, level: pdu, parent: u1, rating: 46 kW}
    - {name: pdu-2, level: pdu, parent: u1}
    - {name: ra, level: rack, rating: 60 kW, parent: pdu-1, servers: "p0:0-3"}
    - {name: rb, level: rack, rating: 60 kW, parent: pdu-1, servers: "p0:4-7"}
    - {name: rc, level: rack, rating: 60 kW, parent: pdu-2, servers: "p0:8-15"}
    - {name: rd, level: rack, parent: pdu-2, servers: "p1"}
)");
  const auto pools = test::dgx_pools(2, 16);
  SiteFacility site(loaded.root, pools, {test::kStart2025, 86400, ".", "dc1"});
  const auto& below = site.servers_below("pdu-1");
  REQUIRE(below.size() == 1);
  CHECK(below[0].pool == 0);
  CHECK(below[0].first == 0);
  CHECK(below[0].count == 8);
  // 8 servers at 6 kW = 48 kW through a 46 kW PDU (pool p1 runs at 3 kW a server).
  std::vector<double> e{16 * 6000.0 * 10, 16 * 3000.0 * 10};
  const auto& out = site.step(10, 10, {e});
  REQUIRE_FALSE(out.caps.empty());
  uint32_t capped = 0;
  for (const auto& c : out.caps) {
    CHECK(c.servers.pool == 0);
    CHECK(c.servers.first + c.servers.count <= 8);  // only servers below pdu-1
    CHECK(c.node == "pdu-1");
    CHECK(c.gpu_cap_w < 700);
    capped += c.servers.count;
    // The cap brings pdu-1's load to cap_target (0.97) x its rating: 8 servers at the capped power.
    CHECK(8 * pools[0].server_power_w(c.gpu_cap_w) == Approx(0.97 * 46e3).epsilon(1e-6));
  }
  CHECK(capped == 8);
  CHECK(site.headroom_w("pdu-1") < 0);
  // Load falls below release_below x rating: caps rise in steps and are lifted.
  std::vector<double> low{16 * 3000.0 * 10, 16 * 3000.0 * 10};
  bool lifted = false;
  for (int k = 2; k < 40 && !lifted; ++k) {
    const auto& o = site.step(10.0 * k, 10, {low});
    for (const auto& c : o.caps) lifted = lifted || c.gpu_cap_w == kNoCap;
  }
  CHECK(lifted);
  CHECK(site.totals().cap_events >= 2);
}

TEST_CASE("Ratings that cannot carry the servers are an input error", "[facility]") {
  const auto loaded = test::facility_block(R"(
delivery:
  pdu: {count: 2, rating: 50 kW}
)");
  const auto pools = test::dgx_pools(1, 16);  // 8 servers x 8.5 kW = 68 kW per PDU
  try {
    SiteFacility site(loaded.root, pools, {test::kStart2025, 3600, ".", "dc1"});
    FAIL("no error");
  } catch (const scenario::InputError& e) {
    CHECK_THAT(std::string(e.what()), Contains("facility.yaml") && Contains("delivery") &&
                                          Contains("pdu 'pdu-1' carries a peak of 68") &&
                                          Contains("the ratings cannot carry the servers"));
  }
  const auto oversub = test::facility_block("delivery: {oversubscription: 1.4, pdu: {count: 2, rating: 50 kW}}\n");
  CHECK_NOTHROW(SiteFacility(oversub.root, pools, {test::kStart2025, 3600, ".", "dc1"}));
  const auto bad_rack = test::facility_block(R"(
delivery:
  nodes:
    - {name: u, level: ups}
    - {name: r, level: rack, parent: u, servers: "pool9:0-3"}
)");
  CHECK_THROWS_WITH(SiteFacility(bad_rack.root, pools, {test::kStart2025, 3600, ".", "dc1"}),
                    Contains("facility.yaml:5:") && Contains("no pool 'pool9' in this site"));
}
