// Changes of a service's admission (`services[].admission_changes`): a named policy of the
// service's chain (admission_chain.hpp) is enabled or disabled
//   at a scheduled time:  t = at - start   (the scenario's calendar start; once)
//   on a condition:       Q(t) > queue_above held over [t0, t] with t - t0 >= for, where Q is the
//                         requests waiting in the service's pools, evaluated every check_every
//                         (simulated), when it would change the policy's state; it fires again
//                         only after Q(t) <= queue_above was seen.
// Each change that fires is an /events row: kind `admission_change`, subject
// /services/<s>/admission/<policy>, value Q(t) for a condition (NaN for a scheduled change),
// detail "<policy> enabled|disabled (at ...|queue above X for Y s)". A scheduled change is a row
// even when it leaves the policy as it was (the operator acted); a conditional one then waits.
//
// Cost: one engine event per scheduled change; one per check_every per conditional change
// (Q(t): one Pool::load() per pool). Nothing per request.
#pragma once

#include <string>
#include <vector>

#include "models/scheduling/policy_context.hpp"
#include "sim/engine/engine.hpp"

namespace dcsim::scheduling {

class AdmissionChain;

class AdmissionChanges final : public EventHandler {
 public:
  AdmissionChanges(AdmissionChain& chain, const std::vector<scenario::Config>& changes, const PolicyContext& ctx);
  void on_event(uint64_t tag) override;

 private:
  struct Change {
    size_t policy = 0;
    bool enable = true;
    bool conditional = false;
    double at_s = 0;            // scheduled: simulated time
    uint64_t queue_above = 0;   // conditional
    double for_s = 0, every_s = 0;
    double since_s = -1;        // conditional: when Q(t) > queue_above was first seen (-1: not now)
    bool armed = true;          // conditional: may fire (false after firing, until the condition clears)
    std::string when;           // for the events row
  };
  void apply(Change& c, double value);

  AdmissionChain& chain_;
  const ServiceView& service_;
  Engine& engine_;
  output::Recorder& recorder_;
  std::vector<Change> changes_;
};

}  // namespace dcsim::scheduling
