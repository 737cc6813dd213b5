// Admission `queue_cap`: a cap on the requests waiting in the service's pools.
//
//   Q(t) = sum over the service's pools of Pool::load().queued   (waiting, not yet in service)
//   reject  if Q(t) >= max_queue,   admit otherwise
//
// Unlike a pool's queue_capacity (per pool, checked by the pool), the cap holds for the service
// as a whole, before routing: a request is turned away at the front door rather than queued at
// a site where it would wait. With a scope (`tier: free`) it sheds that tier: shedding by tier
// priority is one queue_cap per tier, the lower the tier's priority the lower its max_queue
// (free at 1000, paid at 5000: as Q grows, free requests are turned away first).
// Cost: one Pool::load() call per pool of the service per request in scope.
//
// Flow form (fidelity: fluid): at the step's start the service's pools hold Q fluid waiting
// (Pool::flow_queued) and can take H into service over the step (Pool::flow_room: free slots
// plus the last step's completions); arrivals go into service first, so the queue reaches
// max_queue after
//   admitted = min(a, max(0, max_queue - Q + H))
// shared among the scope's flows in proportion to them. Below capacity (Q = 0, H >= a) it admits
// everything; at the cap it admits what the pools take (one step late).
#include <algorithm>

#include "models/scheduling/admission.hpp"
#include "models/serving/pool.hpp"

namespace dcsim::scheduling {

namespace {

class QueueCap final : public AdmissionPolicy {
 public:
  QueueCap(const scenario::Config& c, const PolicyContext& ctx)
      : service_(ctx.service), max_queue_(static_cast<uint64_t>(c.integer("max_queue"))) {}
  Verdict decide(workload::Request&, double) override {
    return service_queued(service_) < max_queue_ ? Verdict::admit : Verdict::reject;
  }
  bool has_flow_form() const override { return true; }
  void admit_flow(FlowOffer* offers, size_t n, double, double dt) override {
    double a = 0, q = 0, room = 0;
    for (size_t i = 0; i < n; ++i) a += offers[i].amount;
    for (const auto& p : service_.pools) {
      q += p.pool->flow_queued();
      room += p.pool->flow_room(dt);
    }
    share_flow(offers, n, std::min(a, std::max(0.0, double(max_queue_) - q + room)));
  }

 private:
  const ServiceView& service_;
  uint64_t max_queue_;
};

}  // namespace

void register_admission_queue_cap() {
  using scenario::ParamSpec;
  admission_registry().add(
      "queue_cap",
      "Reject arrivals while the requests waiting in the service's pools reach max_queue (with tier: shed that tier).",
      scope_params({ParamSpec::integer("max_queue")
                        .req()
                        .at_least(0)
                        .doc("Waiting requests (summed over the service's pools) at which arrivals are rejected.")}),
      [](const scenario::Config& c, const PolicyContext& ctx) { return std::make_unique<QueueCap>(c, ctx); });
}

}  // namespace dcsim::scheduling
