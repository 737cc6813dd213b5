// Autoscaler `queue_length` (autoscaler.hpp): requests waiting or in service per replica, driven
// to a target (Knative's concurrency target, KEDA's queue-length scaler).
//
//   D = ceil((queued + running) / target_per_replica),  or C when D is within the tolerance of C
//
// It reacts to a queue that builds while the replicas are still loading (unlike utilisation).
#include <cmath>

#include "models/scheduling/autoscaler.hpp"

namespace dcsim::scheduling {

namespace {

class QueueLength final : public Autoscaler {
 public:
  explicit QueueLength(const scenario::Config& c) : target_(c.num("target_per_replica")), tolerance_(c.num("tolerance")) {}
  uint32_t desired(const AutoscalerInput& in) override {
    const double want = double(in.load.queued + in.load.running) / target_;
    if (in.capacity == 0) return proportional(1.0, want, 0.0);
    return proportional(in.capacity, want / double(in.capacity), tolerance_);
  }

 private:
  double target_, tolerance_;
};

}  // namespace

void register_autoscale_queue_length() {
  using P = scenario::ParamSpec;
  autoscaler_registry().add(
      "queue_length", "Keep the requests waiting or in service per replica near a target.",
      autoscaler_params({P::quantity_of("target_per_replica", units::Quantity::dimensionless)
                             .def("4")
                             .above(0)
                             .doc("Requests waiting or in service per replica in the pool's capacity.")}),
      [](const scenario::Config& c, const AutoscalerContext&) { return std::make_unique<QueueLength>(c); });
}

}  // namespace dcsim::scheduling
