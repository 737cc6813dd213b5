#include "models/workload/workload.hpp"

#include <cmath>
#include <limits>

namespace dcsim::workload {

Workload::Workload(const scenario::Config& cfg, uint32_t index, Engine& engine, output::Recorder& recorder,
                   uint64_t seed, const arrivals::ArrivalContext& context)
    : name_(cfg.str("name")),
      service_(cfg.has("service") ? cfg.str("service") : cfg.str("pool")),
      index_(index),
      slo_latency_s_(cfg.num("slo_latency")),
      engine_(engine),
      recorder_(recorder),
      rng_(seed, "workloads/" + name_ + "/arrivals"),
      class_rng_(seed, "workloads/" + name_ + "/class"),
      retry_rng_(seed, "workloads/" + name_ + "/retry"),
      arrivals_(arrivals::arrivals_registry().create(cfg.child("arrivals"), context)),
      class_(request_class_registry().create(cfg.child("class"), context)),
      retry_probability_(cfg.child("retry").num("probability")),
      retry_backoff_s_(cfg.child("retry").num("backoff")),
      max_attempts_(static_cast<uint32_t>(cfg.child("retry").integer("max_attempts"))) {
  double cum = 0;
  for (const auto& t : cfg.list("tiers")) {
    tier_names_.push_back(t.str("name"));
    cum += t.num("share");
    tier_cdf_.push_back(cum);
  }
  if (tier_names_.empty()) {
    tier_names_.push_back("all");
    tier_cdf_.push_back(1.0);
  }
  for (size_t i = 0; i < tier_cdf_.size(); ++i)
    tier_share_.push_back((tier_cdf_[i] - (i ? tier_cdf_[i - 1] : 0.0)) / tier_cdf_.back());
  const std::string g = "/workloads/" + name_;
  s_arrivals_ = recorder.counter(g, "arrivals", "1", "Requests of the workload that arrived during the step (retries included)");
  s_first_ = recorder.counter(g, "first_attempts", "1", "First attempts among the step's arrivals");
  s_retries_ = recorder.counter(g, "retries", "1", "Retries of rejected requests among the step's arrivals");
  s_admitted_ = recorder.counter(g, "admitted", "1", "Requests of the workload admitted during the step");
  s_rejected_ = recorder.counter(g, "rejected", "1", "Requests of the workload rejected during the step");
  s_completed_ = recorder.counter(g, "completed", "1", "Requests of the workload completed during the step");
  s_timed_out_ = recorder.counter(g, "timed_out", "1",
                                  "Requests of the workload given up during the step after waiting past their deadline");
  s_latency_ = recorder.quantiles(
      g, {output::QuantileSpec{"latency_p99_s", 0.99, "99th-percentile end-to-end latency of requests completed in the step"}},
      "s");
  s_slo_ = recorder.ratio(g, "slo_attainment", "Share of requests completed in the step within the end-to-end SLO");
  arrivals_->declare_series(recorder, g);
}

void Workload::start() {
  if (flow_mode_) return;  // a fluid pool reads the rate curve
  const double t = arrivals_->next_arrival(engine_.now(), rng_);
  if (std::isfinite(t)) engine_.at(t, this, 0);
}

uint8_t Workload::draw_tier() {
  if (tier_cdf_.size() == 1) return 0;
  const double u = class_rng_.uniform();
  for (size_t i = 0; i < tier_cdf_.size(); ++i) {
    if (u < tier_cdf_[i]) return static_cast<uint8_t>(i);
  }
  return static_cast<uint8_t>(tier_cdf_.size() - 1);
}

void Workload::on_event(uint64_t tag) {
  const double now = engine_.now();
  if (tag & kRetryBit) {
    const auto slot = static_cast<uint32_t>(tag & ~kRetryBit);
    Request r = retry_slots_[slot];
    free_retry_slots_.push_back(slot);
    r.arrival_s = now;
    r.start_s = -1;
    r.deadline_s = std::numeric_limits<double>::infinity();
    ++totals_.retries;
    s_retries_.add();
    submit(r);
    return;
  }
  Request r;
  r.id = next_id_++;
  r.workload = index_;
  r.arrival_s = now;
  r.tier = draw_tier();
  class_->fill(r, class_rng_, arrivals_->attributes());
  s_first_.add();
  submit(r);
  const double t = arrivals_->next_arrival(now, rng_);
  if (std::isfinite(t)) engine_.at(t, this, 0);
}

void Workload::submit(Request r) {
  ++totals_.arrived;
  s_arrivals_.add();
  const uint64_t rejected_before = totals_.rejected;
  sink_->submit(r);
  if (totals_.rejected == rejected_before) s_admitted_.add();
}

bool Workload::sampled(const Request& r) const {
  if (sample_fraction_ <= 0) return false;
  if (sample_fraction_ >= 1) return true;
  // A hash of (workload, id, attempt): the same attempts are sampled whatever else happens.
  uint64_t state = (r.id * 0x9e3779b97f4a7c15ULL) ^ (uint64_t{index_} << 40) ^ (uint64_t{r.attempt} << 56);
  const uint64_t h = splitmix64(state);
  return static_cast<double>(h >> 11) * 0x1.0p-53 < sample_fraction_;
}

void Workload::record_request(const Request& r, double now, uint8_t outcome) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  output::RequestRecord rec;
  rec.id = r.id;
  rec.workload = index_;
  rec.arrival_s = r.arrival_s;
  rec.start_s = r.start_s >= 0 ? r.start_s : nan;
  rec.first_token_s = r.first_token_s >= 0 ? r.first_token_s : nan;
  rec.completion_s = outcome == 0 ? now : nan;
  rec.energy_j = r.energy_j >= 0 ? r.energy_j : nan;
  rec.prompt_tokens = r.prompt_tokens;
  rec.output_tokens = r.output_tokens;
  rec.images = r.images;
  rec.kind = static_cast<uint8_t>(r.kind);
  rec.tier = r.tier;
  rec.attempt = r.attempt;
  rec.outcome = outcome;
  recorder_.request(rec);
}

void Workload::on_completed(const Request& r, double now) {
  if (sampled(r)) record_request(r, now, 0);
  const double latency = now - r.arrival_s;
  ++totals_.completed;
  s_completed_.add();
  s_latency_.observe(latency);
  const bool met = latency <= slo_latency_s_;
  s_slo_.add(met);
  if (r.arrival_s < warmup_s_) return;  // the start-up transient: out of the run-wide statistics
  ++totals_.measured;
  latency_all_.add(latency);
  if (r.first_token_s >= 0) {
    ttft_all_.add(r.first_token_s - r.arrival_s);
    if (r.output_tokens > 1) tpot_all_.add((now - r.first_token_s) / double(r.output_tokens - 1));
  }
  if (met) ++totals_.slo_met;
}

void Workload::on_dropped(const Request& r, double now) {
  if (sampled(r)) record_request(r, now, 2);
  ++totals_.dropped;
}

void Workload::on_timed_out(const Request& r, double now) {
  if (sampled(r)) record_request(r, now, 3);
  ++totals_.timed_out;
  s_timed_out_.add();
}

void Workload::on_rejected(const Request& r, double now) {
  if (sampled(r)) record_request(r, now, 1);
  ++totals_.rejected;
  s_rejected_.add();
  if (r.attempt + 1u >= max_attempts_ || retry_probability_ <= 0 || !retry_rng_.bernoulli(retry_probability_)) return;
  uint32_t slot;
  if (!free_retry_slots_.empty()) {
    slot = free_retry_slots_.back();
    free_retry_slots_.pop_back();
  } else {
    slot = static_cast<uint32_t>(retry_slots_.size());
    retry_slots_.emplace_back();
  }
  retry_slots_[slot] = r;
  retry_slots_[slot].prefix_ids = nullptr;  // the trace row it pointed into is gone by then
  ++retry_slots_[slot].attempt;
  engine_.at(now + retry_rng_.exponential(1.0 / retry_backoff_s_), this, kRetryBit | slot);
}

// Fluid fidelity (flow.hpp): counts instead of one outcome per request; retries are not drawn
// (a fluid pool's rejections are final: docs/models/fluid.md).
void Workload::on_flow(const FlowCounts& c) {
  totals_.arrived += c.arrived;
  totals_.rejected += c.rejected;
  totals_.completed += c.completed;
  totals_.dropped += c.dropped;
  s_arrivals_.add(double(c.arrived));
  s_first_.add(double(c.arrived));
  s_admitted_.add(double(c.admitted));
  s_rejected_.add(double(c.rejected));
  s_completed_.add(double(c.completed));
}

void Workload::on_flow_latency(double latency_s, uint64_t n, double arrival_s) {
  if (n == 0 || arrival_s < warmup_s_) return;
  totals_.measured += n;
  latency_all_.add(latency_s, n);
  if (latency_s <= slo_latency_s_) totals_.slo_met += n;
}

}  // namespace dcsim::workload
