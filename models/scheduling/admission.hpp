// Admission: the first step of a service's front end (frontend.hpp). A policy sees each arriving
// request before it is routed and admits or rejects it; it may change the request it admits
// (a degraded class: fewer steps, a lower resolution, a deadline). Rejected requests go back to
// their workload as rejections (the user may retry); they never reach a pool.
//
// A service's `admission:` is one policy or a list of them applied in order (admission_chain.hpp):
// the first that rejects decides. Every policy but `none` takes the scope keys declared once in
// scope_params(): `name` (what admission_changes refer to), `tier` and `workload` (the requests it
// applies to: all when absent) and `enabled` (its state at t = 0).
//
// A policy is a registry entry (category `admission`): one file in models/scheduling/ plus one
// line in register.cpp. Built-in (docs/models/scheduling.md gives each rule):
//   none              admits everything (the front end then skips admission: no cost per request)
//   queue_cap         rejects while the requests waiting in the service's pools reach max_queue
//                     (with `tier:`, shedding by tier priority: a lower threshold for a lower tier)
//   token_bucket      rate and burst
//   daily_quota       the tiers' daily_limit per user, reset at the tier's local midnight
//   concurrency_cap   admitted requests in flight
//   queue_timeout     a deadline: a request still waiting after `timeout` is given up (timed_out)
//   degrade           past a queue length or a windowed p99, the request is served degraded
//   defer             a deferrable workload's request is held while the grid is dirty and released
//                     when it is clean again, or before its deadline (admission_defer.cpp)
//
// Holding (Verdict::hold): the policy keeps a copy of the request and hands it back later through
// the HoldSink the chain gave it (set_hold_sink): the chain then goes on with the policies after
// it, and the front end routes what they admit. Held requests are counted by held() (the request
// invariant: arrived = completed + rejected + dropped + timed_out + in flight + held).
#pragma once

#include <cstdint>
#include <vector>

#include "models/scheduling/policy_context.hpp"
#include "models/workload/request.hpp"
#include "sim/registry/registry.hpp"

namespace dcsim::scheduling {

// degrade: admitted, and changed to a degraded class (counted in /services/<s>/degraded).
// hold: kept by the policy, to be released later (HoldSink); nothing else happens to it now.
enum class Verdict : uint8_t { admit, reject, degrade, hold };

// Where a policy that held a request hands it back when it lets it go, with the verdict so far
// (admit). The chain implements it for each of its policies, the front end for the chain.
class HoldSink {
 public:
  virtual ~HoldSink() = default;
  virtual void release(workload::Request& r, double now, Verdict v) = 0;
};

// Flow form (fidelity: fluid; docs/models/fluid.md "Admission and routing on flows"): one
// workload and tier of the service over a control step [now, now + dt). `amount` is offered
// (requests, a fluid) and lowered by each policy to what it admits; `in_flight` (admitted, not
// yet finished) and `finished` (completed, rejected by a pool or dropped during the previous
// step) are what the flow front end (flow_frontend.hpp) counted for it.
struct FlowOffer {
  uint32_t workload = 0;  // Request::workload
  uint8_t tier = 0;
  double amount = 0;
  double in_flight = 0;
  double finished = 0;
};

class AdmissionPolicy {
 public:
  virtual ~AdmissionPolicy() = default;
  // One arriving request at `now`; `r` may be modified when it is admitted.
  virtual Verdict decide(workload::Request& r, double now) = 0;
  // True for a policy that admits every request unchanged: the front end never calls decide().
  virtual bool admits_all() const { return false; }
  // True if the policy wants on_outcome() for the requests it decided on (concurrency caps,
  // latency windows). A request it rejected is not told back.
  virtual bool wants_outcomes() const { return false; }
  virtual void on_outcome(const workload::Request& /*r*/, double /*now*/, Outcome /*o*/) {}
  // Flow form: true if the policy acts on flows (admit_flow); a fluid service whose admission
  // has a policy without one is an input error. admit_flow gets the step's offers of the
  // workloads and tiers in its scope (n >= 1) and lowers each amount to what it admits.
  virtual bool has_flow_form() const { return false; }
  virtual void admit_flow(FlowOffer* /*offers*/, size_t /*n*/, double /*now*/, double /*dt*/) {}
  // Policies that may answer Verdict::hold: where to hand held requests back (before the run),
  // and how many they hold now.
  virtual bool may_hold() const { return false; }
  virtual void set_hold_sink(HoldSink* /*sink*/) {}
  virtual uint64_t held() const { return 0; }
  // Requests held since the start (each counted once).
  virtual uint64_t deferred() const { return 0; }
  // Once the World is complete (every site component publishes its signals): a policy that reads
  // site signals by name checks them here (scenario::InputError, located).
  virtual void on_world_built() {}
};

// Scales offers[0..n) by admitted / (their sum): a policy with one budget for its whole scope
// shares it in proportion to the offers.
void share_flow(FlowOffer* offers, size_t n, double admitted);
// E[min(N, L)] for N ~ Poisson(m) (the daily quota's flow form, admission_daily_quota.cpp).
double expected_min_poisson(double m, double limit);

using AdmissionRegistry = Registry<AdmissionPolicy, const PolicyContext&>;
AdmissionRegistry& admission_registry();

// The keys every admission policy but `none` takes (name, tier, workload, enabled), appended to
// its own parameters at registration: declared once here.
std::vector<scenario::ParamSpec> scope_params(std::vector<scenario::ParamSpec> own);

// Q(t): the requests waiting (queued, not in service) in the service's pools.
uint64_t service_queued(const ServiceView& service);

void register_admission_none();
void register_admission_queue_cap();
void register_admission_token_bucket();
void register_admission_daily_quota();
void register_admission_concurrency_cap();
void register_admission_queue_timeout();
void register_admission_degrade();
void register_admission_defer();

}  // namespace dcsim::scheduling
