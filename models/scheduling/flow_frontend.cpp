// A service's flow front end: arrivals, admission and routing on flows (flow_frontend.hpp).
#include "models/scheduling/flow_frontend.hpp"

#include <algorithm>
#include <cmath>

#include "models/serving/fluid/fluid_pool.hpp"

namespace dcsim::scheduling {

// Forwards everything to the workload; counts what finished for the front end.
class FlowFrontend::Tap final : public workload::FlowSource {
 public:
  Tap(workload::FlowSource* src, uint64_t* finished, double wan_s)
      : src_(src), finished_(finished), wan_s_(wan_s) {}
  double flow_rate(double t) const override { return src_->flow_rate(t); }
  double flow_interarrival_scv() const override { return src_->flow_interarrival_scv(); }
  workload::RequestClass& flow_class() override { return src_->flow_class(); }
  double flow_slo_s() const override { return src_->flow_slo_s(); }
  const std::vector<double>& flow_tier_shares() const override { return src_->flow_tier_shares(); }
  void on_flow(const workload::FlowCounts& c) override {
    *finished_ += c.completed + c.rejected + c.dropped;
    src_->on_flow(c);
  }
  void on_flow_latency(double latency_s, uint64_t n, double arrival_s) override {
    src_->on_flow_latency(latency_s + wan_s_, n, arrival_s - 0.5 * wan_s_);
  }

 private:
  workload::FlowSource* src_;
  uint64_t* finished_;
  double wan_s_;  // round trip from the workload's origin to the pool's site
};

FlowFrontend::FlowFrontend(const ServiceView& view, std::vector<workload::FlowSource*> sources,
                           AdmissionPolicy* admission, SiteRouter* router, bool poisson, Rng rng)
    : view_(view), admission_(admission), router_(router), poisson_(poisson), rng_(rng) {
  slots_.resize(sources.size());
  for (size_t w = 0; w < sources.size(); ++w) {
    Slot& s = slots_[w];
    s.src = sources[w];
    s.first = offers_.size();
    const auto& shares = s.src->flow_tier_shares();
    s.tiers = std::max<size_t>(1, shares.size());
    for (size_t t = 0; t < s.tiers; ++t) {
      FlowOffer o;
      o.workload = view.workloads[w].index;
      o.tier = static_cast<uint8_t>(t);
      offers_.push_back(o);
    }
  }
  const size_t pools = std::max<size_t>(1, view.pools.size());
  for (size_t w = 0; w < slots_.size(); ++w)
    for (size_t k = 0; k < pools; ++k) {
      double l = w < view.wan_latency_s.size() && k < view.wan_latency_s[w].size() ? view.wan_latency_s[w][k] : 0.0;
      if (!std::isfinite(l) || !view.workloads[w].origin || view.pools[k].site == view.workloads[w].origin) l = 0;
      taps_.push_back(std::make_unique<Tap>(slots_[w].src, &slots_[w].finished, 2 * l));
    }
  admitted_.assign(offers_.size(), 0.0);
  finished_.assign(offers_.size(), 0.0);
  amount_.assign(slots_.size(), 0.0);
  routed_.assign(slots_.size() * std::max<size_t>(1, view.pools.size()), 0.0);
}

FlowFrontend::~FlowFrontend() = default;

workload::FlowSource* FlowFrontend::tap(size_t slot, size_t route) {
  return taps_[slot * std::max<size_t>(1, view_.pools.size()) + route].get();
}

double FlowFrontend::flow_in(uint32_t route, uint32_t source, double now, double dt) {
  if (!started_ || now != at_) step(now, dt);
  return routed_[size_t(source) * view_.pools.size() + route];
}

void FlowFrontend::step(double now, double dt) {
  if (!started_) {
    for (auto& s : slots_) {
      s.rate_end = s.src->flow_rate(now);
      if (!std::isfinite(s.rate_end)) s.rate_end = 0;
    }
    started_ = true;
  }
  at_ = now;
  // Arrivals by workload and tier; what finished since the last step, split among the tiers in
  // proportion to what each has in flight.
  for (auto& s : slots_) {
    double r1 = s.src->flow_rate(now + dt);
    if (!std::isfinite(r1)) r1 = 0;
    double a = 0.5 * (s.rate_end + r1) * dt;
    s.rate_end = r1;
    if (poisson_) a = serving::fluid::poisson_count(rng_, a);
    s.arrived += a;
    s.step_a = a;
    const double done = double(s.finished - s.finished_seen);
    s.finished_seen = s.finished;
    double in_flight = 0;
    for (size_t t = 0; t < s.tiers; ++t) in_flight += std::max(0.0, admitted_[s.first + t] - finished_[s.first + t]);
    const auto& shares = s.src->flow_tier_shares();
    for (size_t t = 0; t < s.tiers; ++t) {
      const size_t i = s.first + t;
      const double fl = std::max(0.0, admitted_[i] - finished_[i]);
      const double d = in_flight > 0 ? done * fl / in_flight : 0.0;
      finished_[i] += d;
      offers_[i].finished = d;
      offers_[i].in_flight = fl - d;
      offers_[i].amount = a * (t < shares.size() ? shares[t] : 1.0);
    }
  }
  if (admission_) admission_->admit_flow(offers_.data(), offers_.size(), now, dt);
  for (size_t w = 0; w < slots_.size(); ++w) {
    Slot& s = slots_[w];
    double m = 0;
    for (size_t t = 0; t < s.tiers; ++t) {
      admitted_[s.first + t] += offers_[s.first + t].amount;
      m += offers_[s.first + t].amount;
    }
    amount_[w] = m;
    // Admission's rejections, in whole requests; the pools report the admitted part.
    s.rejected += std::max(0.0, s.step_a - m);
    const auto floor_rej = static_cast<uint64_t>(std::floor(s.rejected));
    if (floor_rej > s.told_rejected) {
      workload::FlowCounts c;
      c.arrived = c.rejected = floor_rej - s.told_rejected;
      s.told_rejected = floor_rej;
      s.src->on_flow(c);
    }
  }
  const size_t pools = view_.pools.size();
  if (router_ && pools > 1) {
    router_->split_flows(amount_.data(), now, dt, routed_.data());
  } else {
    for (size_t w = 0; w < slots_.size(); ++w) routed_[w * pools] = amount_[w];
  }
}

}  // namespace dcsim::scheduling
