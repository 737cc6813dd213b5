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
