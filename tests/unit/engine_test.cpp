// The engine: event ordering and tie-breaking, cancellation, horizon, stop, and the fast lane
// against platform activities (time never goes backwards; a completion before the next heap
// event is handled first). ctest runs each TEST_CASE in its own process (one SimGrid engine per
// process).
#include <catch2/catch.hpp>

#include <simgrid/s4u.hpp>

#include "sim/engine/engine.hpp"
#include "sim/platform/simgrid_platform.hpp"
#include "tests/unit/test_support.hpp"

using dcsim::Engine;
using dcsim::EventQueue;
using dcsim::test::Probe;
namespace sg4 = simgrid::s4u;

TEST_CASE("engine: queue orders by time then by scheduling order") {
  EventQueue q;
  Probe p;
  q.push(3.0, &p, 30);
  q.push(1.0, &p, 10);
  q.push(2.0, &p, 20);
  q.push(1.0, &p, 11);  // same time as tag 10, scheduled later
  q.push(1.0, &p, 12);
  std::vector<uint64_t> order;
  while (!q.empty()) order.push_back(q.pop().tag);
  CHECK(order == std::vector<uint64_t>{10, 11, 12, 20, 30});
}

TEST_CASE("engine: queue ties stay in scheduling order through many pushes and pops") {
  EventQueue q;
  Probe p;
  // 1000 events at 10 distinct times, pushed in a scrambled time order.
  for (uint64_t i = 0; i < 1000; ++i) q.push(double((i * 7) % 10), &p, i);
  double last_t = -1;
  uint64_t last_tag_at_t = 0;
  size_t n = 0;
  while (!q.empty()) {
    const auto f = q.pop();
    REQUIRE(f.time >= last_t);
    if (f.time == last_t) REQUIRE(f.tag > last_tag_at_t);  // earlier-scheduled first
    last_t = f.time;
    last_tag_at_t = f.tag;
    ++n;
  }
  CHECK(n == 1000);
}

TEST_CASE("engine: cancelled events do not fire and cancel reports what it did") {
  EventQueue q;
  Probe p;
  const auto a = q.push(1.0, &p, 1);
  const auto b = q.push(2.0, &p, 2);
  q.push(3.0, &p, 3);
  CHECK(q.cancel(b));
  CHECK_FALSE(q.cancel(b));  // twice
  CHECK(q.size() == 2);
  CHECK(q.pop().tag == 1);
  CHECK_FALSE(q.cancel(a));  // already fired
  CHECK(q.next_time() == 3.0);
  CHECK(q.pop().tag == 3);
  CHECK(q.empty());
  CHECK(std::isinf(q.next_time()));
}

TEST_CASE("engine: slots are reused so a stale id cannot cancel a new event") {
  EventQueue q;
  Probe p;
  const auto a = q.push(1.0, &p, 1);
  q.pop();
  const auto b = q.push(2.0, &p, 2);  // likely reuses a's slot
  CHECK_FALSE(q.cancel(a));
  CHECK(q.size() == 1);
  CHECK(q.cancel(b));
}

TEST_CASE("engine: run fires events in time order and same-time events in scheduling order") {
  Engine e(dcsim::platform::simgrid_config());
  dcsim::test::two_hosts(1e9, 0);
  Probe p;
  p.engine = &e;
  p.fn = [&](uint64_t tag) {
    if (tag == 1) {
      e.at(e.now(), &p, 4);   // same time, scheduled after 2 and 3: fires after them
      e.after(0.5, &p, 5);
    }
  };
  e.at(1.0, &p, 1);
  e.at(1.0, &p, 2);
  e.at(1.0, &p, 3);
  const auto stats = e.run(10.0);
  REQUIRE(p.seen.size() == 5);
  CHECK(p.seen[0].second == 1);
  CHECK(p.seen[1].second == 2);
  CHECK(p.seen[2].second == 3);
  CHECK(p.seen[3].second == 4);
  CHECK(p.seen[3].first == 1.0);
  CHECK(p.seen[4] == std::make_pair(1.5, uint64_t{5}));
  CHECK(stats.events == 5);
  CHECK(stats.reason == dcsim::StopReason::no_more_events);
}

TEST_CASE("engine: scheduling in the past is an error") {
  Engine e(dcsim::platform::simgrid_config());
  dcsim::test::two_hosts(1e9, 0);
  Probe p;
  p.engine = &e;
  bool threw = false;
  p.fn = [&](uint64_t) {
    try {
      e.at(e.now() - 1.0, &p, 9);
    } catch (const std::logic_error&) {
      threw = true;
    }
  };
  e.at(2.0, &p, 1);
  e.run(10.0);
  CHECK(threw);
}

TEST_CASE("engine: horizon stops before later events and sets the clock to it") {
  Engine e(dcsim::platform::simgrid_config());
  dcsim::test::two_hosts(1e9, 0);
  Probe p;
  p.engine = &e;
  e.at(1.0, &p, 1);
  e.at(5.0, &p, 2);  // exactly at the horizon: runs
  e.at(5.000001, &p, 3);
  const auto stats = e.run(5.0);
  CHECK(p.seen.size() == 2);
  CHECK(stats.reason == dcsim::StopReason::horizon);
  CHECK(e.now() == 5.0);
}

TEST_CASE("engine: request_stop interrupts the run") {
  Engine e(dcsim::platform::simgrid_config());
  dcsim::test::two_hosts(1e9, 0);
  Probe p;
  p.engine = &e;
  p.fn = [&](uint64_t tag) {
    if (tag == 3) e.request_stop();
    e.after(1.0, &p, tag + 1);
  };
  e.at(0.0, &p, 0);
  const auto stats = e.run(100.0);
  CHECK(stats.reason == dcsim::StopReason::interrupted);
  CHECK(p.seen.size() == 4);
  CHECK(e.now() == 3.0);
}

TEST_CASE("engine: a transfer completing before the next heap event is handled first at its exact time") {
  Engine e(dcsim::platform::simgrid_config());
  auto [a, b] = dcsim::test::two_hosts(1e9, 0);  // 1 GB/s, no latency
  Probe p;
  p.engine = &e;
  p.fn = [&, a = a, b = b](uint64_t tag) {
    if (tag == 0) {
      e.start_activity([=] { return sg4::Comm::sendto_async(a, b, 1'000'000'000); }, &p, 100);  // done at t=1
    }
  };
  e.at(0.0, &p, 0);
  e.at(0.5, &p, 1);
  e.at(1.5, &p, 2);
  const auto stats = e.run(10.0);
  REQUIRE(p.seen.size() == 4);
  CHECK(p.seen[1] == std::make_pair(0.5, uint64_t{1}));
  CHECK(p.seen[2].second == 100);
  CHECK(p.seen[2].first == Approx(1.0).epsilon(1e-9));
  CHECK(p.seen[3] == std::make_pair(1.5, uint64_t{2}));
  CHECK(stats.activity_completions == 1);
  for (size_t i = 1; i < p.seen.size(); ++i) CHECK(p.seen[i].first >= p.seen[i - 1].first);  // never backwards
}

TEST_CASE("engine: an activity started after a fast-lane stretch starts at now() and not at the lagging SimGrid clock") {
  Engine e(dcsim::platform::simgrid_config());
  auto [a, b] = dcsim::test::two_hosts(2e9, 0.25);
  Probe p;
  p.engine = &e;
  p.fn = [&, a = a, b = b](uint64_t tag) {
    if (tag < 1000) e.after(0.001, &p, tag + 1);  // fast lane: 1000 events up to t=1
    if (tag == 1000) e.start_transfer(a, b, 4'000'000'000, &p, 5000);
  };
  e.at(0.0, &p, 0);
  e.run(100.0);
  REQUIRE(p.seen.back().second == 5000);
  // Started at t=1.0 (after 1000 steps of 1 ms): 1.0 + latency 0.25 + 4e9 / 2e9 = 3.25
  CHECK(p.seen.back().first == Approx(3.25).epsilon(1e-6));
}

TEST_CASE("engine: concurrent transfers share the link (max-min fairness)") {
  Engine e(dcsim::platform::simgrid_config());
  auto [a, b] = dcsim::test::two_hosts(1e9, 0);
  Probe p;
  p.engine = &e;
  p.fn = [&, a = a, b = b](uint64_t tag) {
    if (tag == 0) {
      e.start_activity([=] { return sg4::Comm::sendto_async(a, b, 1'000'000'000); }, &p, 1);
      e.start_activity([=] { return sg4::Comm::sendto_async(a, b, 1'000'000'000); }, &p, 2);
      e.start_activity([=] { return sg4::Comm::sendto_async(a, b, 500'000'000); }, &p, 3);
    }
  };
  e.at(0.0, &p, 0);
  e.run(100.0);
  REQUIRE(p.seen.size() == 4);
  // Three flows at 1/3 GB/s each; the 0.5 GB one ends at 1.5 s, then two at 0.5 GB/s: 1.5 + 0.5/0.5 = 2.5 s.
  CHECK(p.seen[1].second == 3);
  CHECK(p.seen[1].first == Approx(1.5).epsilon(1e-6));
  CHECK(p.seen[2].first == Approx(2.5).epsilon(1e-6));
  CHECK(p.seen[3].first == Approx(2.5).epsilon(1e-6));
}

TEST_CASE("engine: activities still in flight at the horizon are cancelled and the run ends at the horizon") {
  Engine e(dcsim::platform::simgrid_config());
  auto [a, b] = dcsim::test::two_hosts(1e6, 0);
  Probe p;
  p.engine = &e;
  p.fn = [&, a = a, b = b](uint64_t tag) {
    if (tag == 0) e.start_activity([=] { return sg4::Comm::sendto_async(a, b, 1'000'000'000); }, &p, 1);  // 1000 s
  };
  e.at(0.0, &p, 0);
  const auto stats = e.run(10.0);
  CHECK(p.seen.size() == 1);
  CHECK(stats.reason == dcsim::StopReason::horizon);
  CHECK(e.now() == 10.0);
  CHECK(e.activities_in_flight() == 0);
}

TEST_CASE("engine: starting an activity outside the dispatcher is an error") {
  Engine e(dcsim::platform::simgrid_config());
  auto [a, b] = dcsim::test::two_hosts(1e9, 0);
  Probe p;
  CHECK_THROWS_AS(e.start_activity([a = a, b = b] { return sg4::Comm::sendto_async(a, b, 1); }, &p, 0), std::logic_error);
}
