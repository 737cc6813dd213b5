// Fluid pools (docs/models/fluid.md): the workloads of a service served by a fluid pool send it
// no requests; the pool reads their rate curves every control step (models/workload/flow.hpp).
// This first slice routes no flows: a fluid pool is the only pool of its service, which admits
// everything (admission and routing on flows are not built yet). Each is an input error here,
// located at the pool's `fidelity` key or the workload's arrival model.
#include <cmath>

#include "sim/scenario/diagnostics.hpp"
#include "sim/world/world.hpp"

namespace dcsim {

std::string World::fidelity() const {
  size_t fluid = 0;
  for (const auto& p : pools_) fluid += p->takes_flows() ? 1 : 0;
  if (fluid == 0) return "request";
  return fluid == pools_.size() ? "fluid" : "mixed";
}

void World::connect_flows(const scenario::Config& scenario) {
  const auto& wl_cfgs = scenario.list("workloads");
  for (const auto& fe : services_) {
    const scheduling::ServiceView& v = fe->view();
    size_t fluid = 0;
    const scenario::Config* where = nullptr;
    for (const auto& p : v.pools) {
      if (!p.pool->takes_flows()) continue;
      ++fluid;
      if (!where) where = pool_info_[pool_index(p.pool)].config;
    }
    if (fluid == 0) continue;
    const auto bad = [&](const std::string& why) {
      return scenario::InputError(where->where("fidelity"), where->path() + ".fidelity", "got 'fluid': " + why);
    };
    if (v.pools.size() > 1)
      throw bad("service '" + v.name + "' has " + std::to_string(v.pools.size()) +
                " pools, expected a fluid pool to be the only pool of its service (flows are not routed between "
                "pools yet)");
    if (v.config && (!v.config->list("admission").empty() || !v.config->list("admission_changes").empty()))
      throw bad("service '" + v.name + "' has admission policies, expected none for a fluid pool (admission on "
                "flows is not built yet)");
    serving::Pool* pool = v.pools.front().pool;
    for (const auto& w : v.workloads) {
      workload::Workload& wl = *workloads_[w.index];
      if (!std::isfinite(wl.flow_rate(0.0))) {
        const auto& a = wl_cfgs[w.index].child("arrivals");
        throw scenario::InputError(a.where(), a.path(),
                                   "arrival model '" + a.model() + "' has no rate curve, expected one that has (poisson, "
                                   "nhpp, diurnal, viral, gamma, weibull, deterministic) for workload '" + wl.name() +
                                   "' of fluid pool " + v.pools.front().name);
      }
      wl.set_flow_mode();
      pool->add_flow_source(&wl, w.index);
    }
  }
}

}  // namespace dcsim
