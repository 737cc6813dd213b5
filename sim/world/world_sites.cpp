// The sites' control step (models/site/site_component.hpp): components from the site-component
// registry, and one event per site every facility.step that hands them the exact IT energy of
// the site's pools since the previous step.
//
//   gpu_j(pool) = E_gpu(now) - E_gpu(last)           pool totals: exact integrals of GPU power
//   it_j(pool)  = a · dt + (1 + b) · gpu_j(pool)     the pool's affine non-GPU power (pool_it_power.hpp)
// Summed over the steps this is the pool's energy_j series and the summary's energy_it_j.
#include "sim/world/world.hpp"

namespace dcsim {

void World::build_site_components(const scenario::Config& scenario, output::Recorder& recorder, uint64_t seed) {
  const auto& registry = site::site_component_registry();
  const auto& sites = scenario.list("sites");
  for (size_t s = 0; s < sites.size(); ++s) {
    steps_[s].step_s = sites[s].child("facility").num("step");
    for (const auto& name : registry.names()) {
      site::SiteBuild b{sites[s], *sites_[s], engine_, recorder, catalog_, seed};
      auto component = registry.build(name, b);
      if (component) steps_[s].components.push_back(std::move(component));
    }
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
  for (auto& c : st.components) c->on_step(now, dt, st.energy);
  engine_.at(now + st.step_s, this, kSiteStepBit | s);
}

}  // namespace dcsim
