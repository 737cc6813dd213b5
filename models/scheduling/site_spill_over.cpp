// Site routing `spill_over`: a request stays at the pool nearest its workload's origin while
// that pool has room, and spills to the next nearest with room; when none has room, the least
// queued pool takes it:
//
//   room(k)  <=>  queued_k < theta * max(a_k, 1)       (theta = threshold, a_k active replicas)
//   k*(w)    = first k in order_w with room(k), order_w = pools by WAN latency from origin(w)
//              (ties: listed first); if none: argmin_k queued_k / max(a_k, 1)
//
// theta = 1 spills as soon as about one request per replica waits: the near pool is saturated
// (its batches full). Use it to keep users near their data and latency until a surge, then use
// the other sites' spare capacity (the two-sites scenario's European evening).
// Cost: one Pool::load() per pool tried, in latency order (the order is built once).
//
// Flow form (fidelity: fluid): each workload's flow (in slot order) fills the pools of order_w in
// turn up to their room over the step (flow_rooms: what a pool takes before its queue reaches
// theta max(a_k, 1)); what none has room for goes to the least queued pool, as at request level.
#include "models/scheduling/site_router.hpp"

namespace dcsim::scheduling {

namespace {

class SpillOver final : public SiteRouter {
 public:
  SpillOver(const ServiceView& s, double threshold)
      : s_(s), theta_(threshold), order_(pools_by_latency(s)), slot_(workload_slots(s)) {}
  uint32_t choose(const workload::Request& r, double) override {
    for (const uint32_t k : order_[slot_[r.workload]]) {
      const serving::PoolLoad l = s_.pools[k].pool->load();
      if (double(l.queued) < theta_ * double(l.replicas_active ? l.replicas_active : 1)) return k;
    }
    return least_queued(s_);
  }
  bool has_flow_form() const override { return true; }
  void split_flows(const double* amount, double, double dt, double* out) override {
    flow_rooms(s_, theta_, dt, room_);
    const uint32_t fallback = least_queued(s_);
    for (size_t w = 0; w < s_.workloads.size(); ++w)
      fill_in_order(order_[w], amount[w], room_, fallback, out + w * s_.pools.size());
  }

 private:
  const ServiceView& s_;
  double theta_;
  std::vector<std::vector<uint32_t>> order_;  // by workload slot
  std::vector<size_t> slot_;                  // by Request::workload
  std::vector<double> room_;                  // flow form, by pool
};

}  // namespace

void register_site_spill_over() {
  site_router_registry().add(
      "spill_over",
      "The nearest pool (WAN latency from the origin) whose queue is under threshold x its active replicas; the next "
      "nearest when it is full; the least queued when all are.",
      {room_threshold_param()},
      [](const scenario::Config& c, const PolicyContext& ctx) -> std::unique_ptr<SiteRouter> {
        require_origins(ctx, "spill_over");
        return std::make_unique<SpillOver>(ctx.service, c.num("threshold"));
      });
}

}  // namespace dcsim::scheduling
