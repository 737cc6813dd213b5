// Admission `concurrency_cap`: a cap on the admitted requests of its scope still in flight
// (admitted by the chain and not yet completed, rejected by a pool, dropped or timed out).
//
//   N(t) = admitted - finished   (over the requests in scope this policy admitted)
//   reject  if N(t) >= max_in_flight;   admit and N += 1 otherwise;   N -= 1 on each outcome
//
// The global cap of an API gateway: unlike queue_cap it counts the requests in service too, so
// it bounds what the service holds whatever its pools' queues. Cost: a counter per request and
// per outcome (it follows its requests' outcomes: admission_chain.hpp).
#include <algorithm>

#include "models/scheduling/admission.hpp"

namespace dcsim::scheduling {

namespace {

class ConcurrencyCap final : public AdmissionPolicy {
 public:
  explicit ConcurrencyCap(const scenario::Config& c) : max_(static_cast<uint64_t>(c.integer("max_in_flight"))) {}
  Verdict decide(workload::Request&, double) override {
    if (in_flight_ >= max_) return Verdict::reject;
    ++in_flight_;
    return Verdict::admit;
  }
  bool wants_outcomes() const override { return true; }
  void on_outcome(const workload::Request&, double, Outcome) override { --in_flight_; }
  bool has_flow_form() const override { return true; }
  void admit_flow(FlowOffer* offers, size_t n, double, double) override {
    double a = 0, in_flight = 0, finished = 0;
    for (size_t i = 0; i < n; ++i) {
      a += offers[i].amount;
      in_flight += offers[i].in_flight;
      finished += offers[i].finished;
    }
    share_flow(offers, n, std::min(a, std::max(0.0, double(max_) - in_flight + finished)));
  }

 private:
  uint64_t max_;
  uint64_t in_flight_ = 0;
};

}  // namespace

void register_admission_concurrency_cap() {
  using scenario::ParamSpec;
  admission_registry().add(
      "concurrency_cap", "Reject arrivals while max_in_flight admitted requests of its scope are in flight.",
      scope_params({ParamSpec::integer("max_in_flight")
                        .req()
                        .at_least(0)
                        .doc("Admitted requests (waiting or in service) at which arrivals are rejected.")}),
      [](const scenario::Config& c, const PolicyContext&) { return std::make_unique<ConcurrencyCap>(c); });
}

}  // namespace dcsim::scheduling
