// Site routing `least_loaded`: each request goes to the pool with the fewest requests per active
// replica, wherever it is:
//
//   l_k = (queued_k + running_k) / a_k      (a_k active replicas; +inf while a_k = 0)
//   k*  = argmin_k l_k,  ties: fewer requests in the pool (queued + running), then listed first
//
// Blind to the WAN: a request may cross an ocean to save a few queued requests. Use it when the
// sites are close (a metro region) or the work is long next to the WAN latency (images, video);
// compare spill_over (stay near until the near pool is full) and latency_aware.
// Cost: one Pool::load() per pool per request (a virtual call each, no allocation).
#include "models/scheduling/site_router.hpp"

namespace dcsim::scheduling {

namespace {

class LeastLoaded final : public SiteRouter {
 public:
  explicit LeastLoaded(const ServiceView& s) : s_(s) {}
  uint32_t choose(const workload::Request&, double) override {
    uint32_t best = 0;
    double best_l = std::numeric_limits<double>::infinity();
    uint64_t best_n = std::numeric_limits<uint64_t>::max();
    for (uint32_t k = 0; k < s_.pools.size(); ++k) {
      const serving::PoolLoad l = s_.pools[k].pool->load();
      const double x = requests_per_replica(l);
      const uint64_t n = l.queued + l.running;
      if (x < best_l || (x == best_l && n < best_n)) {
        best = k;
        best_l = x;
        best_n = n;
      }
    }
    return best;
  }

 private:
  const ServiceView& s_;
};

}  // namespace

void register_site_least_loaded() {
  site_router_registry().add(
      "least_loaded",
      "The pool with the fewest requests (waiting + running) per active replica, whatever the WAN latency.", {},
      [](const scenario::Config&, const PolicyContext& ctx) -> std::unique_ptr<SiteRouter> {
        return std::make_unique<LeastLoaded>(ctx.service);
      });
}

}  // namespace dcsim::scheduling
