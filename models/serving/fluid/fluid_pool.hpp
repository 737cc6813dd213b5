// A fluid pool (fidelity: fluid; docs/models/fluid.md): the pool's requests as fluids advanced
// once per control step `step` instead of one event per request. State: Q (waiting) and X (in
// service) in requests, R replicas up. At the start of each step [t, t + dt):
//
//   a_w  = (lambda_w(t) + lambda_w(t + dt)) / 2 dt    arrivals of workload w (trapezoid of its
//          rate curve; with `poisson_counts`, a Poisson draw of that mean)
//   k    = clamp(X / R, k_min, slots)                 requests in service on a busy replica (its
//          batch): spread evenly (continuous batching: the router balances), at least k_min =
//          1, or for a batching pool with a batch_window the batch a collection gathers,
//          k_min = min(slots, 1 + lambda D), D = min(window, (slots - 1) / lambda)
//   b    = min(R, X / k)                              replicas busy
//   c    = min(X, r b mu(k) dt + drain)                completions; mu(k) = k / T(k) from the
//          capacity curve (fluid_curve.hpp), r = min(s, f_cap(P_u)) the replicas' operating point
//          (throttle.hpp: power cap and speed factor), drain = the in-service fluid above R slots
//          (replicas removed or failed while serving) completing at 1 / T(slots)
//   m    = min(Q + a, R slots - (X - c))              admitted into service (free slots)
//   Q   <- Q + a - m,  X <- X - c + m;  rejected = max(0, Q - queue_capacity), Q <- min(Q, cap)
//   P    = sum over operating points of R_p g [b/R P_law(P_u) + (1 - b/R) P_idle],
//          P_u = P(k) / g: the GPU power of the step, held over it (energy = sum P dt, exact);
//          stopped replicas 0 W
// Below capacity in steady state X = lambda T(k) (Little) and c = a: throughput equals arrivals
// and Q = 0; above it c = R mu(slots) r dt and Q grows by (a - capacity dt) per step, exactly.
//
// Counts (flow.hpp): each workload's arrived/admitted/rejected/completed/dropped are floors of its
// cumulative fluids; rejections are split by the step's arrivals, completions and drops by each
// workload's share of what is in flight. in_flight() counts the same floors, so the request
// invariant holds exactly. Latency (fluid_latency.hpp): every latency_every steps, K = 256
// latency points L_j = backlog + W(u_pi(j)) + service_j + collection_j (a Latin-hypercube pairing
// of the waiting-time, service-time and batch-collection quantiles; latency_points()) feed the
// pool's latency_p50_s/latency_p99_s and, weighted by the completions since the previous points,
// the workloads' run-wide latency and SLO statistics. load() reports as waiting Q plus what a
// request-level pool holds waiting on average at the same rate (Little): lambda (E[Wq] +
// E[collection wait]) of those latency points; autoscalers read it.
//
// Commands (pool.hpp): replicas added (at start without warm start, by the capacity controller,
// after a repair) load their weights as at request level — one SimGrid transfer per server from
// the site storage (weight_loading.hpp), idle power while loading — and take work at the first
// step after it completes; removed replicas stop at once (what they held drains at 1 / T(slots));
// power cap and speed factor per server, grouped by operating point; a failed server's replicas
// stop and their share of X goes to the orphan handler as a fluid (orphan_flow: retried into the
// queue or lost, as the capacity block's on_failure says).
#pragma once

#include <cstdint>
#include <vector>

#include "models/serving/fluid/fluid_curve.hpp"
#include "models/serving/fluid/fluid_latency.hpp"
#include "models/serving/pool.hpp"
#include "models/serving/pool_series.hpp"
#include "models/serving/throttle.hpp"
#include "sim/output/recorder.hpp"
#include "sim/util/rng.hpp"

namespace dcsim::serving::fluid {

// A Poisson count of mean `mean` (inversion below 30, the rounded normal above: skewness
// 1 / sqrt(mean) < 0.19): the `poisson_counts` draws of pools and flow front ends.
double poisson_count(Rng& rng, double mean);

struct FluidPoolConfig {
  double step_s = 1.0;
  uint32_t latency_every = 1;   // steps between latency points (fluid.latency_step / step)
  bool poisson_counts = false;
  uint64_t queue_capacity = 100000;
  uint32_t servers = 1;
  uint32_t replicas_per_server = 1;
  uint32_t gpus_per_replica = 1;
  double weights_B = 0;         // per replica, loaded from the site storage when it starts
  double idle_gpu_w = 0;        // per GPU, up and idle (the law's floor)
  double initial_cap_w = 0;     // per GPU, 0: none
  CurveMaker make_curve;
  size_t mix_sample = 65536;    // requests drawn from the workloads' classes to build the curve
  const char* count_series = nullptr;  // "tokens_out" (llm), "images_out" (diffusion) or none
};

class FluidPool final : public Pool, public EventHandler {
 public:
  FluidPool(FluidPoolConfig cfg, PoolPlacement placement, Engine& engine, output::Recorder& recorder, Rng rng);

  void start() override;
  void submit(const workload::Request& r) override;  // std::logic_error: flows only
  bool add_flow_source(workload::FlowSource* source, uint32_t workload) override;
  bool takes_flows() const override { return true; }
  void set_flow_inlet(workload::FlowInlet* inlet, uint32_t route) override {
    inlet_ = inlet;
    route_ = route;
  }
  double flow_queued() const override { return q_; }
  double flow_room(double dt) const override;
  uint64_t in_flight() const override;
  PoolLoad load() const override;
  PoolTotals totals(double now) const override;
  const PoolPlacement& placement() const override { return placement_; }

  uint32_t add_replicas(uint32_t n) override;
  uint32_t remove_replicas(uint32_t n) override;
  void set_power_cap(double watts_per_gpu, ServerSet servers) override;
  void set_speed_factor(double factor, ServerSet servers) override;
  void fail_server(uint32_t server) override;
  void set_orphans_retried(bool retried) override { orphans_retried_ = retried; }
  void repair_server(uint32_t server) override;

  void on_event(uint64_t tag) override;

  // State (tests, tools).
  double queued() const { return q_; }
  double in_service() const { return x_; }
  double power_w() const { return power_w_; }
  uint32_t replicas_up() const;
  const FluidCurve& curve() const { return curve_; }
  const Wait& wait() const { return wait_; }
  double rejected_fluid() const { return rejected_; }
  double completed_fluid() const { return completed_; }
  double arrived_fluid() const { return arrived_; }

 private:
  struct Source {
    workload::FlowSource* src = nullptr;
    uint32_t workload = 0;
    double rate_end = 0;                       // lambda at the end of the last step
    double a = 0, adm = 0, rej = 0, done = 0, drop = 0;  // cumulative fluids
    workload::FlowCounts told;                 // floors reported so far
    uint32_t node_offset = 0;                  // rotation of its latency points
    double step_a = 0;                         // this step's arrivals
    uint64_t pending = 0;                      // completions not yet given latencies
  };
  void step(double now);
  void build_curve();
  void regroup();               // up replicas per operating point
  void report(Source& s);
  void report_latency(Source& s, double now);
  void latency_points(double k, double k_min, double lambda, double R);
  void record_latency(double completed, double now);
  void batch_cdf(double mu);

  FluidPoolConfig cfg_;
  PoolPlacement placement_;
  Engine& engine_;
  Rng rng_;
  FluidCurve curve_;
  TwoStateLaw law_;
  std::vector<Source> sources_;
  std::vector<uint8_t> wanted_;        // per replica (server-major)
  std::vector<uint8_t> ready_;         // per replica: weights loaded
  uint32_t loading_ = 0;               // replicas wanted, on servers up, loading their weights
  std::vector<uint32_t> load_pending_; // servers of the replicas an add_replicas() brings up
  void load(uint32_t server);          // start loading the weights of its wanted replicas not ready
  static constexpr uint64_t kLoadBit = 1ULL << 40;
  std::vector<uint8_t> failed_;        // per server
  std::vector<uint16_t> point_of_;     // per server: index into points_
  std::vector<OperatingPoint> points_{OperatingPoint{}};
  std::vector<uint32_t> up_at_;        // per point: replicas up
  uint32_t up_ = 0, stopped_ = 0;
  double q_ = 0, x_ = 0;
  double arrived_ = 0, rejected_ = 0, completed_ = 0, dropped_ = 0;
  double lambda_ = 0;                  // arrival rate of the last step [1/s]
  double rate_ = 1;                    // mean rate factor r of the replicas up
  Wait wait_;
  double power_w_ = 0, energy_j_ = 0, power_since_s_ = 0;
  bool started_ = false;
  std::vector<double> nodes_;          // the step's latency points
  std::vector<double> cdf_;            // batch sizes while collecting (batch_cdf)
  uint32_t latency_countdown_ = 1;
  double pending_completed_ = 0;
  PoolSeries series_;
  output::Counter tokens_out_, images_out_;
  double ca2_ = 1;
  workload::FlowInlet* inlet_ = nullptr;  // set: arrivals from the service's flow front end
  uint32_t route_ = 0;
  double last_completed_ = 0;             // completions of the last step
  double stationary_waiting_ = 0;         // load(): lambda (E[Wq] + E[collection]) beside the fluid Q
  bool orphans_retried_ = false;          // a failed server's share of X back to the queue
};

}  // namespace dcsim::serving::fluid
