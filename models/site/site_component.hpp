// Site components: what runs on a site's control step (DESIGN.md "Composition"). Every
// `facility.step` of simulated time the World calls, for each site, every component of that
// site in registration order (the order the data flows: delivery tree, cooling plant, grid) with
// the exact IT energy of the site's pools since the previous step, read from the pools' energy
// integrals (never sampled power), so an energy balance over the steps closes exactly. A
// component sends commands back to the pools (Pool::set_power_cap, set_speed_factor, ...) and
// publishes the site's signals (Site::signals) for routing.
//
// A component kind is one file that declares its scenario keys (a KindInfo: sim/registry/kinds.hpp;
// parent "facility" for keys under sites[].facility, "site" for keys of the site block) and a
// factory, registered with one line in site_component.cpp. The factory may return nullptr (the
// site does not use it: e.g. its block says so). A site without components schedules no steps.
#pragma once

#include <memory>
#include <vector>

#include "models/catalog/catalog.hpp"
#include "models/serving/pool_it_power.hpp"
#include "models/site/replica_ceiling.hpp"
#include "models/site/site.hpp"
#include "sim/engine/engine.hpp"
#include "sim/output/recorder.hpp"
#include "sim/output/sink.hpp"
#include "sim/registry/kinds.hpp"
#include "sim/scenario/config.hpp"

namespace dcsim::site {

struct PoolEnergy {
  double gpu_j = 0;  // the pool's GPUs during the step
  double it_j = 0;   // GPUs and the servers' non-GPU part (the pool's energy_j series)
};

// Energy of a site during one control step (J), exact integrals over (now - dt, now].
struct SiteEnergy {
  double gpu_j = 0;
  double it_j = 0;
  std::vector<PoolEnergy> pools;  // per pool of the site, in Site::pools order
};

class SiteComponent {
 public:
  virtual ~SiteComponent() = default;
  // The step that ends at `now` and lasted dt (the first one starts when the pools start).
  virtual void on_step(double now, double dt, const SiteEnergy& energy) = 0;
  // End of the run at t_end (after the last step): close what is open, check end-of-run
  // invariants (InvariantError).
  virtual void finish(double /*t_end*/) {}
  // Summary entries, named "<site>_<entry>" by the component.
  virtual void add_summary(std::vector<output::SummaryEntry>& /*out*/) const {}
};

struct SiteBuild {
  const scenario::Config& site_cfg;  // the validated site block
  Site& site;                        // its pools (commands), its signals
  Engine& engine;
  output::Recorder& recorder;        // a component declares its series under /sites/<site>
  const catalog::Catalog& catalog;
  uint64_t seed = 0;
  const scenario::Config& scenario;  // the root: start, horizon
  std::string scenario_dir;          // relative paths in the site's blocks resolve here
  std::vector<const serving::PoolItPower*> pool_power;  // per pool of the site (Site::pools order)
  // Per pool: its capacity controller as a replica ceiling (replica_ceiling.hpp), or null (none).
  std::vector<ReplicaCeiling*> pool_ceilings;
};

using SiteComponentRegistry = KindRegistry<std::unique_ptr<SiteComponent>, SiteBuild&>;
SiteComponentRegistry& site_component_registry();
void register_site_components();

}  // namespace dcsim::site
