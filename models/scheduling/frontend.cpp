// Service front end: admission, routing across the service's pools, outcomes back to the
// workloads (frontend.hpp).
#include "models/scheduling/frontend.hpp"

#include <stdexcept>

#include "models/serving/pool.hpp"

namespace dcsim::scheduling {

void Frontend::set_admission(std::unique_ptr<AdmissionPolicy> policy) {
  admission_ = std::move(policy);
  admit_all_ = !admission_ || admission_->admits_all();
  tell_admission_ = admission_ && admission_->wants_outcomes();
}

void Frontend::set_router(std::unique_ptr<SiteRouter> router) {
  router_ = std::move(router);
  route_ = router_ && view_.pools.size() > 1;
}

void Frontend::set_observer(uint32_t workload, workload::RequestObserver* observer) {
  if (observers_.size() <= workload) observers_.resize(size_t(workload) + 1, nullptr);
  observers_[workload] = observer;
}

void Frontend::submit(const workload::Request& r) {
  const double now = engine_.now();
  if (admit_all_) {
    dispatch(r, now);
    return;
  }
  workload::Request admitted = r;
  const Verdict v = admission_->decide(admitted, now);
  if (v == Verdict::reject) {
    observers_[r.workload]->on_rejected(r, now);
    return;
  }
  if (v == Verdict::degrade) ++degraded_;
  dispatch(admitted, now);
}

void Frontend::dispatch(const workload::Request& r, double now) {
  uint32_t k = 0;
  if (route_) {
    k = router_->choose(r, now);
    if (k == kNoPool) {
      if (tell_admission_) admission_->on_outcome(r, now, Outcome::rejected);
      observers_[r.workload]->on_rejected(r, now);
      return;
    }
  }
  view_.pools[k].pool->submit(r);
}

void Frontend::on_completed(const workload::Request& r, double now) {
  if (tell_admission_) admission_->on_outcome(r, now, Outcome::completed);
  observers_[r.workload]->on_completed(r, now);
}

void Frontend::on_rejected(const workload::Request& r, double now) {
  if (tell_admission_) admission_->on_outcome(r, now, Outcome::rejected);
  observers_[r.workload]->on_rejected(r, now);
}

void Frontend::on_timed_out(const workload::Request& r, double now) {
  if (tell_admission_) admission_->on_outcome(r, now, Outcome::timed_out);
  observers_[r.workload]->on_timed_out(r, now);
}

void Frontend::on_dropped(const workload::Request& r, double now) {
  if (tell_admission_) admission_->on_outcome(r, now, Outcome::dropped);
  observers_[r.workload]->on_dropped(r, now);
}

}  // namespace dcsim::scheduling
