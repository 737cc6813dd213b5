// A pool's capacity over time: what an operator does after the front door (docs/models/
// scheduling.md "Capacity"). One controller per pool whose `capacity:` block asks for anything:
//
//   initial_replicas   replicas in the pool's capacity at the start (the others stay stopped);
//                      warm_start: they are up at t = 0 (no weight load) for steady-state studies
//   autoscaler         every interval: D = policy(load) (autoscaler.hpp), clamped to
//                      [min(min_replicas, M), min(max_replicas, ceiling, M)], applied with the
//                      cool-downs; M: the external ceiling a site component sets (the grid
//                      shedding load, models/site/replica_ceiling.hpp; none by default)
//   schedule           at calendar times (`at`) or offsets (`after`): set the capacity, min, max
//   reservoir          the pool's last `servers` servers are borrowed (another cluster's GPUs):
//                      not part of the pool until `delay` after they are asked for (at a time,
//                      or by the autoscaler when it wants more than the pool's own replicas);
//                      they draw no power until then
//   failures           GPU and server failures and repairs (failure_model.hpp)
//
// Scale-out of n replicas at t: they are provisioning until t + provisioning_delay (machines
// allocated and booted), then load their weights from the site's model store as SimGrid comms
// (weight_loading.hpp: one transfer per server, the store's bandwidth shared max-min), then
// take work. Scale-in removes provisioning replicas first, then the pool's highest-index
// replicas, which drain (serve what they hold, take nothing new): no request is lost.
//
//   capacity C = replicas wanted in the pool + provisioning;  ceiling = replicas - reservoir's
//   (until it arrives)
//
// Series (pool group): replicas_capacity, replicas_provisioning, servers_failed (step means),
// scaled_out, scaled_in, failures, repairs, orphans_retried, orphans_lost (per step). Events:
// scale_out, scale_in, capacity_schedule, reservoir_requested, reservoir_arrived, gpu_failure,
// server_failure, server_repair. Cost: nothing per request, except for an autoscaler that reads
// latencies (one extra call per outcome); one event per evaluation, failure and repair.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "models/scheduling/autoscaler.hpp"
#include "models/scheduling/failure_model.hpp"
#include "models/serving/pool.hpp"
#include "models/site/replica_ceiling.hpp"
#include "models/workload/request_observer.hpp"
#include "sim/engine/engine.hpp"
#include "sim/output/recorder.hpp"
#include "sim/scenario/config.hpp"
#include "sim/util/rng.hpp"

namespace dcsim::scheduling {

struct CapacityBuild {
  const scenario::Config& pool;  // the validated pool block (its `capacity` child)
  Engine& engine;
  output::Recorder& recorder;
  uint64_t seed = 0;
  double start_epoch_s = 0;  // calendar time of t = 0 (schedule `at`)
  // Submits an orphan again through its workload's service front end (on_failure: retry).
  std::function<void(const workload::Request&)> resubmit;
};

struct CapacityTotals {
  uint64_t gpu_failures = 0, server_failures = 0, repairs = 0;
  uint64_t orphans_retried = 0, orphans_lost = 0;
  uint64_t scaled_out = 0, scaled_in = 0;
};

// True if the pool block's `capacity` asks for anything (otherwise no controller is built).
bool capacity_configured(const scenario::Config& pool);

// Registers the `capacity` block of every pool (its keys, its checks) and the autoscaler and
// failure models.
void register_capacity();

class PoolCapacity final : public EventHandler, public workload::RequestObserver, public site::ReplicaCeiling {
 public:
  explicit PoolCapacity(CapacityBuild b);
  // Observers to build the pool with: this controller in front of each when it reads the
  // outcomes (latency autoscaler), else `inner` unchanged.
  std::vector<workload::RequestObserver*> observers(std::vector<workload::RequestObserver*> inner);
  // Once the pool is built, before its start(): initial replicas, warm start, orphan handler.
  // Throws scenario::InputError when the block asks for more replicas than the pool holds.
  void attach(serving::Pool& pool);
  // At the World's start (after the pool's): schedule evaluations, the schedule, the reservoir,
  // the failures.
  void start();

  void on_event(uint64_t tag) override;
  void on_completed(const workload::Request& r, double now) override;
  void on_rejected(const workload::Request& r, double now) override;
  void on_dropped(const workload::Request& r, double now) override;
  void on_timed_out(const workload::Request& r, double now) override;

  const CapacityTotals& totals() const { return totals_; }
  uint32_t capacity() const { return wanted_ + provisioning_; }
  uint32_t ceiling() const { return ceiling_; }
  // The grid's ceiling (replica_ceiling.hpp): at most M replicas in the pool while it is set.
  uint32_t set_external_ceiling(uint32_t replicas) override;
  uint32_t external_ceiling() const override { return ext_; }

 private:
  enum Kind : uint64_t { kEval = 1, kSchedule, kReservoirAsk, kReservoirArrive, kProvisioned, kFailure, kRepair, kRetry };
  static uint64_t tag(Kind k, uint64_t i) { return (uint64_t(k) << 48) | i; }

  void evaluate();
  void scale_to(uint32_t target, const char* why);  // out or in, no cool-down
  void scale_out(uint32_t n, const std::string& why);
  void scale_in(uint32_t n, const std::string& why);
  void provisioned(size_t batch);
  void apply_schedule(size_t entry);
  void ask_reservoir(const char* why);
  void reservoir_arrived();
  void arm_server(uint32_t server);  // its components as good as new: draw their times to failure
  void schedule_failure(uint32_t server);
  double draw_component(uint32_t component);
  void fail(uint32_t server);
  void repair(uint32_t server);
  void orphan(const workload::Request& r, double now);
  uint32_t max_now() const;  // min(max_replicas, ceiling)
  void update_levels();

  const scenario::Config& cfg_;
  Engine& engine_;
  output::Recorder& recorder_;
  std::function<void(const workload::Request&)> resubmit_;
  double start_epoch_s_;
  std::string group_;
  serving::Pool* pool_ = nullptr;
  std::vector<workload::RequestObserver*> inner_;

  // capacity
  uint32_t replicas_ = 0, servers_ = 0, ceiling_ = 0, wanted_ = 0, provisioning_ = 0;
  uint32_t ext_ = site::kNoCeiling;  // the external ceiling M
  uint32_t ext_out_ = 0;             // replicas held out for it, owed back when it is lifted
  double provisioning_delay_ = 0;
  std::vector<uint32_t> batches_;  // replicas still provisioning, per scale-out
  // autoscaler
  std::unique_ptr<Autoscaler> autoscaler_;
  double interval_ = 0, cooldown_out_ = 0, cooldown_in_ = 0;
  uint32_t min_ = 0;
  int64_t max_ = -1;
  double t_out_ = -1e300, t_in_ = -1e300;
  std::vector<double> latencies_;
  std::deque<std::pair<double, uint32_t>> recent_;  // answers of the last cooldown_in
  // reservoir
  uint32_t reservoir_servers_ = 0, reservoir_replicas_ = 0;
  double reservoir_delay_ = 0;
  bool reservoir_asked_ = false, reservoir_here_ = false;
  // failures
  std::unique_ptr<FailureModel> failures_;
  const scenario::Config* failure_cfg_ = nullptr;
  double gpu_rate_ = 0, server_rate_ = 0;
  uint32_t gpus_per_server_ = 0;
  bool retry_ = true;
  Rng fail_rng_, repair_rng_;
  std::vector<uint8_t> down_;        // per server
  std::vector<double> clock_;           // per server and component: when it fails (s)
  std::vector<uint32_t> failed_part_;   // per server: the component of its next failure
  std::vector<double> down_since_;
  std::vector<EventId> next_failure_;
  uint32_t servers_down_ = 0;
  std::vector<workload::Request> retries_;  // orphans to submit again (at the current time)

  CapacityTotals totals_;
  output::Level s_capacity_, s_provisioning_, s_failed_;
  output::Counter s_out_, s_in_, s_failures_, s_repairs_, s_retried_, s_lost_;
};

}  // namespace dcsim::scheduling
