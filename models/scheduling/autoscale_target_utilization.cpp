// Autoscaler `target_utilization` (autoscaler.hpp): the share of the replicas' serving slots in
// use, read at each evaluation, driven to a target.
//
//   u = running / (up * slots_per_replica)        D = ceil(up * u / target)   (HPA, tolerance)
//
// `running` is the pool's requests in service (PoolLoad::running): for fifo pools one per busy
// replica (slots_per_replica 1), for llm pools the sequences in the running batches (set
// slots_per_replica to the batch a replica runs at full use, e.g. its max_batch). With no
// replica up: D = C (nothing to read; the queue_length policy reacts to a queue instead).
#include <cmath>

#include "models/scheduling/autoscaler.hpp"

namespace dcsim::scheduling {

namespace {

class TargetUtilization final : public Autoscaler {
 public:
  explicit TargetUtilization(const scenario::Config& c)
      : target_(c.num("target")), slots_(double(c.integer("slots_per_replica"))), tolerance_(c.num("tolerance")) {}
  uint32_t desired(const AutoscalerInput& in) override {
    const double up = in.load.replicas_active;
    if (up <= 0) return in.capacity;
    const double u = double(in.load.running) / (up * slots_);
    return proportional(up, u / target_, tolerance_);
  }

 private:
  double target_, slots_, tolerance_;
};

}  // namespace

void register_autoscale_target_utilization() {
  using P = scenario::ParamSpec;
  autoscaler_registry().add(
      "target_utilization", "Keep the share of the replicas' serving slots in use near a target (Kubernetes HPA rule).",
      autoscaler_params({P::quantity_of("target", units::Quantity::dimensionless)
                             .def("0.7")
                             .above(0)
                             .at_most(1)
                             .doc("Target utilisation: requests in service / (replicas up x slots_per_replica)."),
                         P::integer("slots_per_replica")
                             .def("1")
                             .at_least(1)
                             .doc("Requests a replica serves at once at full use (fifo: 1; llm: its batch).")}),
      [](const scenario::Config& c, const AutoscalerContext&) { return std::make_unique<TargetUtilization>(c); });
}

}  // namespace dcsim::scheduling
