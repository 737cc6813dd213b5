// Site routing `latency_aware`: each request goes to the pool with the lowest expected response
// time seen from its workload's origin, the round trip over the WAN plus the time requests
// recently spent in that pool:
//
//   k*(w) = argmin_k [ 2 L(w, k) + S_k(t) ],   ties: listed first
//   S_k  <- S_k + (x - S_k) (1 - exp(-dt / tau))   at each completion at pool k
//           x  = t_done - arrival - L(w, k)   (the request's time in the pool, its forward
//                payload transfer included), dt = time since pool k's previous completion,
//                tau = `window`; the first completion sets S_k = x; S_k = 0 before any.
//
// S_k follows queueing as it builds, but late by about the time in the pool itself: a pool that
// saturates keeps its good score until its slow requests complete. Pools without completions
// yet score their latency alone (and get tried). Use it when the sites' queues differ slowly
// relative to `window`, and latency matters as much as load; under a sharp surge spill_over
// reacts faster (it reads queues, not completions).
// Cost per request: a scan of the pools' scores (no Pool::load()); per completion one exp().
#include <cmath>

#include "models/scheduling/site_router.hpp"

namespace dcsim::scheduling {

namespace {

class LatencyAware final : public SiteRouter {
 public:
  LatencyAware(const ServiceView& s, double window_s)
      : s_(s), tau_(window_s), slot_(workload_slots(s)), score_(s.pools.size(), 0.0), last_(s.pools.size(), -1.0) {}
  uint32_t choose(const workload::Request& r, double) override {
    const auto& lat = s_.wan_latency_s[slot_[r.workload]];
    uint32_t best = 0;
    double best_x = std::numeric_limits<double>::infinity();
    for (uint32_t k = 0; k < score_.size(); ++k) {
      const double x = 2 * lat[k] + score_[k];
      if (x < best_x) {
        best = k;
        best_x = x;
      }
    }
    return best;
  }
  bool wants_outcomes() const override { return true; }
  void on_outcome(const workload::Request& r, uint32_t k, double now, Outcome o) override {
    if (o != Outcome::completed) return;
    const double x = now - r.arrival_s - s_.wan_latency_s[slot_[r.workload]][k];
    if (last_[k] < 0) {
      score_[k] = x;
    } else {
      score_[k] += (x - score_[k]) * -std::expm1(-(now - last_[k]) / tau_);
    }
    last_[k] = now;
  }
  double score(uint32_t k) const { return score_[k]; }

 private:
  const ServiceView& s_;
  double tau_;
  std::vector<size_t> slot_;
  std::vector<double> score_;  // S_k
  std::vector<double> last_;   // time of pool k's last completion (-1: none)
};

}  // namespace

void register_site_latency_aware() {
  site_router_registry().add(
      "latency_aware",
      "The lowest round-trip WAN latency + recent time in the pool (an exponential moving average of completions).",
      {scenario::ParamSpec::quantity_of("window", units::Quantity::time)
           .def("10 s")
           .above(0)
           .doc("Time constant tau of the moving average of the time requests spend in each pool.")},
      [](const scenario::Config& c, const PolicyContext& ctx) -> std::unique_ptr<SiteRouter> {
        require_origins(ctx, "latency_aware");
        return std::make_unique<LatencyAware>(ctx.service, c.num("window"));
      });
}

}  // namespace dcsim::scheduling
