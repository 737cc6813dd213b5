// The world: the composition root. It builds everything a scenario describes from the
// registries, in the order the data flows, and owns it; the engine owns time.
//
//   scenario Config -> topology (Boost.Graph) -> SimGrid platform
//     -> workloads (arrivals, request classes)
//     -> services: one front end each (models/scheduling/frontend.hpp)
//     -> sites: pools from the pool-kind registry (`serving:`), then site components from the
//        site-component registry (facility, grid), run on the site's control step
//     -> the services' admission and routing policies (their registries)
//     -> series in the recorder, with site and fleet sums.
// It names no model: a new pool kind, policy or site component is one file and one registration.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/catalog/catalog.hpp"
#include "models/scheduling/capacity.hpp"
#include "models/scheduling/flow_frontend.hpp"
#include "models/scheduling/frontend.hpp"
#include "models/serving/pool_kind.hpp"
#include "models/site/site_component.hpp"
#include "models/workload/workload.hpp"
#include "sim/engine/engine.hpp"
#include "sim/output/recorder.hpp"
#include "sim/platform/simgrid_platform.hpp"
#include "sim/platform/topology.hpp"
#include "sim/run/invariants.hpp"
#include "sim/scenario/config.hpp"

namespace dcsim {

class World : public EventHandler {
 public:
  // Builds the platform into the engine's SimGrid instance; call before Engine::run().
  // scenario_dir: folder of the scenario file (relative paths in it resolve there).
  World(const scenario::Config& scenario, const std::string& scenario_dir, Engine& engine, output::Recorder& recorder);

  // Schedule the start of everything at the current time (pools load weights, first arrivals,
  // the sites' control steps), and the mid-run look at every pool's backlog used by
  // overloaded_pools().
  void start(double horizon_s);
  void on_event(uint64_t tag) override;

  // A component for site `site`'s control step besides those the registry builds (tests, tools);
  // before start().
  void add_site_component(size_t site, std::unique_ptr<site::SiteComponent> component);

  // End of the run (before Recorder::finish): the site components close what is open and check
  // their end-of-run invariants (InvariantError).
  void finish(double t_end);

  RequestCounts request_counts() const;
  // "request" or "fluid" when every pool is of that fidelity, "mixed" otherwise (the output's root attribute).
  std::string fidelity() const;
  uint64_t degraded() const;  // requests admitted degraded, all services
  // Pools whose backlog (requests in flight) grew without bound: at the end more than twice, and
  // at least 100 more than, at mid-run, or that rejected requests because their queue was full.
  // Each as "site/pool: why". Also logged as `overload` events at the end (log_overloads), each
  // stamped with the time its condition began: the backlog's, the last time the pool's queue was
  // empty (sampled every record.step); the rejections', the start of the step of the first one.
  std::vector<std::string> overloaded_pools() const;
  // Written to the sink directly: each event carries its own (earlier) time.
  void log_overloads(output::Sink* sink) const;
  std::vector<output::SummaryEntry> summary(double now) const;

  const platform::Topology& topology() const { return topology_; }
  const platform::Platform& platform() const { return platform_; }
  const std::vector<std::unique_ptr<serving::Pool>>& pools() const { return pools_; }
  const std::vector<std::unique_ptr<workload::Workload>>& workloads() const { return workloads_; }
  const std::vector<std::unique_ptr<scheduling::Frontend>>& services() const { return services_; }
  const std::vector<std::unique_ptr<site::Site>>& sites() const { return sites_; }
  // Capacity controllers of the pools whose `capacity` block asks for one (world_capacity.cpp).
  const std::vector<std::unique_ptr<scheduling::PoolCapacity>>& capacities() const { return capacities_; }

 private:
  // What the World keeps of each pool besides the pool (same order as pools_).
  struct PoolInfo {
    const scenario::Config* config = nullptr;
    serving::PoolItPower it;
    std::string model, model_key;
    scheduling::PoolCapacity* capacity = nullptr;  // its capacity controller, or null
  };
  // A site's control step: its components, and the pools' energy at the previous step.
  struct SiteStep {
    double step_s = 0;
    double last_s = 0;
    std::vector<size_t> pools;          // indices into pools_
    std::vector<double> last_gpu_j;     // per pool of the site
    site::SiteEnergy energy;            // reused every step
    std::vector<std::unique_ptr<site::SiteComponent>> components;
  };

  void build_pools(const scenario::Config& scenario, const std::vector<serving::RequestObserver*>& observers,
                   output::Recorder& recorder, uint64_t seed);
  void build_site_components(const scenario::Config& scenario, const std::string& scenario_dir,
                             output::Recorder& recorder, uint64_t seed);
  void declare_aggregates(const scenario::Config& scenario, output::Recorder& recorder);
  // Front ends of the declared services and of the workloads' pool shorthands; returns the
  // observer of each workload's requests (its service's front end), by workload index.
  std::vector<serving::RequestObserver*> create_services(const scenario::Config& scenario);
  void connect_services(const scenario::Config& scenario, output::Recorder& recorder, uint64_t seed);
  void check_models(const scenario::Config& scenario) const;
  // Workloads of services served by fluid pools hand those pools their rate curves (world_flows.cpp).
  void connect_flows(const scenario::Config& scenario, uint64_t seed);
  void add_path(scheduling::ServiceView& v, size_t w, const site::Site* origin, const site::Site* there) const;
  uint32_t add_fallback(scheduling::ServiceView& v, const std::string& name, const scenario::Config& where,
                        const std::string& key);
  void build_site_signals(const scenario::Config& scenario);
  size_t pool_index(const serving::Pool* pool) const;
  void site_step(size_t site);
  // The pool's capacity controller, if its block asks for one: it may stand between the pool and
  // its observers (returned), and is attached once the pool is built.
  std::vector<serving::RequestObserver*> make_capacity(const scenario::Config& scenario, const scenario::Config& pool,
                                                       const std::vector<serving::RequestObserver*>& observers,
                                                       output::Recorder& recorder, uint64_t seed);
  void capacity_summary(std::vector<output::SummaryEntry>& out) const;

  // Every record.step: when each pool's queue was last empty and when it first rejected.
  void watch_pools();

  static constexpr uint64_t kStartTag = 0, kMidRunTag = 1, kWatchTag = 2, kSiteStepBit = 1ULL << 62;
  Engine& engine_;
  std::vector<uint64_t> backlog_mid_;  // in flight per pool at mid-run
  struct PoolWatch {
    double queue_empty_s = 0;    // last watch at which the pool's queue was empty
    double first_reject_s = -1;  // start of the watch step of its first rejection (-1: none yet)
    double last_watch_s = 0;
  };
  std::vector<PoolWatch> watch_;  // by pool
  double watch_step_s_ = 60;
  platform::Topology topology_;
  platform::Platform platform_;
  catalog::Catalog catalog_;
  std::vector<std::unique_ptr<workload::Workload>> workloads_;
  std::vector<std::unique_ptr<scheduling::Frontend>> services_;
  std::vector<std::unique_ptr<scheduling::FlowFrontend>> flow_fronts_;  // services of fluid pools that admit or route
  std::vector<uint32_t> service_of_;                // by workload
  std::vector<std::shared_ptr<void>> pool_parts_;   // models the pools refer to (outlive the pools)
  std::vector<std::unique_ptr<serving::Pool>> pools_;
  std::vector<PoolInfo> pool_info_;
  std::vector<std::unique_ptr<site::Site>> sites_;
  std::vector<std::unique_ptr<site::SignalSource>> signal_series_;  // declared signals, fed to sites_
  std::vector<SiteStep> steps_;                     // by site
  std::vector<std::unique_ptr<scheduling::PoolCapacity>> capacities_;
  scheduling::PoolCapacity* pending_capacity_ = nullptr;  // made for the pool being built
  double start_s_ = 0;                              // when the pools started
  double warmup_s_ = 0;                             // record.warmup
};

}  // namespace dcsim
