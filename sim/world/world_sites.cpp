// The sites' control step (models/site/site_component.hpp): components from the site-component
// registry, and one event per site every facility.step that hands them the exact IT energy of
// the site's pools since the previous step.
//
//   gpu_j(pool) = E_gpu(now) - E_gpu(last)           pool totals: exact integrals of GPU power
//   it_j(pool)  = a · dt + (1 + b) · gpu_j(pool)     the pool's affine non-GPU power (pool_it_power.hpp)
// Summed over the steps this is the pool's energy_j series and the summary's energy_it_j.
// Each site's power caps by source (models/site/site_caps.hpp) start from the pools' scenario
// power_cap; fleet sums of the components' site series are declared once they are built.
#include <limits>

#include "sim/world/world.hpp"

namespace dcsim {

namespace {

// The pool's scenario power_cap (its kind's block, or the pool block itself); +inf: none.
double scenario_cap(const scenario::Config& pool) {
  const std::string& kind = pool.str("serving");
  const scenario::Config* blocks[] = {pool.has_child(kind) ? &pool.child(kind) : nullptr, &pool};
  for (const scenario::Config* b : blocks)
    if (b && b->schema() && b->schema()->find_param("power_cap")) return b->num("power_cap");
  return std::numeric_limits<double>::infinity();
}

// Site series that the fleet sums when some site has them (the components declare them).
constexpr const char* kFleetSums[][3] = {
    {"power_facility_w", "W", "Facility power at the utility meters of the sites with a facility model, step average"},
    {"energy_facility_j", "J", "Facility energy of the sites with a facility model during the step"},
    {"power_cooling_w", "W", "Cooling power of the sites with a facility model, step average"},
    {"energy_cooling_j", "J", "Cooling energy of the sites with a facility model during the step"},
    {"power_losses_w", "W", "Power-delivery losses of the sites with a facility model, step average"},
    {"water_l", "L", "Water used by the sites with a facility model during the step"},
    {"grid_import_w", "W", "Power imported from the grid by the sites with a grid model, step average"},
    {"emissions_g", "g", "CO2(e) emitted for the sites with a grid model during the step"},
    {"cost_usd", "USD", "Energy cost of the sites with a grid model during the step"},
};

}  // namespace

void World::build_site_components(const scenario::Config& scenario, const std::string& scenario_dir,
                                  output::Recorder& recorder, uint64_t seed) {
  const auto& registry = site::site_component_registry();
  const auto& sites = scenario.list("sites");
  for (size_t s = 0; s < sites.size(); ++s) {
    steps_[s].step_s = sites[s].child("facility").num("step");
    site::SiteBuild b{sites[s], *sites_[s], engine_, recorder, catalog_, seed, scenario, scenario_dir, {}};
    for (const size_t i : steps_[s].pools) {
      sites_[s]->caps.attach(pools_[i].get(), static_cast<uint32_t>(pool_info_[i].config->integer("servers")),
                             scenario_cap(*pool_info_[i].config));
      b.pool_power.push_back(&pool_info_[i].it);
      b.pool_ceilings.push_back(pool_info_[i].capacity);  // its capacity controller, or null
    }
    for (const auto& name : registry.names()) {
      auto component = registry.build(name, b);
      if (component) steps_[s].components.push_back(std::move(component));
    }
  }
  for (const auto& [name, units, what] : kFleetSums) {
    std::vector<output::SeriesRef> refs;
    for (const auto& site : sites)
      if (recorder.has_series("/sites/" + site.str("name"), name)) refs.push_back(recorder.ref("/sites/" + site.str("name"), name));
    if (!refs.empty()) recorder.sum_of("/fleet", name, units, what, refs);
  }
}

void World::add_site_component(size_t site, std::unique_ptr<site::SiteComponent> component) {
  steps_.at(site).components.push_back(std::move(component));
}

void World::site_step(size_t s) {
  SiteStep& st = steps_[s];
  const double now = engine_.now();
  const double dt = now - st.last_s;
  st.energy.gpu_j = st.energy.it_j = 0;
  for (size_t k = 0; k < st.pools.size(); ++k) {
    const size_t i = st.pools[k];
    const double gpu_now = pools_[i]->totals(now).energy_j;
    site::PoolEnergy& e = st.energy.pools[k];
    e.gpu_j = gpu_now - st.last_gpu_j[k];
    e.it_j = pool_info_[i].it.it_energy_j(e.gpu_j, dt);
    st.last_gpu_j[k] = gpu_now;
    st.energy.gpu_j += e.gpu_j;
    st.energy.it_j += e.it_j;
  }
  st.last_s = now;
  sites_[s]->step = site::StepShare{};
  for (auto& c : st.components) c->on_step(now, dt, st.energy);
  engine_.at(now + st.step_s, this, kSiteStepBit | s);
}

void World::finish(double t_end) {
  for (auto& st : steps_)
    for (auto& c : st.components) c->finish(t_end);
}

}  // namespace dcsim
