// Failure model `weibull` (failure_model.hpp): T ~ Weibull(shape k, scale eta) with the mean
// 1/rate, eta = 1 / (rate * Gamma(1 + 1/k)). k < 1: infant mortality (new and repaired parts
// fail early), k > 1: wear-out. A failed part is new when its server is repaired.
#include <cmath>

#include "models/scheduling/failure_model.hpp"

namespace dcsim::scheduling {

namespace {

class Weibull final : public FailureModel {
 public:
  explicit Weibull(double shape) : k_(shape), gamma_(std::tgamma(1.0 + 1.0 / shape)) {}
  double time_to_failure(double rate, Rng& rng) const override { return rng.weibull(k_, 1.0 / (rate * gamma_)); }

 private:
  double k_, gamma_;
};

}  // namespace

void register_failures_weibull() {
  using P = scenario::ParamSpec;
  failure_registry().add(
      "weibull", "GPU and server failures with Weibull times to failure (mean 1/rate); a failed part is new after its repair.",
      failure_params({P::quantity_of("shape", units::Quantity::dimensionless)
                          .def("0.8")
                          .above(0.1)
                          .at_most(10)
                          .doc("Weibull shape k (< 1: failures early in a part's life; 1: exponential).")
                          .src("assumption (field studies of HPC nodes fit k < 1: Schroeder & Gibson, DSN 2006)")}),
      [](const scenario::Config& c, const FailureContext&) { return std::make_unique<Weibull>(c.num("shape")); });
}

}  // namespace dcsim::scheduling
