// The autoscaler registry, the keys every autoscaler has, HPA's proportional rule and the `none`
// autoscaler (autoscaler.hpp).
#include "models/scheduling/autoscaler.hpp"

#include <cmath>

namespace dcsim::scheduling {

AutoscalerRegistry& autoscaler_registry() {
  static AutoscalerRegistry r("autoscaler", "Reactive autoscaler of a pool: how many replicas it should have "
                                            "(sites[].pools[].capacity.autoscaler).");
  return r;
}

std::vector<scenario::ParamSpec> autoscaler_params(std::vector<scenario::ParamSpec> own) {
  using P = scenario::ParamSpec;
  using units::Quantity;
  std::vector<P> p{
      P::quantity_of("interval", Quantity::time)
          .def("15 s")
          .above(0)
          .doc("Time between two evaluations (the first one interval after the start).")
          .src("Kubernetes HPA --horizontal-pod-autoscaler-sync-period (15 s)"),
      P::integer("min_replicas").def("1").at_least(0).doc("Fewest replicas it keeps in the pool's capacity."),
      P::integer("max_replicas")
          .def("-1")
          .at_least(-1)
          .doc("Most replicas it asks for (-1: all the pool's replicas, a reservoir's once they have arrived)."),
      P::quantity_of("cooldown_out", Quantity::time)
          .def("60 s")
          .at_least(0)
          .doc("Time after a scale-out before the next scale-out."),
      P::quantity_of("cooldown_in", Quantity::time)
          .def("300 s")
          .at_least(0)
          .doc("Time after any scaling action before a scale-in.")
          .src("Kubernetes HPA --horizontal-pod-autoscaler-downscale-stabilization (5 min)"),
      P::quantity_of("tolerance", Quantity::dimensionless)
          .def("0.1")
          .at_least(0)
          .below(1)
          .doc("Relative deviation from the target within which nothing changes.")
          .src("Kubernetes HPA --horizontal-pod-autoscaler-tolerance (0.1)")};
  for (auto& o : own) p.push_back(std::move(o));
  return p;
}

uint32_t proportional(double current, double ratio, double tolerance) {
  if (!std::isfinite(ratio)) return static_cast<uint32_t>(current);
  if (std::abs(ratio - 1.0) <= tolerance) return static_cast<uint32_t>(current);
  const double d = std::ceil(current * ratio - 1e-9);
  return d <= 0 ? 0u : d >= 4e9 ? 4000000000u : static_cast<uint32_t>(d);
}

namespace {

// No autoscaler: the factory returns none (a pool keeps what its schedule and reservoir give it).
}  // namespace

void register_autoscale_none() {
  autoscaler_registry().add("none", "No autoscaler: capacity changes only by the schedule and the reservoir.",
                            {}, [](const scenario::Config&, const AutoscalerContext&) { return std::unique_ptr<Autoscaler>(); });
}

}  // namespace dcsim::scheduling
