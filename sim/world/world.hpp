// The world: everything a scenario describes, built and wired together.
//   scenario Config -> topology (Boost.Graph) -> SimGrid platform -> workloads -> services
//   (front ends) -> pools -> the services' policies (from the registries) -> their series in the
//   recorder, with site and fleet sums.
// It owns the models; the engine owns time.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/catalog/catalog.hpp"
#include "models/scheduling/frontend.hpp"
#include "models/site/site.hpp"
#include "models/serving/fifo_pool.hpp"
#include "models/serving/diffusion_pool_factory.hpp"
#include "models/serving/disagg_pool_factory.hpp"
#include "models/serving/llm_pool_factory.hpp"
#include "models/serving/pool_it_power.hpp"
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

  // Schedule the start of everything at the current time (pools load weights, first arrivals),
  // and the mid-run look at every pool's backlog used by overloaded_pools().
  void start(double horizon_s);
  void on_event(uint64_t tag) override;

  RequestCounts request_counts() const;
  // Pools whose backlog (requests in flight) grew without bound: at the end more than twice, and
  // at least 100 more than, at mid-run, or that rejected requests because their queue was full.
  // Each as "site/pool: why". Also logged as `overload` events at the end (log_overloads).
  std::vector<std::string> overloaded_pools() const;
  void log_overloads(output::Recorder& recorder) const;
  std::vector<output::SummaryEntry> summary(double now) const;

  const platform::Topology& topology() const { return topology_; }
  const platform::Platform& platform() const { return platform_; }
  const std::vector<std::unique_ptr<serving::Pool>>& pools() const { return pools_; }
  const std::vector<std::unique_ptr<workload::Workload>>& workloads() const { return workloads_; }
  const std::vector<std::unique_ptr<scheduling::Frontend>>& services() const { return services_; }
  const std::vector<std::unique_ptr<site::Site>>& sites() const { return sites_; }

 private:
  void declare_aggregates(const scenario::Config& scenario, output::Recorder& recorder);
  // Front ends of the declared services and of the workloads' pool shorthands; returns the
  // observer of each workload's requests (its service's front end), by workload index.
  std::vector<serving::RequestObserver*> create_services(const scenario::Config& scenario);
  void connect_services(const scenario::Config& scenario, output::Recorder& recorder, uint64_t seed);
  void check_models(const scenario::Config& scenario) const;
  std::vector<std::string> served_models_;  // per pool: the model it serves ("": any)

  static constexpr uint64_t kStartTag = 0, kMidRunTag = 1;
  Engine& engine_;
  std::vector<uint64_t> backlog_mid_;  // in flight per pool at mid-run
  platform::Topology topology_;
  platform::Platform platform_;
  std::vector<std::unique_ptr<workload::Workload>> workloads_;
  std::vector<std::unique_ptr<site::Site>> sites_;
  std::vector<std::unique_ptr<scheduling::Frontend>> services_;
  std::vector<uint32_t> service_of_;  // by workload
  catalog::Catalog catalog_;
  std::vector<serving::LlmPoolParts> llm_parts_;              // models the LLM pools refer to
  std::vector<serving::DiffusionPoolParts> diffusion_parts_;  // and the diffusion pools
  std::vector<serving::DisaggPoolParts> disagg_parts_;        // and the disaggregated pools
  std::vector<std::unique_ptr<serving::Pool>> pools_;
  std::vector<serving::PoolItPower> pool_it_;  // per pool (same order): non-GPU power of its servers
  double start_s_ = 0;                         // when the pools started
};

}  // namespace dcsim
