// Autoscaler `latency_slo` (autoscaler.hpp): a quantile of the end-to-end latency of the requests
// the pool completed since the last evaluation, held under a target.
//
//   L = quantile-th latency (nearest rank) of the n completions since the last evaluation
//   L > target                        D = ceil(C * min(L / target, max_factor))
//   L < scale_in_below * target       D = floor(C * (1 - step_in))
//   otherwise, or n < min_samples     D = C
// Latency does not fall in proportion to replicas (a lightly loaded replica still takes its
// service time), hence the fixed step in. Cost: the controller keeps the latencies of one
// interval in a reused vector and selects the quantile once per evaluation (nth_element).
#include <algorithm>
#include <cmath>
#include <vector>

#include "models/scheduling/autoscaler.hpp"

namespace dcsim::scheduling {

namespace {

class LatencySlo final : public Autoscaler {
 public:
  explicit LatencySlo(const scenario::Config& c)
      : target_(c.num("target")),
        q_(c.num("quantile")),
        max_factor_(c.num("max_factor")),
        below_(c.num("scale_in_below")),
        step_in_(c.num("step_in")),
        min_samples_(static_cast<size_t>(c.integer("min_samples"))) {}
  bool wants_latencies() const override { return true; }
  uint32_t desired(const AutoscalerInput& in) override {
    if (in.latencies.size() < std::max<size_t>(min_samples_, 1)) return in.capacity;
    buf_.assign(in.latencies.begin(), in.latencies.end());
    const size_t k = std::min(buf_.size() - 1, static_cast<size_t>(std::ceil(q_ * double(buf_.size()))) - (q_ > 0 ? 1 : 0));
    std::nth_element(buf_.begin(), buf_.begin() + long(k), buf_.end());
    const double l = buf_[k];
    const double c = std::max<double>(in.capacity, 1.0);
    if (l > target_) return static_cast<uint32_t>(std::ceil(c * std::min(l / target_, max_factor_) - 1e-9));
    if (l < below_ * target_) return static_cast<uint32_t>(std::floor(double(in.capacity) * (1.0 - step_in_)));
    return in.capacity;
  }

 private:
  double target_, q_, max_factor_, below_, step_in_;
  size_t min_samples_;
  std::vector<double> buf_;
};

}  // namespace

void register_autoscale_latency_slo() {
  using P = scenario::ParamSpec;
  using units::Quantity;
  autoscaler_registry().add(
      "latency_slo", "Keep a quantile of the pool's end-to-end latency under a target.",
      autoscaler_params({P::quantity_of("target", Quantity::time).req().above(0).doc("Latency objective."),
                         P::quantity_of("quantile", Quantity::dimensionless)
                             .def("0.95")
                             .above(0)
                             .at_most(1)
                             .doc("Quantile of the latencies of one interval compared with the target."),
                         P::quantity_of("max_factor", Quantity::dimensionless)
                             .def("2")
                             .at_least(1)
                             .doc("Largest growth of one scale-out (replicas x max_factor)."),
                         P::quantity_of("scale_in_below", Quantity::dimensionless)
                             .def("0.5")
                             .above(0)
                             .below(1)
                             .doc("Scale in when the latency is under this share of the target."),
                         P::quantity_of("step_in", Quantity::dimensionless)
                             .def("0.1")
                             .above(0)
                             .below(1)
                             .doc("Share of the replicas one scale-in removes."),
                         P::integer("min_samples")
                             .def("20")
                             .at_least(1)
                             .doc("Completions an interval needs before it decides anything.")}),
      [](const scenario::Config& c, const AutoscalerContext&) { return std::make_unique<LatencySlo>(c); });
}

}  // namespace dcsim::scheduling
