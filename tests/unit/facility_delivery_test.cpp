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

TEST_CASE("split_by_caps: water filling under per-server caps - by hand", "[facility]") {
  std::vector<double> out;
  std::vector<uint32_t> order;
  const double inf = kNoCap;
  // 1,000 W over caps {100, inf, 300, inf}: the even share 250 W clips the first server at 100 W;
  // the 900 W left over three servers is 300 W each, which the 300 W cap just allows.
  const std::vector<double> caps{100, inf, 300, inf};
  split_by_caps(1000, caps, out, order);
  CHECK(out == std::vector<double>{100, 300, 300, 300});
  // No caps: even.
  const std::vector<double> none{inf, inf, inf};
  split_by_caps(900, none, out, order);
  CHECK(out == std::vector<double>{300, 300, 300});
  // More power than the caps allow (caps changed within the step): in proportion to the caps.
  const std::vector<double> tight{100, 300};
  split_by_caps(800, tight, out, order);
  CHECK(out[0] == Approx(200));
  CHECK(out[1] == Approx(600));
}

TEST_CASE("A capped PDU is charged its servers' capped power - its neighbours the rest", "[facility]") {
  // One pool of 16 servers: pdu-1 feeds servers 0-7 (rated 46 kW), pdu-2 servers 8-15. Every
  // server at 6 kW puts 48 kW through pdu-1: its 8 servers are capped so that they draw
  // 0.97 x 46 kW / 8 = 5,577.5 W each; pdu-2's stay at 6 kW. The pool then reports one GPU
  // energy. Split by the caps (split_by_caps, what the facility component does), pdu-1 sees
  // 8 x 5,577.5 = 44,620 W < 46 kW: no further cap event, pdu-2's servers untouched. Split evenly,
  // each server would be charged (5,577.5 + 6,000)/2 = 5,788.75 W: pdu-1 at 46,310 W, over its
  // rating again although its servers are at their cap.
  const auto block = test::facility_block(R"(
weather: {model: synthetic, mean: 15 degC, annual_amplitude: 0 degC, diurnal_amplitude: 0 degC}
delivery:
  oversubscription: 1.5
  feed_rating: 400 kW
  nodes:
    - {name: t1, level: transformer, rating: 300 kW}
    - {name: u1, level: ups, parent: t1, rating: 200 kW}
    - {name: pdu-1, level: pdu, parent: u1, rating: 46 kW}
    - {name: pdu-2, level: pdu, parent: u1, rating: 60 kW}
    - {name: ra, level: rack, rating: 60 kW, parent: pdu-1, servers: "p0:0-7"}
    - {name: rb, level: rack, rating: 60 kW, parent: pdu-2, servers: "p0:8-15"}
)");
  const auto pools = test::dgx_pools(1, 16);
  const PoolInfo& p = pools[0];
  for (const bool by_caps : {true, false}) {
    SiteFacility site(block.root, pools, {test::kStart2025, 86400, ".", "dc1"});
    std::vector<double> e{16 * 6000.0 * 10};
    const auto& first = site.step(10, 10, {e});
    REQUIRE(first.caps.size() == 1);
    const CapCommand cmd = first.caps[0];
    CHECK(cmd.servers.first == 0);
    CHECK(cmd.servers.count == 8);  // exactly pdu-1's servers
    CHECK(cmd.node == "pdu-1");
    const double capped_w = p.server_power_w(cmd.gpu_cap_w);
    CHECK(capped_w == Approx(0.97 * 46e3 / 8).epsilon(1e-6));
    // The next step as drawn: servers 0-7 at their cap, 8-15 at 6 kW.
    const double it_w = 8 * capped_w + 8 * 6000.0;
    std::vector<double> e2{it_w * 10};
    std::vector<std::vector<double>> per_server(1);
    if (by_caps) {
      std::vector<double> caps(16, kNoCap), gpu;
      std::vector<uint32_t> order;
      for (int s = 0; s < 8; ++s) caps[s] = cmd.gpu_cap_w * p.gpus_per_server;
      const double gpu_w = (it_w - 16 * p.other_offset_w) / (1 + p.other_slope);
      split_by_caps(gpu_w, caps, gpu, order);
      for (double g : gpu) per_server[0].push_back(p.server_power_w(g / p.gpus_per_server));
      CHECK(per_server[0][0] == Approx(capped_w).epsilon(1e-12));
      CHECK(per_server[0][15] == Approx(6000.0).epsilon(1e-12));
    }
    const auto& second = site.step(20, 10, {e2, per_server});
    if (by_caps) {
      CHECK(second.caps.empty());                                        // no deeper cap, pdu-2 untouched
      CHECK(site.headroom_w("pdu-1") == Approx(0.03 * 46e3).epsilon(1e-6));  // 46,000 − 44,620 W
      CHECK(site.totals().cap_events == 1);
    } else {
      // The even split sees pdu-1 over its rating although its servers are at their cap: a
      // second power_cap event, negative headroom (and no release while the load stays).
      CHECK(site.totals().cap_events == 2);
      CHECK(site.headroom_w("pdu-1") == Approx(46e3 - 8 * 5788.75).epsilon(1e-6));
    }
  }
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
