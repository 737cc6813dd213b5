// The World: construction in data order, start, and its own events (start, mid-run look,
// the sites' control steps). Services in world_services.cpp, sites' control steps in
// world_sites.cpp, totals in world_summary.cpp.
#include "sim/world/world.hpp"

#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace dcsim {

World::World(const scenario::Config& scenario, const std::string& scenario_dir, Engine& engine,
             output::Recorder& recorder)
    : engine_(engine),
      topology_(platform::build_topology(scenario)),
      platform_(platform::build_simgrid_platform(topology_)),
      catalog_(catalog::Catalog::builtin()) {
  if (const YAML::Node* extra = scenario.child("catalog").raw()) {
    try {
      catalog_.merge(*extra, scenario.where().file);
    } catch (const scenario::InputError& e) {  // key paths from the scenario's root: catalog.gpus.x.tdp
      std::vector<scenario::Issue> issues = e.issues();
      for (auto& i : issues) i.path = i.path.empty() ? "catalog" : "catalog." + i.path;
      throw scenario::InputError(std::move(issues), e.count());
    }
  }
  const uint64_t seed = static_cast<uint64_t>(scenario.integer("seed"));
  warmup_s_ = scenario.child("record").num("warmup");
  watch_step_s_ = scenario.child("record").num("step");
  arrivals::ArrivalContext context;
  context.start_epoch_s = scenario.num("start");
  context.horizon_s = scenario.num("horizon");
  context.scenario_dir = scenario_dir;
  const auto& workload_cfgs = scenario.list("workloads");
  for (uint32_t i = 0; i < workload_cfgs.size(); ++i) {
    const auto& w = workload_cfgs[i];
    workloads_.push_back(std::make_unique<workload::Workload>(w, i, engine, recorder, seed, context));
    workloads_.back()->set_request_sampling(scenario.child("record").num("requests"));
    workloads_.back()->set_warmup(scenario.child("record").num("warmup"));
  }
  const std::vector<serving::RequestObserver*> observers = create_services(scenario);
  build_pools(scenario, observers, recorder, seed);
  // Pool IT power: the GPUs' series plus the servers' non-GPU part (models/serving/pool_it_power.hpp).
  for (size_t i = 0; i < pools_.size(); ++i)
    serving::declare_pool_it_series(recorder, pools_[i]->placement().group, pool_info_[i].it);
  connect_services(scenario, recorder, seed);
  declare_aggregates(scenario, recorder);
  build_site_components(scenario, scenario_dir, recorder, seed);
  for (auto& fe : services_) fe->on_world_built();  // site signals are published now
}

// Every pool through the pool-kind registry (`serving:`), site by site in the scenario's order.
void World::build_pools(const scenario::Config& scenario, const std::vector<serving::RequestObserver*>& observers,
                        output::Recorder& recorder, uint64_t seed) {
  std::vector<const scenario::Config*> classes;
  for (const auto& w : scenario.list("workloads")) classes.push_back(&w.child("class"));
  for (const auto& site : scenario.list("sites")) {
    const std::string& s = site.str("name");
    sites_.push_back(std::make_unique<site::Site>());
    sites_.back()->name = s;
    sites_.back()->index = static_cast<uint32_t>(sites_.size() - 1);
    steps_.emplace_back();
    for (const auto& pool : site.list("pools")) {
      const std::string& p = pool.str("name");
      serving::PoolBuild b{pool,     catalog_, serving::PoolPlacement{s, p, "/sites/" + s + "/pools/" + p,
                                                                     platform_.servers.at(s).at(p),
                                                                     platform_.storage_by_site.at(s)},
                           engine_,  recorder, make_capacity(scenario, pool, observers, recorder, seed), classes, seed};
      // The pool's fidelity, or the scenario's (docs/models/fluid.md).
      b.fidelity = pool.str("fidelity") == "scenario" ? scenario.str("fidelity") : pool.str("fidelity");
      serving::BuiltPool built = serving::build_pool(b);
      if (pending_capacity_) pending_capacity_->attach(*built.pool);
      pool_parts_.push_back(std::move(built.parts));
      pools_.push_back(std::move(built.pool));
      pool_info_.push_back(
          PoolInfo{&pool, std::move(built.it), std::move(built.model), std::move(built.model_key), pending_capacity_});
      sites_.back()->pools.push_back(pools_.back().get());
      steps_.back().pools.push_back(pools_.size() - 1);
    }
  }
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
  const double now = engine_.now();
  start_s_ = now;
  engine_.at(now, this, kStartTag);
  engine_.at(now + horizon_s / 2, this, kMidRunTag);
  watch_.assign(pools_.size(), PoolWatch{now, -1, now});
  engine_.at(now + watch_step_s_, this, kWatchTag);
  for (size_t s = 0; s < steps_.size(); ++s) {
    SiteStep& st = steps_[s];
    if (st.components.empty()) continue;  // nothing runs on this site's step
    st.last_s = now;
    st.last_gpu_j.assign(st.pools.size(), 0.0);
    st.energy.pools.assign(st.pools.size(), site::PoolEnergy{});
    engine_.at(now + st.step_s, this, kSiteStepBit | s);
  }
}

void World::on_event(uint64_t tag) {
  if (tag & kSiteStepBit) {
    site_step(static_cast<size_t>(tag & ~kSiteStepBit));
    return;
  }
  if (tag == kWatchTag) {
    watch_pools();
    engine_.at(engine_.now() + watch_step_s_, this, kWatchTag);
    return;
  }
  if (tag == kMidRunTag) {
    backlog_mid_.clear();
    for (const auto& p : pools_) backlog_mid_.push_back(p->in_flight());
    return;
  }
  for (auto& p : pools_) p->start();
  for (auto& c : capacities_) c->start();
  for (auto& w : workloads_) w->start();
}

size_t World::pool_index(const serving::Pool* pool) const {
  for (size_t i = 0; i < pools_.size(); ++i)
    if (pools_[i].get() == pool) return i;
  throw std::logic_error("world: unknown pool");
}

}  // namespace dcsim
