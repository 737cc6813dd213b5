// The slow lane's lookahead against the waiting lane (Engine::set_lookahead(false): a SimGrid wait
// before every heap event while activities are in flight): on randomized mixes of heap events,
// ties, cancellations, transfers that share links, latencies and executions, both lanes must give
// the same trace bit for bit (every handler call: its time's bits and its tag). One SimGrid engine
// per process, so each lane runs in a child made by fork() that sends its trace through a pipe.
#include <catch2/catch.hpp>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <string>
#include <vector>

#include <simgrid/s4u.hpp>

#include "sim/engine/engine.hpp"
#include "sim/platform/simgrid_platform.hpp"
#include "sim/util/rng.hpp"
#include "tests/unit/test_support.hpp"

namespace sg4 = simgrid::s4u;
using dcsim::Engine;

namespace {

// A run's record: for each handler call, the bits of now() and the tag; then the run's counters.
struct Trace {
  std::vector<uint64_t> words;
  uint64_t platform_waits = 0;
  uint64_t completions = 0;
  uint64_t events = 0;
  std::string error;
};

uint64_t bits(double t) {
  uint64_t b;
  std::memcpy(&b, &t, sizeof b);
  return b;
}

bool write_all(int fd, const void* p, size_t n) {
  const char* c = static_cast<const char*>(p);
  while (n > 0) {
    const ssize_t w = ::write(fd, c, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    c += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

bool read_all(int fd, void* p, size_t n) {
  char* c = static_cast<char*>(p);
  while (n > 0) {
    const ssize_t r = ::read(fd, c, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    c += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

// Runs `body` (which builds an Engine, runs it and fills the trace) in a child process.
Trace in_child(const std::function<void(Trace&)>& body) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    Trace t;
    try {
      body(t);
    } catch (const std::exception& e) {
      t.error = e.what();
    }
    uint64_t head[5] = {t.words.size(), t.platform_waits, t.completions, t.events, t.error.size()};
    const bool ok = write_all(fds[1], head, sizeof head) && write_all(fds[1], t.words.data(), t.words.size() * 8) &&
                    write_all(fds[1], t.error.data(), t.error.size());
    ::_exit(ok ? 0 : 1);
  }
  ::close(fds[1]);
  Trace t;
  uint64_t head[5] = {};
  bool ok = read_all(fds[0], head, sizeof head);
  if (ok) {
    t.words.resize(head[0]);
    t.platform_waits = head[1];
    t.completions = head[2];
    t.events = head[3];
    t.error.resize(head[4]);
    ok = read_all(fds[0], t.words.data(), head[0] * 8) && read_all(fds[0], t.error.data(), head[4]);
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!ok) t.error = "child sent no trace (wait status " + std::to_string(status) + ")";
  return t;
}

// Records every call; tags are (kind << 56) | index.
struct Recorder : dcsim::EventHandler {
  Engine& engine;
  Trace& trace;
  std::function<void(uint64_t)> fn;
  Recorder(Engine& e, Trace& t) : engine(e), trace(t) {}
  void on_event(uint64_t tag) override {
    trace.words.push_back(bits(engine.now()));
    trace.words.push_back(tag);
    if (fn) fn(tag);
  }
};

constexpr uint64_t kChain = 1ull << 56;     // a chain of heap events
constexpr uint64_t kTie = 2ull << 56;       // an extra event at the same time
constexpr uint64_t kTransfer = 3ull << 56;  // a comm completed
constexpr uint64_t kExec = 4ull << 56;      // an exec completed
constexpr uint64_t kIndex = (1ull << 56) - 1;

// A star of `hosts` hosts, each on its own split-duplex link (random bandwidth 1e8..1e10 B/s,
// latency 0 for a third of them, else 1 us..1 ms): transfers share a link when they share a host.
std::vector<sg4::Host*> star_platform(dcsim::Rng& rng, int hosts) {
  auto* zone = sg4::create_star_zone("star");
  std::vector<sg4::Host*> out;
  for (int i = 0; i < hosts; ++i) {
    sg4::Host* h = zone->create_host("h" + std::to_string(i), 1e9)->set_core_count(4)->seal();
    const double bw = std::pow(10.0, rng.uniform(8.0, 10.0));
    const double lat = rng.uniform() < 1.0 / 3 ? 0.0 : std::pow(10.0, rng.uniform(-6.0, -3.0));
    auto* link = zone->create_split_duplex_link("l" + std::to_string(i), bw)->set_latency(lat)->seal();
    zone->add_route(h->get_netpoint(), nullptr, nullptr, nullptr, {sg4::LinkInRoute(link, sg4::LinkInRoute::Direction::UP)},
                    true);
    out.push_back(h);
  }
  zone->seal();
  return out;
}

// The randomized mix: `chains` event chains with exponential gaps (a mixture of dense and sparse
// chains); an event may start a transfer (probability p_transfer) (log-uniform 1 B .. 1 GB between two distinct hosts) or an
// exec (1e3 .. 1e10 flops), add a same-time event, or cancel a pending one. A completion may start a
// follow-up transfer at once and adds an event at its own time. All decisions come from one Rng
// stream in handler-call order, so the lanes can only agree if they call the handlers identically.
void random_mix(uint64_t seed, bool lookahead, double p_transfer, Trace& trace) {
  Engine engine(dcsim::platform::simgrid_config());
  engine.set_lookahead(lookahead);
  dcsim::Rng rng(seed, "engine/lookahead-test");
  const std::vector<sg4::Host*> hosts = star_platform(rng, 6);
  Recorder rec(engine, trace);
  const int chains = 12;
  std::vector<double> rate(chains);
  for (int i = 0; i < chains; ++i) rate[static_cast<size_t>(i)] = std::pow(10.0, rng.uniform(1.0, 3.0));
  std::vector<dcsim::EventId> cancellable;
  uint64_t next_index = 0;

  auto start_transfer = [&] {
    const size_t a = rng.below(hosts.size());
    size_t b = rng.below(hosts.size() - 1);
    if (b >= a) ++b;
    const double size = std::floor(std::pow(10.0, rng.uniform(0.0, 9.0)));
    sg4::Host* src = hosts[a];
    sg4::Host* dst = hosts[b];
    engine.start_transfer(src, dst, static_cast<uint64_t>(size), &rec, kTransfer | (next_index++ & kIndex));
  };
  auto start_exec = [&] {
    sg4::Host* h = hosts[rng.below(hosts.size())];
    const double flops = std::pow(10.0, rng.uniform(3.0, 10.0));
    engine.start_activity(
        [=] {
          sg4::ExecPtr e = sg4::Exec::init();
          e->set_flops_amount(flops)->set_host(h);
          e->start();
          return e;
        },
        &rec, kExec | (next_index++ & kIndex));
  };
  rec.fn = [&](uint64_t tag) {
    const uint64_t kind = tag & ~kIndex;
    if (kind == kChain) {
      const size_t chain = tag & kIndex;
      const double u = rng.uniform();
      if (u < p_transfer) start_transfer();
      else if (u < 1.25 * p_transfer) start_exec();
      else if (u < 0.10) engine.at(engine.now(), &rec, kTie | (next_index++ & kIndex));
      else if (u < 0.13 && !cancellable.empty()) {
        const size_t k = rng.below(cancellable.size());
        engine.cancel(cancellable[k]);
        cancellable[k] = cancellable.back();
        cancellable.pop_back();
      }
      const dcsim::EventId id = engine.after(rng.exponential(rate[chain]), &rec, tag);
      if (rng.uniform() < 0.05) {
        // A spare event that may be cancelled later; if not, it fires like any other.
        cancellable.push_back(engine.after(rng.exponential(rate[chain]), &rec, kTie | (next_index++ & kIndex)));
      }
      (void)id;
    } else if (kind == kTransfer || kind == kExec) {
      if (rng.uniform() < 0.5) start_transfer();
      engine.at(engine.now(), &rec, kTie | (next_index++ & kIndex));
    }
  };
  for (int i = 0; i < chains; ++i) engine.at(rng.exponential(rate[static_cast<size_t>(i)]), &rec, kChain | static_cast<uint64_t>(i));
  const dcsim::RunStats stats = engine.run(2.0);
  trace.platform_waits = stats.platform_waits;
  trace.completions = stats.activity_completions;
  trace.events = stats.events;
}

// Index of the first differing word, or -1.
long first_difference(const Trace& a, const Trace& b) {
  const size_t n = std::min(a.words.size(), b.words.size());
  for (size_t i = 0; i < n; ++i) {
    if (a.words[i] != b.words[i]) return static_cast<long>(i);
  }
  return a.words.size() == b.words.size() ? -1 : static_cast<long>(n);
}

}  // namespace

// Seeds 1-16: a heavy mix (4 % of events start a transfer: ~100 in flight, ~30 per link, most of
// them far slower than their links); 17-24: a light one (0.5 %: a few in flight).
TEST_CASE("engine lookahead: randomized mixes of events and activities give the waiting lane's trace bit for bit") {
  uint64_t waits_lookahead[2] = {}, waits_waiting[2] = {}, completions = 0, events = 0;
  for (uint64_t seed = 1; seed <= 24; ++seed) {
    const int light = seed > 16 ? 1 : 0;
    const double p = light ? 0.005 : 0.04;
    const Trace fast = in_child([seed, p](Trace& t) { random_mix(seed, true, p, t); });
    const Trace slow = in_child([seed, p](Trace& t) { random_mix(seed, false, p, t); });
    INFO("seed " << seed << ": " << fast.error << slow.error);
    REQUIRE(fast.error.empty());
    REQUIRE(slow.error.empty());
    const long diff = first_difference(fast, slow);
    INFO("first difference at word " << diff << " of " << fast.words.size() << " / " << slow.words.size());
    CHECK(diff == -1);
    CHECK(fast.completions == slow.completions);
    CHECK(fast.events == slow.events);
    CHECK(fast.completions > (light ? 5u : 100u));
    waits_lookahead[light] += fast.platform_waits;
    waits_waiting[light] += slow.platform_waits;
    completions += fast.completions;
    events += fast.events;
  }
  // Not a speed test: the lookahead must actually skip waits, most of them when few activities share links.
  INFO("waits heavy/light: lookahead " << waits_lookahead[0] << "/" << waits_lookahead[1] << ", waiting " << waits_waiting[0]
                                       << "/" << waits_waiting[1] << "; " << completions << " completions, " << events << " events");
  CHECK(waits_lookahead[0] * 3 < waits_waiting[0]);
  CHECK(waits_lookahead[1] * 10 < waits_waiting[1]);
}

namespace {

// A 1 GB transfer A on a 1 GB/s link from t=0 (alone it would end at 1.0 s); at t=0.5 a 0.25 GB
// transfer B starts on the same link. Sharing it, each gets 0.5 GB/s: B ends at 1.0 s, with 0.25 GB
// of A left, which then takes 0.25 s at the full rate: A ends at 1.25 s, after its first bound.
// Heap events every millisecond around it.
void slowed_transfer(bool lookahead, Trace& trace) {
  Engine engine(dcsim::platform::simgrid_config());
  engine.set_lookahead(lookahead);
  auto [a, b] = dcsim::test::two_hosts(1e9, 0);
  Recorder rec(engine, trace);
  rec.fn = [&, a = a, b = b](uint64_t tag) {
    if (tag == kChain) {
      if (engine.now() < 1.9) engine.after(0.001, &rec, kChain);
    } else if (tag == kTie) {
      engine.start_activity([=] { return sg4::Comm::sendto_async(a, b, 1'000'000'000); }, &rec, kTransfer | 1);
    } else if (tag == (kTie | 2)) {
      engine.start_activity([=] { return sg4::Comm::sendto_async(a, b, 250'000'000); }, &rec, kTransfer | 2);
    }
  };
  engine.at(0.0, &rec, kTie);
  engine.at(0.5, &rec, kTie | 2);
  engine.at(0.0005, &rec, kChain);
  const dcsim::RunStats stats = engine.run(10.0);
  trace.platform_waits = stats.platform_waits;
  trace.completions = stats.activity_completions;
  trace.events = stats.events;
}

double time_of(const Trace& t, uint64_t tag) {
  for (size_t i = 0; i + 1 < t.words.size(); i += 2) {
    if (t.words[i + 1] == tag) {
      double d;
      std::memcpy(&d, &t.words[i], sizeof d);
      return d;
    }
  }
  return -1;
}

}  // namespace

TEST_CASE("engine lookahead: a transfer slowed down by a new transfer is handled at its true completion time") {
  const Trace fast = in_child([](Trace& t) { slowed_transfer(true, t); });
  const Trace slow = in_child([](Trace& t) { slowed_transfer(false, t); });
  REQUIRE(fast.error.empty());
  REQUIRE(slow.error.empty());
  CHECK(time_of(fast, kTransfer | 2) == Approx(1.0).epsilon(1e-12));
  CHECK(time_of(fast, kTransfer | 1) == Approx(1.25).epsilon(1e-12));
  // Never backwards, and A comes after the event just before 1.25 s and before the one just after.
  double last = -1;
  for (size_t i = 0; i < fast.words.size(); i += 2) {
    double t;
    std::memcpy(&t, &fast.words[i], sizeof t);
    CHECK(t >= last);
    last = t;
  }
  CHECK(first_difference(fast, slow) == -1);
  CHECK(fast.completions == 2);
  // The lookahead waited on SimGrid for a few dozen of the ~1,900 heap events, the waiting lane for all.
  INFO("platform waits: lookahead " << fast.platform_waits << ", waiting " << slow.platform_waits);
  CHECK(fast.platform_waits < 100);
  CHECK(slow.platform_waits > 1000);
}
