#include "sim/world/world.hpp"

#include <cmath>
#include <limits>

#include <yaml-cpp/yaml.h>

namespace dcsim {

World::World(const scenario::Config& scenario, const std::string& scenario_dir, Engine& engine,
             output::Recorder& recorder)
    : engine_(engine),
      topology_(platform::build_topology(scenario)),
      platform_(platform::build_simgrid_platform(topology_)),
      catalog_(catalog::Catalog::load_builtin()) {
  if (const YAML::Node* extra = scenario.child("catalog").raw()) catalog_.merge(*extra, scenario.where().file);
  const uint64_t seed = static_cast<uint64_t>(scenario.integer("seed"));
  arrivals::ArrivalContext context;
  context.start_epoch_s = scenario.num("start");
  context.horizon_s = scenario.num("horizon");
  context.scenario_dir = scenario_dir;
  const auto& workload_cfgs = scenario.list("workloads");
  for (uint32_t i = 0; i < workload_cfgs.size(); ++i) {
    const auto& w = workload_cfgs[i];
    workloads_.push_back(std::make_unique<workload::Workload>(w, i, engine, recorder, seed, context));
    workloads_.back()->set_request_sampling(scenario.child("record").num("requests"));
  }
  const std::vector<serving::RequestObserver*> observers = create_services(scenario);

  for (const auto& site : scenario.list("sites")) {
    const std::string& s = site.str("name");
    sites_.push_back(std::make_unique<site::Site>());
    sites_.back()->name = s;
    sites_.back()->index = static_cast<uint32_t>(sites_.size() - 1);
    for (const auto& pool : site.list("pools")) {
      const std::string& p = pool.str("name");
      serving::PoolPlacement placement{s, p, "/sites/" + s + "/pools/" + p, platform_.servers.at(s).at(p),
                                       platform_.storage_by_site.at(s)};
      const std::string& kind = pool.str("serving");
      served_models_.push_back(kind == "fifo" ? "" : pool.child(kind).str("ai_model"));
      if (pool.str("serving") == "llm") {
        llm_parts_.push_back(serving::make_llm_pool(pool, catalog_, std::move(placement), engine, recorder, observers));
        pools_.push_back(std::move(llm_parts_.back().pool));
      } else if (pool.str("serving") == "disaggregated") {
        disagg_parts_.push_back(
            serving::make_disagg_pool(pool, catalog_, std::move(placement), engine, recorder, observers));
        pools_.push_back(std::move(disagg_parts_.back().pool));
      } else if (pool.str("serving") == "diffusion") {
        diffusion_parts_.push_back(
            serving::make_diffusion_pool(pool, catalog_, std::move(placement), engine, recorder, observers));
        // Requests of image classes declared not batchable run alone.
        for (uint32_t i = 0; i < workload_cfgs.size(); ++i) {
          const auto& cls = workload_cfgs[i].child("class");
          if (cls.model() == "image" && !cls.flag("batchable")) diffusion_parts_.back().pool->set_batchable(i, false);
        }
        pools_.push_back(std::move(diffusion_parts_.back().pool));
      } else {
        pools_.push_back(std::make_unique<serving::FifoPool>(pool, std::move(placement), engine, recorder,
                                                             Rng(seed, "sites/" + s + "/pools/" + p + "/service"),
                                                             observers));
      }
      sites_.back()->pools.push_back(pools_.back().get());
    }
  }
  // Pool IT power: the GPUs' series plus the servers' non-GPU part (models/serving/pool_it_power.hpp).
  size_t i = 0;
  for (const auto& site : scenario.list("sites")) {
    for (const auto& pool : site.list("pools")) {
      pool_it_.push_back(serving::pool_it_power(pool, catalog_));
      serving::declare_pool_it_series(recorder, pools_.at(i++)->placement().group, pool_it_.back());
    }
  }
  connect_services(scenario, recorder, seed);
  declare_aggregates(scenario, recorder);
}

void World::declare_aggregates(const scenario::Config& scenario, output::Recorder& recorder) {
  // IT = GPUs + servers' non-GPU part; GPU = the GPUs alone. Site = sum of its pools, fleet = sum of sites.
  struct Sum {
    const char* pool;
    const char* name;
    const char* units;
    const char* what;
  };
  const Sum sums[] = {{"power_w", "power_it_w", "W", "IT power (GPUs and servers' non-GPU part) of the %s, step average"},
                      {"energy_j", "energy_it_j", "J", "IT energy (GPUs and servers' non-GPU part) of the %s during the step"},
                      {"gpu_power_w", "power_gpu_w", "W", "GPU power of the %s, step average"},
                      {"gpu_energy_j", "energy_gpu_j", "J", "GPU energy of the %s during the step"}};
  const auto describe = [](const char* what, const std::string& of) {
    std::string s = what;
    return s.replace(s.find("%s"), 2, of);
  };
  for (const Sum& sum : sums) {
    std::vector<output::SeriesRef> fleet;
    for (const auto& site : scenario.list("sites")) {
      const std::string g = "/sites/" + site.str("name");
      std::vector<output::SeriesRef> pools;
      for (const auto& pool : site.list("pools")) pools.push_back(recorder.ref(g + "/pools/" + pool.str("name"), sum.pool));
      fleet.push_back(recorder.sum_of(g, sum.name, sum.units, describe(sum.what, "site"), pools));
    }
    recorder.sum_of("/fleet", sum.name, sum.units, describe(sum.what, "fleet"), fleet);
  }
  for (const char* name : {"arrivals", "completed", "rejected"}) {
    std::vector<output::SeriesRef> refs;
    for (const auto& w : workloads_) refs.push_back(recorder.ref("/workloads/" + w->name(), name));
    recorder.sum_of("/fleet", name, "1", std::string("Requests of all workloads: ") + name + " during the step", refs);
  }
}

void World::start(double horizon_s) {
  start_s_ = engine_.now();
  engine_.at(engine_.now(), this, kStartTag);
  engine_.at(engine_.now() + horizon_s / 2, this, kMidRunTag);
}

void World::on_event(uint64_t tag) {
  if (tag == kMidRunTag) {
    backlog_mid_.clear();
    for (const auto& p : pools_) backlog_mid_.push_back(p->in_flight());
    return;
  }
  for (auto& p : pools_) p->start();
  for (auto& w : workloads_) w->start();
}

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

void World::log_overloads(output::Recorder& recorder) const {
  for (const auto& o : overloaded_pools()) {
    const std::string pool = o.substr(0, o.find(':'));
    recorder.event("overload", "/sites/" + pool.substr(0, pool.find('/')) + "/pools/" + pool.substr(pool.find('/') + 1),
                   std::numeric_limits<double>::quiet_NaN(), o);
  }
}

RequestCounts World::request_counts() const {
  RequestCounts c;
  for (const auto& w : workloads_) {
    const auto& t = w->totals();
    c.arrived += t.arrived;
    c.completed += t.completed;
    c.rejected += t.rejected;
    c.dropped += t.dropped;
  }
  for (const auto& p : pools_) c.in_flight += p->in_flight();
  return c;
}

std::vector<output::SummaryEntry> World::summary(double now) const {
  const RequestCounts c = request_counts();
  double energy_gpu = 0, energy_it = 0;
  uint64_t admitted = 0;
  for (size_t i = 0; i < pools_.size(); ++i) {
    const auto t = pools_[i]->totals(now);
    energy_gpu += t.energy_j;
    energy_it += pool_it_[i].it_energy_j(t.energy_j, now - start_s_);
    admitted += t.admitted;
  }
  LogHistogram latency, ttft, tpot;
  uint64_t slo_met = 0;
  for (const auto& w : workloads_) {
    latency.merge(w->latency());
    ttft.merge(w->ttft());
    tpot.merge(w->tpot());
    slo_met += w->totals().slo_met;
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
      {"slo_attainment", c.completed ? d(slo_met) / d(c.completed) : nan, "1"},
      {"simulated_s", now, "s"},
      {"pools_overloaded", d(overloaded_pools().size()), "1"},
  };
  // Totals the arrival processes report (trace rows skipped, ...), per workload.
  for (const auto& w : workloads_) {
    std::vector<std::pair<std::string, double>> extra;
    w->arrivals().add_summary(extra);
    for (const auto& [name, value] : extra) out.push_back({w->name() + "_" + name, value, "1"});
  }
  return out;
}

}  // namespace dcsim
