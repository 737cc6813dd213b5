// The World's totals: request counts for the invariant, overloaded pools, the /summary entries.
#include <algorithm>
#include <limits>

#include "sim/world/world.hpp"

namespace dcsim {

std::vector<std::string> World::overloaded_pools() const {
  std::vector<std::string> out;
  for (size_t i = 0; i < pools_.size(); ++i) {
    const auto& p = *pools_[i];
    const std::string name = p.placement().site + "/" + p.placement().name;
    const uint64_t end = p.in_flight();
    const uint64_t mid = i < backlog_mid_.size() ? backlog_mid_[i] : 0;
    const uint64_t rejected = p.totals(engine_.now()).rejected;
    if (end > 2 * mid && end >= mid + 100) {
      out.push_back(name + ": backlog grew from " + std::to_string(mid) + " at mid-run to " + std::to_string(end) +
                    " at the end");
    } else if (rejected > 0) {
      out.push_back(name + ": queue full, " + std::to_string(rejected) + " requests rejected");
    }
  }
  return out;
}

void World::watch_pools() {
  const double now = engine_.now();
  for (size_t i = 0; i < pools_.size() && i < watch_.size(); ++i) {
    PoolWatch& w = watch_[i];
    if (pools_[i]->load().queued == 0) w.queue_empty_s = now;
    if (w.first_reject_s < 0 && pools_[i]->totals(now).rejected > 0) w.first_reject_s = w.last_watch_s;
    w.last_watch_s = now;
  }
}

void World::log_overloads(output::Sink* sink) const {
  struct Row {
    double t;
    std::string subject, detail;
    double value;
  };
  std::vector<Row> rows;
  const double now = engine_.now();
  for (size_t i = 0; i < pools_.size(); ++i) {
    const auto& p = *pools_[i];
    const std::string subject = "/sites/" + p.placement().site + "/pools/" + p.placement().name;
    const std::string name = p.placement().site + "/" + p.placement().name;
    const uint64_t end = p.in_flight();
    const uint64_t mid = i < backlog_mid_.size() ? backlog_mid_[i] : 0;
    const uint64_t rejected = p.totals(now).rejected;
    const PoolWatch w = i < watch_.size() ? watch_[i] : PoolWatch{start_s_, -1, start_s_};
    if (end > 2 * mid && end >= mid + 100) {
      rows.push_back({w.queue_empty_s, subject,
                      name + ": backlog grew from " + std::to_string(mid) + " at mid-run to " + std::to_string(end) +
                          " at the end; its queue was last empty at this time",
                      static_cast<double>(end)});
    }
    if (rejected > 0) {
      rows.push_back({w.first_reject_s >= 0 ? w.first_reject_s : w.last_watch_s, subject,
                      name + ": queue full, " + std::to_string(rejected) +
                          " requests rejected, the first in the record step from this time",
                      static_cast<double>(rejected)});
    }
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.t < b.t; });
  if (sink == nullptr) return;
  for (const auto& r : rows) sink->event(output::EventRecord{r.t, "overload", r.subject, r.value, r.detail});
}

uint64_t World::degraded() const {
  uint64_t n = 0;
  for (const auto& fe : services_) n += fe->degraded();
  return n;
}

RequestCounts World::request_counts() const {
  RequestCounts c;
  for (const auto& w : workloads_) {
    const auto& t = w->totals();
    c.arrived += t.arrived;
    c.completed += t.completed;
    c.rejected += t.rejected;
    c.dropped += t.dropped;
    c.timed_out += t.timed_out;
  }
  for (const auto& p : pools_) c.in_flight += p->in_flight();
  for (const auto& s : services_) c.in_flight += s->in_transit();  // on the WAN, either way
  for (const auto& s : services_) c.held += s->held();              // held by admission (defer)
  return c;
}

std::vector<output::SummaryEntry> World::summary(double now) const {
  const RequestCounts c = request_counts();
  double energy_gpu = 0, energy_it = 0;
  uint64_t admitted = 0;
  for (size_t i = 0; i < pools_.size(); ++i) {
    const auto t = pools_[i]->totals(now);
    energy_gpu += t.energy_j;
    energy_it += pool_info_[i].it.it_energy_j(t.energy_j, now - start_s_);
    admitted += t.admitted;
  }
  LogHistogram latency, ttft, tpot;
  uint64_t slo_met = 0, measured = 0;
  for (const auto& w : workloads_) {
    latency.merge(w->latency());
    ttft.merge(w->ttft());
    tpot.merge(w->tpot());
    slo_met += w->totals().slo_met;
    measured += w->totals().measured;
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto d = [](uint64_t v) { return static_cast<double>(v); };
  uint64_t retries = 0;
  for (const auto& w : workloads_) retries += w->totals().retries;
  std::vector<output::SummaryEntry> out{
      {"requests_arrived", d(c.arrived), "1"},
      {"requests_first_attempts", d(c.arrived - retries), "1"},
      {"requests_retries", d(retries), "1"},
      {"requests_admitted", d(admitted), "1"},
      {"requests_completed", d(c.completed), "1"},
      {"requests_rejected", d(c.rejected), "1"},
      {"requests_dropped", d(c.dropped), "1"},
      {"requests_timed_out", d(c.timed_out), "1"},
      {"requests_degraded", d(degraded()), "1"},
      {"requests_in_flight", d(c.in_flight), "1"},
      {"energy_it_j", energy_it, "J"},
      {"energy_gpu_j", energy_gpu, "J"},
      {"latency_mean_s", latency.mean(), "s"},
      {"latency_p50_s", latency.quantile(0.50), "s"},
      {"latency_p99_s", latency.quantile(0.99), "s"},
      {"ttft_p50_s", ttft.count() ? ttft.quantile(0.50) : nan, "s"},
      {"ttft_p99_s", ttft.count() ? ttft.quantile(0.99) : nan, "s"},
      {"tpot_p50_s", tpot.count() ? tpot.quantile(0.50) : nan, "s"},
      {"tpot_p99_s", tpot.count() ? tpot.quantile(0.99) : nan, "s"},
      {"slo_attainment", measured ? d(slo_met) / d(measured) : nan, "1"},
      {"warmup_s", warmup_s_, "s"},
      {"requests_measured", d(measured), "1"},
      {"simulated_s", now, "s"},
      {"pools_overloaded", d(overloaded_pools().size()), "1"},
  };
  // Deferral (admission `defer`): only in runs with a service that may hold requests, so the
  // summaries of every other run are as they were.
  bool holds = false;
  uint64_t deferred = 0;
  for (const auto& s : services_) {
    holds = holds || s->may_hold();
    deferred += s->deferred();
  }
  if (holds) {
    out.push_back({"requests_deferred", d(deferred), "1"});
    out.push_back({"requests_held", d(c.held), "1"});
  }
  capacity_summary(out);
  // Totals the arrival processes report (trace rows skipped, ...), per workload.
  for (const auto& w : workloads_) {
    std::vector<std::pair<std::string, double>> extra;
    w->arrivals().add_summary(extra);
    for (const auto& [name, value] : extra) out.push_back({w->name() + "_" + name, value, "1"});
  }
  // The site components' totals ("<site>_energy_facility_j", "<site>_emissions_g", ...).
  for (const auto& st : steps_)
    for (const auto& comp : st.components) comp->add_summary(out);
  return out;
}

}  // namespace dcsim
