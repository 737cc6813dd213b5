// Admission: the first step of a service's front end (frontend.hpp). A policy sees each arriving
// request before it is routed and admits or rejects it; it may change the request it admits
// (a degraded class: fewer steps, a lower resolution). Rejected requests go back to their
// workload as rejections (the user may retry); they never reach a pool.
//
// A policy is a registry entry (category `admission`, block `services[].admission`): one file
// in models/scheduling/ plus one line in register.cpp. Built-in:
//   none       admits everything (the front end then skips the call: no cost per request)
//   queue_cap  rejects while the requests waiting in the service's pools reach max_queue
// See docs/models/scheduling.md.
#pragma once

#include <cstdint>

#include "models/scheduling/policy_context.hpp"
#include "models/workload/request.hpp"
#include "sim/registry/registry.hpp"

namespace dcsim::scheduling {

enum class Verdict : uint8_t { admit, reject };

class AdmissionPolicy {
 public:
  virtual ~AdmissionPolicy() = default;
  // One arriving request at `now`; `r` may be modified when it is admitted.
  virtual Verdict decide(workload::Request& r, double now) = 0;
  // True for a policy that admits every request unchanged: the front end never calls decide().
  virtual bool admits_all() const { return false; }
  // True if the policy wants on_outcome() for the requests it admitted (concurrency caps).
  virtual bool wants_outcomes() const { return false; }
  virtual void on_outcome(const workload::Request& /*r*/, double /*now*/, Outcome /*o*/) {}
};

using AdmissionRegistry = Registry<AdmissionPolicy, const PolicyContext&>;
AdmissionRegistry& admission_registry();

void register_admission_none();
void register_admission_queue_cap();

}  // namespace dcsim::scheduling
