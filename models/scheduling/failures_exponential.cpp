// Failure model `exponential` (failure_model.hpp): constant hazard, T ~ Exp(rate).
#include "models/scheduling/failure_model.hpp"

namespace dcsim::scheduling {

namespace {

class Exponential final : public FailureModel {
 public:
  double time_to_failure(double rate, Rng& rng) const override { return rng.exponential(rate); }
};

}  // namespace

void register_failures_exponential() {
  failure_registry().add("exponential", "GPU and server failures at constant rates (Poisson), repairs after a delay.",
                         failure_params({}),
                         [](const scenario::Config&, const FailureContext&) { return std::make_unique<Exponential>(); });
}

}  // namespace dcsim::scheduling
