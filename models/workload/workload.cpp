#include "models/workload/workload.hpp"

#include <cmath>

namespace dcsim::workload {

Workload::Workload(const scenario::Config& cfg, uint32_t index, Engine& engine, output::Recorder& recorder, Rng rng,
                   const arrivals::ArrivalContext& context)
    : name_(cfg.str("name")),
      target_(cfg.str("pool")),
      index_(index),
      slo_latency_s_(cfg.num("slo_latency")),
      engine_(engine),
      rng_(std::move(rng)),
      arrivals_(arrivals::arrivals_registry().create(cfg.child("arrivals"), context)) {
  const std::string g = "/workloads/" + name_;
  s_arrivals_ = recorder.counter(g, "arrivals", "1", "Requests of the workload that arrived during the step");
  s_admitted_ = recorder.counter(g, "admitted", "1", "Requests of the workload admitted during the step");
  s_rejected_ = recorder.counter(g, "rejected", "1", "Requests of the workload rejected during the step");
  s_completed_ = recorder.counter(g, "completed", "1", "Requests of the workload completed during the step");
  s_latency_ = recorder.quantiles(
      g, {output::QuantileSpec{"latency_p99_s", 0.99, "99th-percentile end-to-end latency of requests completed in the step"}},
      "s");
  s_slo_ = recorder.ratio(g, "slo_attainment", "Share of requests completed in the step within the end-to-end SLO");
  arrivals_->declare_series(recorder, g);
}

void Workload::start() {
  const double t = arrivals_->next_arrival(engine_.now(), rng_);
  if (std::isfinite(t)) engine_.at(t, this, 0);
}

void Workload::on_event(uint64_t) {
  const double now = engine_.now();
  Request r;
  r.id = next_id_++;
  r.workload = index_;
  r.arrival_s = now;
  ++totals_.arrived;
  s_arrivals_.add();
  const uint64_t rejected_before = totals_.rejected;
  pool_->submit(r);
  if (totals_.rejected == rejected_before) s_admitted_.add();
  const double t = arrivals_->next_arrival(now, rng_);
  if (std::isfinite(t)) engine_.at(t, this, 0);
}

void Workload::on_completed(const Request& r, double now) {
  const double latency = now - r.arrival_s;
  ++totals_.completed;
  s_completed_.add();
  latency_all_.add(latency);
  s_latency_.observe(latency);
  const bool met = latency <= slo_latency_s_;
  if (met) ++totals_.slo_met;
  s_slo_.add(met);
}

void Workload::on_rejected(const Request&, double) {
  ++totals_.rejected;
  s_rejected_.add();
}

}  // namespace dcsim::workload
