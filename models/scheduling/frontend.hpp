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
// WAN (wan_transport.hpp): a request whose workload's origin is not the chosen pool's site
// crosses the WAN to it (request payload) and its outcome crosses back (the response: a
// completion's content, a rejection's or drop's short reply) before the workload hears of it;
// the user sees the first token one latency later (first_token_s + L). Requests in transit are
// held here (a slab of slots, reused: no allocation once it has grown) and counted by
// in_transit() (the request invariant). Admission and router outcomes are told when the pool
// reports, before the way back.
//
// Reroute while a site sheds (SiteSignals::shedding, set by its grid): a service of several pools
// whose router chose a pool at a shedding site sends the request instead to the pool, at a site
// not shedding, with room (queued < max(active replicas, 1)) and the lowest WAN latency from the
// request's origin (ties and no origin: listed first); when none has room it stays where the router
// chose. /events rows (kind `reroute`, subject /services/<s>) when the front end first avoids a
// site and when it sees the site again (value: requests rerouted away from it meanwhile, detail:
// their mean added one-way WAN latency). Cost: one flag read per routed request.
//
// Held requests (admission `defer`, Verdict::hold): the policy keeps them; when it releases one,
// the rest of the admission chain decides on it and the front end routes it as at an arrival
// (release()). held() counts them (the request invariant).
//
// Hot path: a service with admission `none` skips admission (no copy of the request, no call),
// a service of one pool skips routing; then a request costs one virtual call here more than a
// workload calling its pool directly, and an outcome one more. No allocation. A request served
// at its origin's site costs one table lookup more; one that crosses the WAN, two events.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "models/scheduling/admission.hpp"
#include "models/scheduling/request_sink.hpp"
#include "models/scheduling/service.hpp"
#include "models/scheduling/site_router.hpp"
#include "models/scheduling/wan_transport.hpp"
#include "models/workload/request_observer.hpp"
#include "sim/engine/engine.hpp"
#include "sim/output/recorder.hpp"

namespace dcsim::scheduling {

class Frontend final : public RequestSink,
                       public workload::RequestObserver,
                       public EventHandler,
                       public HoldSink {
 public:
  explicit Frontend(Engine& engine) : engine_(engine) {}

  // Built by the World: fill view() (pools, workloads), then the policies, then the observers.
  ServiceView& view() { return view_; }
  const ServiceView& view() const { return view_; }
  void set_admission(std::unique_ptr<AdmissionPolicy> policy);
  void set_router(std::unique_ptr<SiteRouter> router);
  // Where outcomes of workload `workload`'s requests go (Request::workload).
  void set_observer(uint32_t workload, workload::RequestObserver* observer);
  // How payloads cross the WAN; after view() is complete (workloads, pools, latencies). Without
  // one, nothing crosses the WAN (every request reaches its pool at once).
  void set_transport(std::unique_ptr<WanTransport> transport);
  // Where the reroute rows go (null: none written).
  void set_recorder(output::Recorder* recorder) { recorder_ = recorder; }
  // Requests sent away from a shedding site so far.
  uint64_t rerouted() const { return rerouted_; }
  // Requests on the WAN now, either way.
  uint64_t in_transit() const { return in_transit_; }
  const WanTransport* transport() const { return transport_.get(); }

  void submit(const workload::Request& r) override;
  // A request its admission held, released with the chain's verdict (HoldSink).
  void release(workload::Request& r, double now, Verdict v) override;
  // Requests its admission holds now, and has held since the start.
  uint64_t held() const { return admission_ ? admission_->held() : 0; }
  uint64_t deferred() const { return admission_ ? admission_->deferred() : 0; }
  bool may_hold() const { return admission_ && admission_->may_hold(); }
  // Once the World is complete: the policies check the site signals they read.
  void on_world_built() {
    if (admission_) admission_->on_world_built();
  }

  void on_completed(const workload::Request& r, double now) override;
  void on_rejected(const workload::Request& r, double now) override;
  void on_dropped(const workload::Request& r, double now) override;
  void on_event(uint64_t tag) override;
  void on_timed_out(const workload::Request& r, double now) override;

  const AdmissionPolicy* admission() const { return admission_.get(); }
  const SiteRouter* router() const { return router_.get(); }
  // The same, for the flow front end of a service of fluid pools (flow_frontend.hpp).
  AdmissionPolicy* admission_policy() { return admission_.get(); }
  SiteRouter* site_router() { return router_.get(); }
  // Requests admitted degraded (Verdict::degrade) so far.
  uint64_t degraded() const { return degraded_; }

 private:
  void dispatch(const workload::Request& r, double now);
  // An admitted request (v: admit or degrade) to its pool.
  void admitted(const workload::Request& r, double now, Verdict v);
  // The pool's outcome of r: tell the policies, then the workload (now or over the WAN).
  void outcome(const workload::Request& r, double now, Outcome o);
  void deliver(const workload::Request& r, double now, Outcome o);
  // One-way WAN latency from r's origin to pool k; -1: r does not cross the WAN to it.
  double wan_latency(const workload::Request& r, uint32_t k) const {
    return r.workload < lat_.size() && !lat_[r.workload].empty() ? lat_[r.workload][k] : -1.0;
  }
  void send(const workload::Request& r, uint32_t k, uint8_t what, double bytes);
  void send_to(const workload::Request& r, uint32_t k);  // route k (a fallback pool), over the WAN if it crosses
  // Pool k's site sheds: another pool with room at a site that does not, or k.
  uint32_t avoid_shedding(const workload::Request& r, uint32_t k, double now);
  void note_recovered(uint32_t k, double now);

  struct Transit {
    workload::Request r;
    uint8_t what = 0;  // kToPool, or the Outcome + 1 on the way back
  };
  static constexpr uint8_t kToPool = 0;

  Engine& engine_;
  ServiceView view_;
  std::unique_ptr<AdmissionPolicy> admission_;
  std::unique_ptr<SiteRouter> router_;
  bool admit_all_ = true;          // admission absent or admits_all()
  bool tell_admission_ = false;    // admission wants outcomes
  bool route_ = false;             // more than one pool
  bool tell_router_ = false;       // router wants outcomes
  std::unique_ptr<WanTransport> transport_;
  // By Request::workload: one-way latency (-1 at the origin's site) and narrowest bandwidth to
  // each pool (empty: no origin, or every pool at it: nothing crosses), and the origin site.
  std::vector<std::vector<double>> lat_, bw_;
  std::vector<const site::Site*> origin_;
  std::vector<Transit> transit_;                  // slots; free ones listed in free_
  std::vector<std::vector<uint64_t>> prefix_;     // per slot: the request's prefix ids (its copy)
  std::vector<uint32_t> free_;
  uint64_t in_transit_ = 0;
  uint64_t degraded_ = 0;
  std::vector<workload::RequestObserver*> observers_;  // by Request::workload
  output::Recorder* recorder_ = nullptr;
  uint64_t rerouted_ = 0;
  // By pool: avoided now (its site shed when last seen), requests rerouted away since, their added latency.
  std::vector<uint8_t> avoided_;
  std::vector<uint64_t> away_n_;
  std::vector<double> away_lat_s_;
};

}  // namespace dcsim::scheduling
