// The front end of a service: where workloads hand their requests (RequestSink) and where the
// pools report what became of them (RequestObserver). Per request:
//
//   workload ──submit──▶ admission ──▶ site router ──▶ pool (its replica router, its replicas)
//   workload ◀─outcome── front end ◀──────────────────── pool
//
// admission (admission.hpp) admits or rejects (a rejection goes straight back to the workload);
// the site router (site_router.hpp) picks one of the service's pools; the pool's own router
// picks a replica (models/scheduling/replica_router.hpp). Outcomes pass through the front end so
// that policies counting what is in flight see them, then go to the request's workload.
//
// Hot path: a service with admission `none` skips admission (no copy of the request, no call),
// a service of one pool skips routing; then a request costs one virtual call here more than a
// workload calling its pool directly, and an outcome one more. No allocation.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "models/scheduling/admission.hpp"
#include "models/scheduling/request_sink.hpp"
#include "models/scheduling/service.hpp"
#include "models/scheduling/site_router.hpp"
#include "models/workload/request_observer.hpp"
#include "sim/engine/engine.hpp"

namespace dcsim::scheduling {

class Frontend final : public RequestSink, public workload::RequestObserver {
 public:
  explicit Frontend(Engine& engine) : engine_(engine) {}

  // Built by the World: fill view() (pools, workloads), then the policies, then the observers.
  ServiceView& view() { return view_; }
  const ServiceView& view() const { return view_; }
  void set_admission(std::unique_ptr<AdmissionPolicy> policy);
  void set_router(std::unique_ptr<SiteRouter> router);
  // Where outcomes of workload `workload`'s requests go (Request::workload).
  void set_observer(uint32_t workload, workload::RequestObserver* observer);

  void submit(const workload::Request& r) override;

  void on_completed(const workload::Request& r, double now) override;
  void on_rejected(const workload::Request& r, double now) override;
  void on_dropped(const workload::Request& r, double now) override;
  void on_timed_out(const workload::Request& r, double now) override;

  const AdmissionPolicy* admission() const { return admission_.get(); }
  const SiteRouter* router() const { return router_.get(); }
  // Requests admitted degraded (Verdict::degrade) so far.
  uint64_t degraded() const { return degraded_; }

 private:
  void dispatch(const workload::Request& r, double now);

  Engine& engine_;
  ServiceView view_;
  std::unique_ptr<AdmissionPolicy> admission_;
  std::unique_ptr<SiteRouter> router_;
  bool admit_all_ = true;          // admission absent or admits_all()
  bool tell_admission_ = false;    // admission wants outcomes
  bool route_ = false;             // more than one pool
  uint64_t degraded_ = 0;
  std::vector<workload::RequestObserver*> observers_;  // by Request::workload
};

}  // namespace dcsim::scheduling
