// Site routing `nearest`: each request goes to the service's pool at the lowest one-way WAN
// latency from its workload's origin (`workloads[].origin`), ties to the pool listed first:
//
//   k*(w) = argmin_k  L(origin(w), site(pool k))     L: minimum-latency path in the topology
//                                                    (sim/platform/topology.hpp), 0 within a site
//
// Latencies are fixed by the platform, so k*(w) is computed once per workload at build time and
// a decision is one table lookup. Every workload of the service must name its origin (input error
// otherwise). Load is not looked at: a pool that is full rejects (see least-loaded and spill-over
// routers for load-aware choices).
#include "models/scheduling/site_router.hpp"

namespace dcsim::scheduling {

namespace {

class Nearest final : public SiteRouter {
 public:
  explicit Nearest(const ServiceView& s) {
    for (size_t w = 0; w < s.workloads.size(); ++w) {
      const uint32_t idx = s.workloads[w].index;
      if (best_.size() <= idx) best_.resize(size_t(idx) + 1, kNoPool);
      uint32_t best = 0;
      for (uint32_t k = 1; k < s.pools.size(); ++k)
        if (s.wan_latency_s[w][k] < s.wan_latency_s[w][best]) best = k;
      best_[idx] = best;
      by_slot_.push_back(best);
    }
    pools_ = s.pools.size();
  }
  uint32_t choose(const workload::Request& r, double) override { return best_[r.workload]; }
  // Flow form: each workload's whole flow to its nearest pool.
  bool has_flow_form() const override { return true; }
  void split_flows(const double* amount, double, double, double* out) override {
    for (size_t w = 0; w < by_slot_.size(); ++w) {
      for (size_t k = 0; k < pools_; ++k) out[w * pools_ + k] = 0;
      out[w * pools_ + by_slot_[w]] = amount[w];
    }
  }

 private:
  std::vector<uint32_t> best_;  // by Request::workload
  std::vector<uint32_t> by_slot_;  // by workload slot
  size_t pools_ = 1;
};

}  // namespace

void register_site_nearest() {
  site_router_registry().add(
      "nearest", "The pool at the lowest WAN latency from the request's workload origin (ties: the pool listed first).",
      {},
      [](const scenario::Config&, const PolicyContext& ctx) -> std::unique_ptr<SiteRouter> {
        require_origins(ctx, "nearest");
        return std::make_unique<Nearest>(ctx.service);
      });
}

}  // namespace dcsim::scheduling
