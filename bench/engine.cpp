// bench_engine: cost of the dcsim Engine's fast lane against a bare binary-heap event loop.
//
//   bench_engine [events] [--pending 1000,100000] [--no-lookahead]
//
// Synthetic load, the same for every loop: `pending` events are kept pending at all times; each
// event, when it fires, schedules one new event at now + Exp(rate) drawn from one dcsim::Rng
// stream (seed 42, stream "bench/engine"). The aggregate event rate is 1e5 per simulated second
// whatever `pending` is (rate = 1e5 / pending per event chain). Cases, per pending count:
//   bare     std::priority_queue of {time, seq, tag} ordered by (time, seq) (the Engine's order),
//            a loop that pops the top and pushes its successor;
//   engine   dcsim::Engine: one EventHandler, the tag is the chain index, on_event reschedules
//            with Engine::after(); the handler calls request_stop() after `events` events;
//   engine+1 activity   the same, plus one SimGrid platform activity always in flight (a
//            Comm::sendto_async of 1e8 B between two hosts over 100 Gb/s links, restarted from its
//            completion handler with Engine::start_activity): the slow lane, with its lookahead.
//            Goal (issue 16): >= 0.5 of bare.
//   engine+100 activities   100 transfers always in flight, each between its own pair of hosts
//            (no shared link), of 1e10 B x (0.5 + i/100), i = 0..99 (0.4 to 1.2 s each): about as
//            many completions per simulated second as the 1-activity case, 100 bounds to keep.
//   engine+100 on one link  100 transfers between the same two hosts, sharing the links, of
//            1e8 B x (0.5 + i/100): each moves at ~1/100 of the link, ~100 times slower than its
//            bound says until the bound is refreshed (the lookahead's worst case).
//   The same cases with Engine::set_lookahead(false) (--no-lookahead): the waiting lane.
// Platform: a star, every host on its own split-duplex 100 Gb/s link of 5 us (route latency 10 us).
// All loops must end at the same simulated time and have fired the chains in the same order
// (a hash of the tag sequence); the draws are the same, so the agreement is exact, or the run
// fails with exit status 1. The goals (engine >= 1/3 of bare events/s, engine+1 activity >= 0.5)
// are reported, PASS or FAIL, and do not change the exit status: they are properties of the
// machine as well as of the code. Each activity row also gives its completions and how many
// times the dispatcher waited on SimGrid (RunStats::platform_waits).
//
// Timing: std::chrono::steady_clock around the event loop only (set-up, filling the initial
// `pending` events and teardown are excluded); one untimed warm-up run, then 3 timed runs, the
// best (shortest) is reported.
//
// One SimGrid engine per process: SimGrid keeps global state (a second s4u::Engine would inherit
// the clock of the first), and Engine::run() may be called only once. So every engine run happens
// in a child made by fork(), which sends its result back through a pipe as a fixed-size struct.
// fork() rather than re-executing this binary with a hidden `--child` flag, because it is the
// simpler of the two here: the parent never touches SimGrid (it runs only the bare loop) and has
// no threads, so forking it is safe; the child already has the parameters in memory, so there is
// no argv protocol to keep in sync, no need to find our own executable path, and no hidden mode
// to document; and each child still starts SimGrid from scratch.
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <limits>
#include <queue>
#include <string>
#include <vector>

#include <simgrid/s4u/Comm.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Link.hpp>
#include <simgrid/s4u/NetZone.hpp>

#include "sim/engine/engine.hpp"
#include "sim/platform/simgrid_platform.hpp"
#include "sim/util/rng.hpp"

namespace {

namespace sg4 = simgrid::s4u;

constexpr uint64_t kSeed = 42;
constexpr const char* kStream = "bench/engine";
constexpr double kAggregateRate = 1e5;  // events per simulated second, all chains together
constexpr int kRepeats = 3;
constexpr double kTransferBytes = 1e8;
constexpr double kLinkBandwidth = 12.5e9;  // B/s (100 Gb/s)
constexpr double kLinkLatency = 5e-6;      // s, per link (two links per route)

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Order in which the chains fired, as one number (FNV-1a style).
inline uint64_t mix(uint64_t h, uint64_t tag) { return (h ^ tag) * 0x100000001b3ULL; }

struct Result {
  double wall_s = 0;
  double end_time = 0;      // simulated time of the last event
  uint64_t order_hash = 0;  // hash of the tag sequence
  uint64_t events = 0;      // load events fired
  uint64_t completions = 0; // platform activity completions
  uint64_t waits = 0;       // times the dispatcher waited on SimGrid
  int ok = 0;
  char error[256] = {};
};

// ---------------------------------------------------------------------------------------------
// 1. The bare loop.

struct BareEvent {
  double time;
  uint64_t seq;
  uint64_t tag;
};
struct Later {  // std::priority_queue is a max-heap: "a after b" gives the earliest on top
  bool operator()(const BareEvent& a, const BareEvent& b) const {
    return a.time > b.time || (a.time == b.time && a.seq > b.seq);
  }
};

Result run_bare(uint64_t events, uint64_t pending) {
  const double rate = kAggregateRate / static_cast<double>(pending);
  dcsim::Rng rng(kSeed, kStream);
  std::vector<BareEvent> storage;
  storage.reserve(pending + 1);
  std::priority_queue<BareEvent, std::vector<BareEvent>, Later> q(Later{}, std::move(storage));
  uint64_t seq = 1;
  for (uint64_t i = 0; i < pending; ++i) q.push(BareEvent{rng.exponential(rate), seq++, i});

  Result r;
  uint64_t h = 0xcbf29ce484222325ULL;
  double now = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < events; ++i) {
    const BareEvent e = q.top();
    q.pop();
    now = e.time;
    h = mix(h, e.tag);
    q.push(BareEvent{now + rng.exponential(rate), seq++, e.tag});
  }
  r.wall_s = seconds_since(t0);
  r.end_time = now;
  r.order_hash = h;
  r.events = events;
  r.ok = 1;
  return r;
}

// ---------------------------------------------------------------------------------------------
// 2./3. The dcsim Engine (in a child process).

class Load final : public dcsim::EventHandler {
 public:
  Load(dcsim::Engine& engine, uint64_t events, double rate) : engine_(engine), events_(events), rate_(rate) {}

  void on_event(uint64_t tag) override {
    hash_ = mix(hash_, tag);
    engine_.after(rng_.exponential(rate_), this, tag);
    if (++fired_ == events_) engine_.request_stop();
  }
  dcsim::Rng& rng() { return rng_; }
  uint64_t fired() const { return fired_; }
  uint64_t hash() const { return hash_; }

 private:
  dcsim::Engine& engine_;
  dcsim::Rng rng_{kSeed, kStream};
  uint64_t events_;
  double rate_;
  uint64_t fired_ = 0;
  uint64_t hash_ = 0xcbf29ce484222325ULL;
};

enum class Activities { none, one, hundred, hundred_one_link };

const char* label(Activities a) {
  switch (a) {
    case Activities::none: return "engine";
    case Activities::one: return "engine+1 activity";
    case Activities::hundred: return "engine+100 activities";
    case Activities::hundred_one_link: return "engine+100 on one link";
  }
  return "?";
}

// Keeps transfers in flight: transfer i (the tag) between src[i] and dst[i] of bytes[i], started by
// a kick-off event at t=0 and restarted on each completion.
class Transfers final : public dcsim::EventHandler {
 public:
  explicit Transfers(dcsim::Engine& engine) : engine_(engine) {}
  void add(sg4::Host* src, sg4::Host* dst, double bytes) { routes_.push_back(Route{src, dst, bytes}); }
  size_t size() const { return routes_.size(); }
  void on_event(uint64_t tag) override {
    const Route r = routes_[tag];
    engine_.start_transfer(r.src, r.dst, static_cast<uint64_t>(r.bytes), this, tag);
  }

 private:
  struct Route {
    sg4::Host* src;
    sg4::Host* dst;
    double bytes;
  };
  dcsim::Engine& engine_;
  std::vector<Route> routes_;
};

// A star zone of `hosts` hosts, each on its own split-duplex link.
std::vector<sg4::Host*> star(int hosts) {
  auto* zone = sg4::create_star_zone("bench");
  std::vector<sg4::Host*> out;
  for (int i = 0; i < hosts; ++i) {
    const std::string n = std::to_string(i);
    sg4::Host* h = zone->create_host(std::string("h").append(n), 1e9)->seal();
    auto* link = zone->create_split_duplex_link(std::string("l").append(n), kLinkBandwidth)->set_latency(kLinkLatency)->seal();
    zone->add_route(h->get_netpoint(), nullptr, nullptr, nullptr, {sg4::LinkInRoute(link, sg4::LinkInRoute::Direction::UP)},
                    true);
    out.push_back(h);
  }
  zone->seal();
  return out;
}

Result engine_case(uint64_t events, uint64_t pending, Activities activities, bool lookahead) {
  dcsim::Engine engine(dcsim::platform::simgrid_config());
  engine.set_lookahead(lookahead);
  const std::vector<sg4::Host*> hosts = star(activities == Activities::hundred ? 200 : 2);
  Transfers transfers(engine);
  for (int i = 0; i < 100; ++i) {
    const double share = 0.5 + i / 100.0;
    if (activities == Activities::one && i == 0) transfers.add(hosts[0], hosts[1], kTransferBytes);
    if (activities == Activities::hundred) transfers.add(hosts[2 * static_cast<size_t>(i)], hosts[2 * static_cast<size_t>(i) + 1], 1e10 * share);
    if (activities == Activities::hundred_one_link) transfers.add(hosts[0], hosts[1], kTransferBytes * share);
  }
  for (size_t i = 0; i < transfers.size(); ++i) engine.at(0.0, &transfers, i);  // the first heap events: start them

  const double rate = kAggregateRate / static_cast<double>(pending);
  Load load(engine, events, rate);
  for (uint64_t i = 0; i < pending; ++i) engine.at(load.rng().exponential(rate), &load, i);

  const auto t0 = std::chrono::steady_clock::now();
  const dcsim::RunStats stats = engine.run(std::numeric_limits<double>::infinity());
  Result r;
  r.wall_s = seconds_since(t0);
  r.end_time = stats.end_time_s;
  r.order_hash = load.hash();
  r.events = load.fired();
  r.completions = stats.activity_completions;
  r.waits = stats.platform_waits;
  if (stats.reason != dcsim::StopReason::interrupted || load.fired() != events) {
    std::snprintf(r.error, sizeof r.error, "engine stopped early: %s after %" PRIu64 " of %" PRIu64 " events",
                  dcsim::to_string(stats.reason), load.fired(), events);
    return r;
  }
  r.ok = 1;
  return r;
}

bool write_all(int fd, const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

bool read_all(int fd, void* data, size_t n) {
  char* p = static_cast<char*>(data);
  while (n > 0) {
    const ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

// Run engine_case in a fresh child process and return its result.
Result run_engine_forked(uint64_t events, uint64_t pending, Activities activities, bool lookahead) {
  Result r;
  int fds[2];
  if (::pipe(fds) != 0) {
    std::snprintf(r.error, sizeof r.error, "pipe: %s", std::strerror(errno));
    return r;
  }
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    std::snprintf(r.error, sizeof r.error, "fork: %s", std::strerror(errno));
    ::close(fds[0]);
    ::close(fds[1]);
    return r;
  }
  if (pid == 0) {  // child: one Engine, one run, result to the pipe, _exit (no atexit handlers)
    ::close(fds[0]);
    Result out;
    try {
      out = engine_case(events, pending, activities, lookahead);
    } catch (const std::exception& e) {
      std::snprintf(out.error, sizeof out.error, "exception: %s", e.what());
    }
    const bool sent = write_all(fds[1], &out, sizeof out);
    ::close(fds[1]);
    std::fflush(stdout);
    std::fflush(stderr);
    ::_exit(sent && out.ok ? 0 : 1);
  }
  ::close(fds[1]);
  const bool got = read_all(fds[0], &r, sizeof r);
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!got) {
    r = Result{};
    std::snprintf(r.error, sizeof r.error, "child sent no result (wait status %d)", status);
  } else if (r.ok && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
    r.ok = 0;
    std::snprintf(r.error, sizeof r.error, "child failed (wait status %d)", status);
  }
  return r;
}

// ---------------------------------------------------------------------------------------------

// One warm-up run, then kRepeats timed runs; returns the fastest. Every run (warm-up included) must
// reproduce `reference` exactly (when given).
template <typename F>
Result best_of(const char* what, uint64_t pending, const Result* reference, F&& run_once) {
  Result best;
  for (int i = 0; i <= kRepeats; ++i) {
    const Result r = run_once();
    if (!r.ok) {
      std::printf("ERROR: %s pending=%" PRIu64 ": %s\n", what, pending, r.error);
      std::exit(1);
    }
    const Result& ref = reference ? *reference : best;
    if ((reference || i > 0) && (r.end_time != ref.end_time || r.order_hash != ref.order_hash || r.events != ref.events)) {
      std::printf("MISMATCH: %s pending=%" PRIu64 ": end time %.17g vs %.17g, order hash %016" PRIx64 " vs %016" PRIx64
                  ", events %" PRIu64 " vs %" PRIu64 "\n",
                  what, pending, r.end_time, ref.end_time, r.order_hash, ref.order_hash, r.events, ref.events);
      std::exit(1);
    }
    if (i == 0) {  // warm-up: kept only as the reference for the next runs
      best = r;
      best.wall_s = std::numeric_limits<double>::infinity();
      continue;
    }
    if (r.wall_s < best.wall_s) best = r;
  }
  return best;
}

std::vector<uint64_t> parse_list(const char* s) {
  std::vector<uint64_t> out;
  std::string item;
  for (const char* p = s;; ++p) {
    if (*p == ',' || *p == '\0') {
      char* end = nullptr;
      const unsigned long long v = std::strtoull(item.c_str(), &end, 10);
      if (item.empty() || *end != '\0' || v == 0) {
        std::fprintf(stderr, "bench_engine: bad pending count '%s'\n", item.c_str());
        std::exit(2);
      }
      out.push_back(v);
      item.clear();
      if (*p == '\0') break;
    } else {
      item += *p;
    }
  }
  return out;
}

void usage() {
  std::fprintf(stderr,
               "usage: bench_engine [events] [--pending 1000,100000] [--no-lookahead]\n"
               "  events         events per run (default 2000000)\n"
               "  pending        comma-separated numbers of events kept pending (default 1000,100000)\n"
               "  --no-lookahead the activity cases in the waiting lane (a SimGrid wait per event)\n");
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t events = 2'000'000;
  std::vector<uint64_t> pendings{1'000, 100'000};
  bool lookahead = true;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      usage();
      return 0;
    } else if (arg == "--pending" && i + 1 < argc) {
      pendings = parse_list(argv[++i]);
    } else if (arg.rfind("--pending=", 0) == 0) {
      pendings = parse_list(argv[i] + 10);
    } else if (arg == "--no-lookahead") {
      lookahead = false;
    } else if (!arg.empty() && arg.find_first_not_of("0123456789") == std::string::npos) {
      events = std::strtoull(arg.c_str(), nullptr, 10);
      if (events == 0) {
        usage();
        return 2;
      }
    } else {
      usage();
      return 2;
    }
  }

#if defined(__OPTIMIZE__) && defined(NDEBUG)
  const char* build = "optimized, NDEBUG";
#elif defined(__OPTIMIZE__)
  const char* build = "optimized, assertions on";
#else
  const char* build = "NOT optimized: numbers are meaningless";
#endif
  std::printf("bench_engine (dcsim %s, %s): %" PRIu64 " events per run; best of %d timed runs after 1 warm-up; %s\n",
              DCSIM_VERSION, build, events, kRepeats, lookahead ? "lookahead on" : "lookahead OFF (waiting lane)");
  std::printf("load: N chains kept pending, each event reschedules itself at now + Exp(1e5/N) (dcsim::Rng)\n");
  if (events < 1'000'000) std::printf("note: fewer than 1e6 events per run; timings are noisy\n");

  constexpr Activities kCases[] = {Activities::none, Activities::one, Activities::hundred, Activities::hundred_one_link};
  struct Row {
    uint64_t pending;
    Result bare;
    Result cases[4];
  };
  std::vector<Row> rows;
  for (const uint64_t pending : pendings) {
    Row row{pending, {}, {}};
    row.bare = best_of("bare", pending, nullptr, [&] { return run_bare(events, pending); });
    const double bare_eps = static_cast<double>(events) / row.bare.wall_s;
    std::printf("pending=%-7" PRIu64 " %-23s %7.3f Mev/s  (%.3f s)  end t=%.9g s\n", pending, "bare", bare_eps / 1e6,
                row.bare.wall_s, row.bare.end_time);
    for (size_t c = 0; c < 4; ++c) {
      const Activities a = kCases[c];
      Result& r = row.cases[c];
      r = best_of(label(a), pending, &row.bare, [&] { return run_engine_forked(events, pending, a, lookahead); });
      const double eps = static_cast<double>(events) / r.wall_s;
      std::printf("pending=%-7" PRIu64 " %-23s %7.3f Mev/s  (%.3f s)  /bare %.3f  %7" PRIu64 " completions %8" PRIu64
                  " SimGrid waits  end t and order = bare\n",
                  pending, label(a), eps / 1e6, r.wall_s, eps / bare_eps, r.completions, r.waits);
      std::fflush(stdout);
    }
    rows.push_back(row);
  }
  for (const Row& row : rows) {
    const double ratio = row.bare.wall_s / row.cases[0].wall_s;
    const double act = row.bare.wall_s / row.cases[1].wall_s;
    std::printf("goal: engine >= 1/3 of bare: %s (pending=%" PRIu64 ", %.2f); engine+1 activity >= 0.5 of bare: %s (%.3f)\n",
                ratio >= 1.0 / 3.0 ? "PASS" : "FAIL", row.pending, ratio, act >= 0.5 ? "PASS" : "FAIL", act);
  }
  return 0;
}
