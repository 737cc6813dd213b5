// Service front end: admission, routing across the service's pools, the WAN both ways, outcomes
// back to the workloads (frontend.hpp).
#include "models/scheduling/frontend.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "models/serving/pool.hpp"

namespace dcsim::scheduling {

void Frontend::set_admission(std::unique_ptr<AdmissionPolicy> policy) {
  admission_ = std::move(policy);
  admit_all_ = !admission_ || admission_->admits_all();
  tell_admission_ = admission_ && admission_->wants_outcomes();
  if (admission_ && admission_->may_hold()) admission_->set_hold_sink(this);
}

void Frontend::set_router(std::unique_ptr<SiteRouter> router) {
  router_ = std::move(router);
  route_ = router_ && view_.pools.size() > 1;
  tell_router_ = route_ && router_->wants_outcomes();
}

void Frontend::set_observer(uint32_t workload, workload::RequestObserver* observer) {
  if (observers_.size() <= workload) observers_.resize(size_t(workload) + 1, nullptr);
  observers_[workload] = observer;
}

void Frontend::set_transport(std::unique_ptr<WanTransport> transport) {
  transport_ = std::move(transport);
  lat_.clear();
  bw_.clear();
  origin_.clear();
  const size_t routes = view_.routes();
  if (routes > 255) throw std::logic_error("frontend: more than 255 pools in service " + view_.name);
  for (size_t w = 0; w < view_.workloads.size(); ++w) {
    const auto& wl = view_.workloads[w];
    if (lat_.size() <= wl.index) {
      lat_.resize(size_t(wl.index) + 1);
      bw_.resize(size_t(wl.index) + 1);
      origin_.resize(size_t(wl.index) + 1, nullptr);
    }
    if (!transport_ || !wl.origin) continue;
    bool crosses = false;
    for (size_t k = 0; k < routes; ++k) crosses = crosses || view_.pool_at(k).site != wl.origin;
    if (!crosses) continue;  // every pool at its origin: nothing to look up per request
    lat_[wl.index] = view_.wan_latency_s[w];
    bw_[wl.index] = view_.wan_bandwidth_Bps.size() > w ? view_.wan_bandwidth_Bps[w]
                                                       : std::vector<double>(routes, INFINITY);
    for (size_t k = 0; k < routes; ++k)
      if (view_.pool_at(k).site == wl.origin) lat_[wl.index][k] = -1;
    origin_[wl.index] = wl.origin;
  }
}

void Frontend::submit(const workload::Request& r) {
  const double now = engine_.now();
  if (admit_all_) {
    dispatch(r, now);
    return;
  }
  workload::Request admitted = r;
  admitted.route = 0;  // a retry carries its last attempt's route
  const Verdict v = admission_->decide(admitted, now);
  if (v == Verdict::hold) return;  // the policy keeps it (release() later)
  if (v == Verdict::reject) {
    observers_[r.workload]->on_rejected(r, now);
    return;
  }
  this->admitted(admitted, now, v);
}

void Frontend::release(workload::Request& r, double now, Verdict v) {
  if (v == Verdict::hold) return;
  if (v == Verdict::reject) {
    observers_[r.workload]->on_rejected(r, now);
    return;
  }
  admitted(r, now, v);
}

void Frontend::admitted(const workload::Request& r, double now, Verdict v) {
  if (v == Verdict::degrade) {
    ++degraded_;
    if (r.route >= view_.pools.size()) {  // to a fallback pool, past the site router
      send_to(r, r.route);
      return;
    }
  }
  dispatch(r, now);
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
    const site::Site* at = view_.pools[k].site;
    if (at && at->signals.shedding) {
      k = avoid_shedding(r, k, now);
    } else if (!avoided_.empty() && avoided_[k]) {
      note_recovered(k, now);
    }
  }
  if (wan_latency(r, k) >= 0) {
    send(r, k, kToPool, transport_->sizes().request_bytes(r));
    return;
  }
  if (route_) {
    workload::Request routed = r;
    routed.route = static_cast<uint8_t>(k);
    view_.pools[k].pool->submit(routed);
    return;
  }
  view_.pools[k].pool->submit(r);
}

uint32_t Frontend::avoid_shedding(const workload::Request& r, uint32_t k, double now) {
  const size_t n = view_.pools.size();
  const size_t w = view_.workload_slot(r.workload);
  const auto latency = [&](uint32_t j) {
    const double l = w == ServiceView::npos ? NAN : view_.wan_latency_s[w][j];
    return std::isnan(l) ? 0.0 : l;
  };
  uint32_t best = kNoPool;
  for (uint32_t j = 0; j < n; ++j) {
    const ServicePool& p = view_.pools[j];
    if (j == k || (p.site && p.site->signals.shedding)) continue;
    const serving::PoolLoad l = p.pool->load();
    if (!(double(l.queued) < double(l.replicas_active ? l.replicas_active : 1))) continue;
    if (best == kNoPool || latency(j) < latency(best)) best = j;
  }
  if (best == kNoPool) return k;  // nowhere else has room: the shedding site queues or rejects it
  if (avoided_.empty()) {
    avoided_.assign(n, 0);
    away_n_.assign(n, 0);
    away_lat_s_.assign(n, 0.0);
  }
  if (!avoided_[k]) {
    avoided_[k] = 1;
    if (recorder_)
      recorder_->event("reroute", view_.group, std::nan(""),
                       "avoiding " + view_.pools[k].name + " while its site's grid sheds load: new requests go to " +
                           "the service's other sites with room (first to " + view_.pools[best].name + ")");
  }
  ++rerouted_;
  ++away_n_[k];
  away_lat_s_[k] += latency(best) - latency(k);
  (void)now;
  return best;
}

void Frontend::note_recovered(uint32_t k, double /*now*/) {
  avoided_[k] = 0;
  if (recorder_) {
    const uint64_t m = away_n_[k];
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.3g", m ? 1e3 * away_lat_s_[k] / double(m) : 0.0);
    recorder_->event("reroute", view_.group, double(m),
                     std::to_string(m) + " requests sent away from " + view_.pools[k].name +
                         " while its site shed load, at a mean added one-way WAN latency of " + ms + " ms; its site "
                         "takes requests again");
  }
  away_n_[k] = 0;
  away_lat_s_[k] = 0;
}

void Frontend::send_to(const workload::Request& r, uint32_t k) {
  if (wan_latency(r, k) >= 0) {
    send(r, k, kToPool, transport_->sizes().request_bytes(r));
    return;
  }
  view_.pool_at(k).pool->submit(r);  // r.route == k
}

void Frontend::send(const workload::Request& r, uint32_t k, uint8_t what, double bytes) {
  uint32_t slot;
  if (free_.empty()) {
    slot = static_cast<uint32_t>(transit_.size());
    transit_.emplace_back();
    prefix_.emplace_back();
  } else {
    slot = free_.back();
    free_.pop_back();
  }
  Transit& t = transit_[slot];
  t.r = r;
  t.r.route = static_cast<uint8_t>(k);
  t.what = what;
  auto& ids = prefix_[slot];
  ids.clear();
  if (what == kToPool && r.prefix_ids) ids.assign(r.prefix_ids, r.prefix_ids + r.prefix_blocks);
  t.r.prefix_ids = nullptr;
  ++in_transit_;
  const site::Site& origin = *origin_[r.workload];
  const site::Site& there = *view_.pool_at(k).site;
  const double lat = lat_[r.workload][k], bw = bw_[r.workload][k];
  if (what == kToPool) {
    transport_->carry(origin, there, lat, bw, bytes, this, slot);
  } else {
    transport_->carry(there, origin, lat, bw, bytes, this, slot);
  }
}

void Frontend::on_event(uint64_t tag) {
  const auto slot = static_cast<uint32_t>(tag);
  workload::Request r = transit_[slot].r;
  const uint8_t what = transit_[slot].what;
  --in_transit_;
  const double now = engine_.now();
  if (what == kToPool) {
    if (!prefix_[slot].empty()) r.prefix_ids = prefix_[slot].data();  // valid during submit()
    view_.pool_at(r.route).pool->submit(r);
    free_.push_back(slot);  // after submit: the pool copied the ids it keeps
    return;
  }
  free_.push_back(slot);
  deliver(r, now, Outcome(what - 1));
}

void Frontend::outcome(const workload::Request& r, double now, Outcome o) {
  if (tell_router_ && r.route < view_.pools.size()) router_->on_outcome(r, r.route, now, o);
  if (tell_admission_) admission_->on_outcome(r, now, o);
  const double lat = wan_latency(r, r.route);
  if (lat >= 0) {
    workload::Request back = r;
    if (back.first_token_s >= 0) back.first_token_s += lat;  // the user sees it one latency later
    const auto& sizes = transport_->sizes();
    send(back, r.route, uint8_t(uint8_t(o) + 1), o == Outcome::completed ? sizes.response_bytes(r) : sizes.overhead_B);
    return;
  }
  deliver(r, now, o);
}

void Frontend::deliver(const workload::Request& r, double now, Outcome o) {
  auto* obs = observers_[r.workload];
  switch (o) {
    case Outcome::completed: obs->on_completed(r, now); break;
    case Outcome::rejected: obs->on_rejected(r, now); break;
    case Outcome::dropped: obs->on_dropped(r, now); break;
    case Outcome::timed_out: obs->on_timed_out(r, now); break;
  }
}

void Frontend::on_completed(const workload::Request& r, double now) { outcome(r, now, Outcome::completed); }
void Frontend::on_rejected(const workload::Request& r, double now) { outcome(r, now, Outcome::rejected); }
void Frontend::on_dropped(const workload::Request& r, double now) { outcome(r, now, Outcome::dropped); }
void Frontend::on_timed_out(const workload::Request& r, double now) { outcome(r, now, Outcome::timed_out); }

}  // namespace dcsim::scheduling
