// Fluid pools (docs/models/fluid.md): the workloads of a service served by fluid pools send it
// no requests. A service of one fluid pool that admits everything lets the pool read its
// workloads' rate curves (models/workload/flow.hpp); any other (admission policies, several
// pools) gets a flow front end (models/scheduling/flow_frontend.hpp) that admits and routes the
// flows every control step, and its pools take their arrivals from it. Input errors, located:
// a service of fluid and request-level pools, fluid pools of one service with different steps
// or counts, a policy or router without a flow form, an arrival model without a rate curve.
#include <cmath>

#include "models/scheduling/admission_chain.hpp"
#include "sim/scenario/diagnostics.hpp"
#include "sim/world/world.hpp"

namespace dcsim {

std::string World::fidelity() const {
  size_t fluid = 0;
  for (const auto& p : pools_) fluid += p->takes_flows() ? 1 : 0;
  if (fluid == 0) return "request";
  return fluid == pools_.size() ? "fluid" : "mixed";
}

void World::connect_flows(const scenario::Config& scenario, uint64_t seed) {
  const auto& wl_cfgs = scenario.list("workloads");
  for (const auto& fe : services_) {
    const scheduling::ServiceView& v = fe->view();
    size_t fluid = 0;
    const scenario::Config* where = nullptr;
    const scenario::Config* request_pool = nullptr;
    for (const auto& p : v.pools) {
      const scenario::Config* c = pool_info_[pool_index(p.pool)].config;
      if (!p.pool->takes_flows()) {
        if (!request_pool) request_pool = c;
        continue;
      }
      ++fluid;
      if (!where) where = c;
    }
    if (fluid == 0) continue;
    const auto bad = [&](const scenario::Config& at, const std::string& why) {
      return scenario::InputError(at.where("fidelity"), at.path() + ".fidelity", why);
    };
    if (request_pool)
      throw bad(*request_pool, "got '" + request_pool->str("fidelity") + "' (request level) in service '" + v.name +
                                   "', whose pool " + where->path() + " is fluid: expected every pool of a service at "
                                   "one fidelity (flows and requests are not routed together)");
    const scenario::Config& step_of = where->child("fluid");
    for (const auto& p : v.pools) {
      const scenario::Config& c = *pool_info_[pool_index(p.pool)].config;
      const scenario::Config& f = c.child("fluid");
      if (f.num("step") != step_of.num("step") || f.flag("poisson_counts") != step_of.flag("poisson_counts"))
        throw scenario::InputError(f.where(), f.path(),
                                   "got step " + f.str("step") + " and poisson_counts " + f.str("poisson_counts") +
                                       ", expected those of " + step_of.path() + " (" + step_of.str("step") + ", " +
                                       step_of.str("poisson_counts") + "): the fluid pools of service '" + v.name +
                                       "' step together");
    }
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
    }
    auto* chain = dynamic_cast<scheduling::AdmissionChain*>(fe->admission_policy());
    const bool admits = !chain || chain->admits_all();
    if (v.pools.size() == 1 && admits) {  // the pool reads the rate curves itself
      for (const auto& w : v.workloads) v.pools.front().pool->add_flow_source(workloads_[w.index].get(), w.index);
      continue;
    }
    if (chain && !admits && chain->flow_form_missing() != scheduling::AdmissionChain::npos) {
      const std::string& name = chain->name(chain->flow_form_missing());
      for (const auto& b : v.config->list("admission"))
        if (scheduling::policy_name(b) == name)
          throw scenario::InputError(b.where(), b.path(),
                                     "admission model '" + b.model() + "' has no flow form, expected one that has "
                                     "(token_bucket, daily_quota, queue_cap, concurrency_cap) for service '" + v.name +
                                     "' of fluid pools");
    }
    scheduling::SiteRouter* router = fe->site_router();
    if (v.pools.size() > 1 && (!router || !router->has_flow_form())) {
      const auto& r = v.config->child("routing");
      throw scenario::InputError(r.where(), r.path(),
                                 "routing model '" + r.model() + "' has no flow form, expected one that has (nearest, "
                                 "least_loaded, weighted, spill_over, lowest_signal) for service '" + v.name +
                                 "' of fluid pools");
    }
    std::vector<workload::FlowSource*> sources;
    for (const auto& w : v.workloads) sources.push_back(workloads_[w.index].get());
    flow_fronts_.push_back(std::make_unique<scheduling::FlowFrontend>(
        v, std::move(sources), admits ? nullptr : chain, v.pools.size() > 1 ? router : nullptr,
        step_of.flag("poisson_counts"), Rng(seed, v.group + "/flows")));
    scheduling::FlowFrontend& ff = *flow_fronts_.back();
    for (uint32_t k = 0; k < v.pools.size(); ++k) {
      serving::Pool* pool = v.pools[k].pool;
      for (size_t w = 0; w < v.workloads.size(); ++w) pool->add_flow_source(ff.tap(w, k), v.workloads[w].index);
      pool->set_flow_inlet(&ff, k);
    }
  }
}

}  // namespace dcsim
