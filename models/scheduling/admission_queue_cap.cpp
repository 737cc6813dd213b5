// Admission `queue_cap`: a cap on the requests waiting in the service's pools.
//
//   Q(t) = sum over the service's pools of Pool::load().queued   (waiting, not yet in service)
//   reject  if Q(t) >= max_queue,   admit otherwise
//
// Unlike a pool's queue_capacity (per pool, checked by the pool), the cap holds for the service
// as a whole, before routing: a request is turned away at the front door rather than queued at
// a site where it would wait. Rejections it makes are counted in
// /services/<service>/admission_rejected (they are also the workload's `rejected`).
// Cost: one Pool::load() call per pool of the service per request.
#include "models/scheduling/admission.hpp"
#include "models/serving/pool.hpp"

namespace dcsim::scheduling {

namespace {

class QueueCap final : public AdmissionPolicy {
 public:
  QueueCap(const scenario::Config& c, const PolicyContext& ctx)
      : service_(ctx.service), max_queue_(static_cast<uint64_t>(c.integer("max_queue"))) {
    rejected_ = ctx.recorder.counter(ctx.service.group, "admission_rejected", "1",
                                     "Requests rejected by the service's admission policy (queue_cap) during the step");
  }
  Verdict decide(workload::Request&, double) override {
    uint64_t queued = 0;
    for (const auto& p : service_.pools) queued += p.pool->load().queued;
    if (queued < max_queue_) return Verdict::admit;
    rejected_.add();
    return Verdict::reject;
  }

 private:
  const ServiceView& service_;
  uint64_t max_queue_;
  output::Counter rejected_;
};

}  // namespace

void register_admission_queue_cap() {
  using scenario::ParamSpec;
  admission_registry().add(
      "queue_cap", "Reject arrivals while the requests waiting in the service's pools reach max_queue.",
      {ParamSpec::integer("max_queue")
           .req()
           .at_least(0)
           .doc("Waiting requests (summed over the service's pools) at which arrivals are rejected.")},
      [](const scenario::Config& c, const PolicyContext& ctx) { return std::make_unique<QueueCap>(c, ctx); });
}

}  // namespace dcsim::scheduling
