// The flow front end of a service served by fluid pools (docs/models/fluid.md "Admission and
// routing on flows"): what Frontend (frontend.hpp) does per request, done per control step on
// flows. At the start of each step [t, t + dt), when the first of the service's pools steps:
//
//   a_w     = (lambda_w(t) + lambda_w(t + dt)) / 2 dt       arrivals of workload w (trapezoid of
//             its rate curve; with the pools' poisson_counts, a Poisson draw of that mean)
//   a_wt    = a_w s_wt                                        split by its tiers' shares
//   m_wt    = admission(a_wt)                                 the service's policies in order, each
//             lowering the flows in its scope (AdmissionPolicy::admit_flow)
//   x_wk    = route(sum_t m_wt)                               split over the pools
//             (SiteRouter::split_flows), read from the pools' state at t, before any of them steps
//
// and each pool k takes x_wk as its arrivals of workload w (FlowInlet::flow_in). What admission
// took away, a_w - sum_t m_wt, is reported to the workload as rejections, in whole requests
// (floors of the cumulative fluid, as the pools count theirs: flow.hpp), so the request invariant
// holds. The pools report the rest to the workload through a tap (tap()) that also counts what
// finished (completed, rejected by a pool, dropped): the in-flight fluid of each workload and tier
// that concurrency caps read, split among the tiers in proportion to what each has in flight.
//
// WAN: a flow from a workload's origin to a pool at another site adds the round trip 2 L (the
// one-way latency between the sites, ServiceView::wan_latency_s) to its latency points; the
// payloads' transfer time (size / bandwidth) and requests in transit are not modelled.
//
// All pools of the service step together: the same control step (the World checks it). Cost per
// step: O(workloads x (tiers x policies + pools)); no allocation after the first step.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "models/scheduling/admission.hpp"
#include "models/scheduling/service.hpp"
#include "models/scheduling/site_router.hpp"
#include "models/workload/flow.hpp"
#include "sim/util/rng.hpp"

namespace dcsim::scheduling {

class FlowFrontend final : public workload::FlowInlet {
 public:
  // sources: the service's workloads by slot (ServiceView::workloads order); admission, router:
  // the service's (null: admit all / one pool); poisson: Poisson counts of arrivals from `rng`.
  FlowFrontend(const ServiceView& view, std::vector<workload::FlowSource*> sources, AdmissionPolicy* admission,
               SiteRouter* router, bool poisson, Rng rng);
  ~FlowFrontend() override;

  // What pool `route` of the service reads for workload slot w: the workload, its reports
  // counted here, its latencies plus the WAN round trip from the workload's origin to the pool's
  // site (2 x ServiceView::wan_latency_s; the payloads' size / bandwidth is not added).
  workload::FlowSource* tap(size_t slot, size_t route);
  double flow_in(uint32_t route, uint32_t source, double now, double dt) override;

  // Fluids so far (tests): arrived, rejected by admission, admitted per workload slot.
  double arrived(size_t slot) const { return slots_[slot].arrived; }
  double rejected(size_t slot) const { return slots_[slot].rejected; }

 private:
  class Tap;
  struct Slot {
    workload::FlowSource* src = nullptr;
    double rate_end = 0;
    size_t first = 0, tiers = 1;  // its offers: offers_[first, first + tiers)
    double arrived = 0, rejected = 0, step_a = 0;
    uint64_t told_rejected = 0;
    uint64_t finished = 0, finished_seen = 0;  // counted by its tap, and at the last step
  };
  void step(double now, double dt);

  const ServiceView& view_;
  AdmissionPolicy* admission_;
  SiteRouter* router_;
  bool poisson_;
  Rng rng_;
  std::vector<Slot> slots_;
  std::vector<std::unique_ptr<Tap>> taps_;
  std::vector<FlowOffer> offers_;     // by slot and tier
  std::vector<double> admitted_;      // cumulative, by offer
  std::vector<double> finished_;      // cumulative, by offer
  std::vector<double> amount_;        // the step's admitted amount, by slot
  std::vector<double> routed_;        // the step's amount by slot x pool
  double at_ = -1;                    // start of the step computed last
  bool started_ = false;
};

}  // namespace dcsim::scheduling
