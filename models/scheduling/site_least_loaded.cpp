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
#include <algorithm>

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
  // Flow form (fidelity: fluid): the step's flows of all workloads fill the pools to a common
  // level of requests per active replica (water-filling, the fluid limit of sending each request
  // to the least loaded):  x_k = max(0, l a_k - n_k),  sum_k x_k = A,  n_k = Q_k + running_k;
  // every workload is split in the shares x_k / A. Without a replica up anywhere, to the first.
  bool has_flow_form() const override { return true; }
  void split_flows(const double* amount, double, double, double* out) override {
    const size_t P = s_.pools.size(), W = s_.workloads.size();
    double A = 0;
    for (size_t w = 0; w < W; ++w) A += amount[w];
    n_.resize(P);
    a_.resize(P);
    x_.assign(P, 0.0);
    order_.clear();
    for (uint32_t k = 0; k < P; ++k) {
      const serving::PoolLoad l = s_.pools[k].pool->load();
      n_[k] = s_.pools[k].pool->flow_queued() + double(l.running);
      a_[k] = double(l.replicas_active);
      if (a_[k] > 0) order_.push_back(k);
    }
    if (order_.empty()) {
      x_[0] = A;
    } else {
      std::sort(order_.begin(), order_.end(), [&](uint32_t i, uint32_t j) { return n_[i] / a_[i] < n_[j] / a_[j]; });
      double sn = 0, sa = 0, level = 0;
      for (size_t j = 0; j < order_.size(); ++j) {
        sn += n_[order_[j]];
        sa += a_[order_[j]];
        level = (A + sn) / sa;
        if (j + 1 == order_.size() || level <= n_[order_[j + 1]] / a_[order_[j + 1]]) break;
      }
      for (const uint32_t k : order_) x_[k] = std::max(0.0, level * a_[k] - n_[k]);
    }
    for (size_t w = 0; w < W; ++w)
      for (size_t k = 0; k < P; ++k) out[w * P + k] = A > 0 ? amount[w] * x_[k] / A : 0.0;
  }

 private:
  const ServiceView& s_;
  std::vector<double> n_, a_, x_;  // flow form, by pool
  std::vector<uint32_t> order_;
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
