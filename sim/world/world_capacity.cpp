// The pools' capacity controllers (models/scheduling/capacity.hpp): built with their pool when
// its `capacity` block asks for anything; orphans of failed servers go back to their workload's
// service front end; their totals in the run summary.
#include "sim/world/world.hpp"

namespace dcsim {

std::vector<serving::RequestObserver*> World::make_capacity(const scenario::Config& scenario,
                                                            const scenario::Config& pool,
                                                            const std::vector<serving::RequestObserver*>& observers,
                                                            output::Recorder& recorder, uint64_t seed) {
  pending_capacity_ = nullptr;
  if (!scheduling::capacity_configured(pool)) return observers;
  scheduling::CapacityBuild b{pool, engine_, recorder, seed, scenario.num("start"),
                              [this](const workload::Request& r) { services_[service_of_[r.workload]]->submit(r); }};
  capacities_.push_back(std::make_unique<scheduling::PoolCapacity>(std::move(b)));
  pending_capacity_ = capacities_.back().get();
  return pending_capacity_->observers(observers);
}

void World::capacity_summary(std::vector<output::SummaryEntry>& out) const {
  if (capacities_.empty()) return;
  scheduling::CapacityTotals t;
  for (const auto& c : capacities_) {
    const auto& x = c->totals();
    t.gpu_failures += x.gpu_failures;
    t.server_failures += x.server_failures;
    t.repairs += x.repairs;
    t.orphans_retried += x.orphans_retried;
    t.orphans_lost += x.orphans_lost;
    t.scaled_out += x.scaled_out;
    t.scaled_in += x.scaled_in;
  }
  const auto d = [](uint64_t v) { return static_cast<double>(v); };
  out.push_back({"failures_gpu", d(t.gpu_failures), "1"});
  out.push_back({"failures_server", d(t.server_failures), "1"});
  out.push_back({"repairs", d(t.repairs), "1"});
  out.push_back({"requests_orphans_retried", d(t.orphans_retried), "1"});
  out.push_back({"requests_orphans_lost", d(t.orphans_lost), "1"});
  out.push_back({"replicas_scaled_out", d(t.scaled_out), "1"});
  out.push_back({"replicas_scaled_in", d(t.scaled_in), "1"});
}

}  // namespace dcsim
