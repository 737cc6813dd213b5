// Lookahead of the slow lane: a lower bound on the earliest time at which any platform activity in
// flight can complete, so that the dispatcher hands control to SimGrid only when one could.
//
// Per activity i started by Engine::start_activity (c: a SimGrid clock value; r_i(c): what is left
// of the activity at c, Activity::get_remaining()):
//   comm   b_i = max(L_i + S_i / R_i,  c + r_i(c) / R_i)      L_i = t_i + lat_i * f_lat
//          S_i bytes, t_i its start, lat_i the route's latency (Host::route_to), f_lat SimGrid's
//          network/latency-factor, R_i = min_{links l of the route} bandwidth_l * max(1, f_bw): under
//          CM02/LV08 a flow's rate never exceeds its slowest link (times network/bandwidth-factor),
//          whatever it shares, and no byte moves before the latency L_i is paid.
//   exec   b_i = c + r_i(c) / (host speed * min(threads, cores)): SimGrid's cap on one execution.
//   other  b_i = -inf (an Io, a mailbox comm, an activity on a WIFI link...: no lookahead while it is
//          in flight).
// Each term is a true lower bound whatever starts or ends later (a rate cap does not depend on the
// other flows), so b_i stays valid; new activities only add terms.
//
// Safe horizon: safe = min_i min(b_i - m(b_i), L_i - m(L_i) while SimGrid's clock < L_i), with
// m(x) = 4 eps + 1e-12 |x|, eps = SimGrid's surf/precision (1e-9 s). Why the margin: SimGrid ends an
// action (and a latency phase) at a clock stop within eps before its date, so a completion can be
// reported up to 2 eps before b_i; 1e-12 |x| covers rounding (ulps, ~1e-16 |x|) in b_i and in
// SimGrid's own dates. The latency term keeps the lanes identical, not just ordered: every clock
// stop that could shorten a latency phase (within eps before L_i) is one both lanes make.
// Heap events strictly before `safe` cannot be preceded by a completion and run without SimGrid.
//
// Refreshing (tighten): once the dispatcher has waited up to t >= safe without a completion, the
// entries with safe_i <= t read their remaining amount at SimGrid's clock and raise b_i. Reading is
// not free of side effects in SimGrid (it folds the progress since the last update into the action,
// which can change later dates by an ulp), so it is done only at points both lanes share.
//
// Rates between changes: under SimGrid's lazy updates a rate changes only when the sharing does,
// i.e. when an activity starts or ends or a latency phase ends, and the dispatcher knows all of
// these instants. Two readings (t', r') and (t, r) between the same two changes give the rate
// v = (r' - r) / (t - t'), constant until the next change, so the activity cannot end before
//   e_i = t + r / (v (1 + eps_v)),   eps_v = 8 u (1 + r / (r' - r) + t / (t - t')) + 1e-12
// (u = 2^-53: the rounding of SimGrid's remaining amounts and of this division), valid until the
// next change. b_i = max(cap bound, e_i); at every change all b_i fall back to their cap bounds and
// the readings are dropped, and the next two refreshes read every activity without a rate. This is
// what keeps flows that share a link (each far below its cap) from costing a wait per heap event.
//
// Valid only while models neither raise a link's bandwidth or a host's speed nor set bandwidth or
// latency factor callbacks with activities in flight; Config::enabled is false for network and
// host models other than CM02/LV08 and the default host model.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <unordered_map>
#include <utility>
#include <vector>

#include <simgrid/s4u/Activity.hpp>

namespace simgrid::s4u {
class Host;
}

namespace dcsim {

class ActivityBounds {
 public:
  struct Config {
    bool enabled = false;           // the platform models are ones whose rates the bounds cap
    double precision_s = 1e-9;      // SimGrid's surf/precision
    double latency_factor = 1.0;    // network/latency-factor
    double bandwidth_factor = 1.0;  // network/bandwidth-factor
    // SimGrid pays latencies (latency factor > 0) and TCP-gamma is 0: a comm leaving its latency
    // phase may be solved without some of its links and has no per-flow bound (a SimGrid 3.32 bug,
    // sim/platform/simgrid_platform.hpp), so comms with a latency get no lookahead.
    bool latency_phase_uncapped = false;
  };
  // Read from SimGrid's configuration (after the s4u::Engine is created).
  static Config read_config();

  void configure(const Config& c) { config_ = c; }
  const Config& config() const { return config_; }

  // A new activity, just started at SimGrid clock `clock`. Entries are kept in the order of the
  // dispatcher's pending vector: add appends, remove swap-erases like it.
  void add(const simgrid::s4u::ActivityPtr& activity, double clock);
  void remove(size_t index);
  void clear();

  // The dispatcher waited up to `t` >= safe() and nothing completed; SimGrid's clock is `clock`.
  // Raises the bounds of the entries that limited the horizon.
  void tighten(const std::vector<simgrid::s4u::ActivityPtr>& pending, double clock, double t);

  // Heap events strictly before this time cannot be preceded by a completion; +inf when empty.
  double safe() const { return safe_; }

  // The latency of the route from src to dst (Host::route_to, cached), without the latency factor.
  double route_latency(const simgrid::s4u::Host* src, const simgrid::s4u::Host* dst) { return route(src, dst).latency; }

  // The margin below a bound (see above).
  double margin(double x) const { return 4 * config_.precision_s + 1e-12 * (x < 0 ? -x : x); }

 private:
  static constexpr double kNone = -std::numeric_limits<double>::infinity();
  enum class Kind : uint8_t { comm, exec, other };
  struct Entry {
    Kind kind = Kind::other;
    double rate_cap = 0;         // bytes/s or flops/s the activity can never exceed
    double latency_end = kNone;  // L_i while the latency may not be paid yet, else kNone
    double cap_bound = kNone;    // from the rate cap: valid until the activity ends
    double bound = kNone;        // b_i: cap_bound, or the rate bound e_i when larger (until a change)
    double safe = kNone;         // min(b_i - m, L_i - m)
    double read_t = kNone;       // last reading since the last change (kNone: none)
    double read_left = 0;
    bool rated = false;          // bound is a rate bound of the current interval
  };
  struct Route {
    double latency = 0;
    double bandwidth = 0;  // min over the links; +inf for an empty route; <= 0: unusable
  };
  struct PairHash {
    size_t operator()(const std::pair<const void*, const void*>& p) const {
      return std::hash<const void*>()(p.first) * 31 + std::hash<const void*>()(p.second);
    }
  };

  Entry make_comm_entry(simgrid::s4u::Activity& activity, double clock);
  Entry make_exec_entry(simgrid::s4u::Activity& activity, double clock) const;
  const Route& route(const simgrid::s4u::Host* src, const simgrid::s4u::Host* dst);
  double safe_of(const Entry& e) const;
  void read(Entry& e, const simgrid::s4u::ActivityPtr& activity, double clock);
  void on_change();  // the sharing changed: rates may have; drop the rate bounds
  void recompute();

  Config config_;
  std::vector<Entry> entries_;
  double safe_ = std::numeric_limits<double>::infinity();
  std::unordered_map<std::pair<const void*, const void*>, Route, PairHash> routes_;
};

}  // namespace dcsim
