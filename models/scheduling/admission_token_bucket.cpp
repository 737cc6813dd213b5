// Admission `token_bucket`: a rate limit with a burst, for the requests in its scope (all, a
// tier, a workload; one bucket shared by them).
//
//   L(0) = B;   at an arrival at t:  L = min(B, L(t') + rho (t - t'))   (t': the previous arrival)
//   admit and L -= 1   if L >= 1,   reject otherwise
//
// Over [0, T] a flood is admitted B + floor(rho T) requests (to within the arrival spacing); a
// stream below rho is never limited. rho: `rate` (requests per second: "10 /s", "600 /min"),
// B: `burst` (requests). A comparison tolerance of 1e-9 token keeps rho t exact at the arrival
// instants a hand derivation uses. Cost: a few flops per request in scope.
//
// Flow form (fidelity: fluid): an amount a offered over [t, t + dt) at the constant rate a / dt.
// With L0 = min(B, L(t') + rho (t - t')) the level falls at a / dt - rho until it is empty, then
// the admitted rate is rho, so over the step
//   admitted = a                      if a / dt <= rho,   else  min(a, L0 + rho dt)
//   L(t + dt) = min(B, L0 + rho dt - admitted)
// and a flood over [0, T] (T a whole number of steps) is admitted exactly B + rho T
// (tests/unit/fluid_admission_test.cpp), shared among the scope's flows in proportion to them.
#include <algorithm>

#include "models/scheduling/admission.hpp"

namespace dcsim::scheduling {

namespace {

class TokenBucket final : public AdmissionPolicy {
 public:
  explicit TokenBucket(const scenario::Config& c) : rate_(c.num("rate")), burst_(c.num("burst")), level_(burst_) {}
  Verdict decide(workload::Request&, double now) override {
    level_ = std::min(burst_, level_ + rate_ * (now - last_s_));
    last_s_ = now;
    if (level_ + 1e-9 < 1.0) return Verdict::reject;
    level_ -= 1.0;
    return Verdict::admit;
  }
  bool has_flow_form() const override { return true; }
  void admit_flow(FlowOffer* offers, size_t n, double now, double dt) override {
    double a = 0;
    for (size_t i = 0; i < n; ++i) a += offers[i].amount;
    const double l0 = std::min(burst_, level_ + rate_ * (now - last_s_));
    const double admitted = a <= rate_ * dt ? a : std::min(a, l0 + rate_ * dt);
    level_ = std::min(burst_, l0 + rate_ * dt - admitted);
    last_s_ = now + dt;
    share_flow(offers, n, admitted);
  }

 private:
  double rate_, burst_, level_;
  double last_s_ = 0;
};

}  // namespace

void register_admission_token_bucket() {
  using scenario::ParamSpec;
  using units::Quantity;
  admission_registry().add(
      "token_bucket", "Rate limit with a burst: tokens refill at `rate` up to `burst`; a request takes one or is rejected.",
      scope_params({ParamSpec::quantity_of("rate", Quantity::rate)
                        .req()
                        .at_least(0)
                        .doc("Sustained admitted rate (requests per unit time, e.g. '10 /s', '3 /d')."),
                    ParamSpec::quantity_of("burst", Quantity::dimensionless)
                        .def("1")
                        .at_least(1)
                        .doc("Bucket size: requests admitted back to back after a quiet period (the bucket "
                             "starts full).")}),
      [](const scenario::Config& c, const PolicyContext&) { return std::make_unique<TokenBucket>(c); });
}

}  // namespace dcsim::scheduling
