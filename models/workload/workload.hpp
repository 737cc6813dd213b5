// A workload: a stream of requests from an arrival process to the front end of one service
// (a RequestSink: it knows nothing of the pools behind it), with its counters, latency
// percentiles and SLO attainment. It is the RequestObserver of its requests.
//
// Each arrival becomes a Request of the workload's class (llm / image / video: tokens, images,
// steps) and tier (drawn by share). A rejected request comes back with probability p after an
// Exp(backoff) delay, up to max_attempts in all (users pressing the button again); retries are
// arrivals too, counted apart from first attempts.
//
// Per step it records (group /workloads/<name>): arrivals (all attempts), first_attempts,
// retries, admitted, rejected, completed, timed_out, latency_p99_s, slo_attainment = completed within
// slo_latency / completed.
#pragma once

#include <memory>
#include <string>

#include "models/arrivals/arrival_process.hpp"
#include "models/scheduling/request_sink.hpp"
#include "models/workload/flow.hpp"
#include "models/workload/request_class.hpp"
#include "models/workload/request_observer.hpp"
#include "sim/metrics/log_histogram.hpp"
#include "sim/output/recorder.hpp"
#include "sim/scenario/config.hpp"

namespace dcsim::workload {

struct WorkloadTotals {
  uint64_t arrived = 0;  // attempts, retries included
  uint64_t retries = 0;
  uint64_t completed = 0;
  uint64_t rejected = 0;
  uint64_t dropped = 0;
  uint64_t timed_out = 0;
  uint64_t slo_met = 0;   // of the measured ones
  uint64_t measured = 0;  // completed and in the run-wide statistics (arrived at or after the warm-up)
};

class Workload final : public EventHandler, public RequestObserver, public FlowSource {
 public:
  // `seed` and the workload's name give its random streams (arrivals, class, retries).
  Workload(const scenario::Config& cfg, uint32_t index, Engine& engine, output::Recorder& recorder, uint64_t seed,
           const arrivals::ArrivalContext& context);

  const std::string& name() const { return name_; }
  // The service it sends requests to: `service:`, or the `pool: SITE/POOL` shorthand's "SITE/POOL".
  const std::string& service() const { return service_; }
  void connect(scheduling::RequestSink* sink) { sink_ = sink; }
  const RequestClass& request_class() const { return *class_; }
  // Write this share of request attempts to the /requests table (0: none).
  void set_request_sampling(double fraction) { sample_fraction_ = fraction; }
  // record.warmup: requests that arrived before it stay out of latency(), ttft(), tpot(), slo_met.
  void set_warmup(double seconds) { warmup_s_ = seconds; }
  void start();  // schedule the first arrival (none in flow mode)
  // Fluid fidelity (flow.hpp): its service's pools read its rate curve; no arrival events.
  void set_flow_mode() { flow_mode_ = true; }
  bool flow_mode() const { return flow_mode_; }
  double flow_rate(double t) const override { return arrivals_->rate(t); }
  double flow_interarrival_scv() const override { return arrivals_->interarrival_scv(); }
  RequestClass& flow_class() override { return *class_; }
  double flow_slo_s() const override { return slo_latency_s_; }
  const std::vector<double>& flow_tier_shares() const override { return tier_share_; }
  void on_flow(const FlowCounts& c) override;
  void on_flow_latency(double latency_s, uint64_t n, double arrival_s) override;

  void on_event(uint64_t tag) override;  // an arrival or a retry
  void on_completed(const Request& r, double now) override;
  void on_rejected(const Request& r, double now) override;
  void on_dropped(const Request& r, double now) override;
  void on_timed_out(const Request& r, double now) override;

  const WorkloadTotals& totals() const { return totals_; }
  const LogHistogram& latency() const { return latency_all_; }
  // LLM requests completed with a first-token time: time to first token and time per output
  // token after the first (requests of one output token have no TPOT), whole run.
  const LogHistogram& ttft() const { return ttft_all_; }
  const LogHistogram& tpot() const { return tpot_all_; }
  const std::vector<std::string>& tier_names() const { return tier_names_; }
  const arrivals::ArrivalProcess& arrivals() const { return *arrivals_; }

 private:
  static constexpr uint64_t kRetryBit = 1ULL << 63;
  void submit(Request r);
  bool sampled(const Request& r) const;
  void record_request(const Request& r, double now, uint8_t outcome);
  uint8_t draw_tier();

  std::string name_;
  std::string service_;
  uint32_t index_;
  double slo_latency_s_;
  Engine& engine_;
  output::Recorder& recorder_;
  double sample_fraction_ = 0;
  double warmup_s_ = 0;
  Rng rng_;        // arrivals
  Rng class_rng_;  // request attributes and tiers
  Rng retry_rng_;  // retry decisions and back-offs
  std::unique_ptr<arrivals::ArrivalProcess> arrivals_;
  std::unique_ptr<RequestClass> class_;
  std::vector<std::string> tier_names_;
  std::vector<double> tier_cdf_;
  std::vector<double> tier_share_;  // tier_cdf_ differenced, normalised
  double retry_probability_;
  double retry_backoff_s_;
  uint32_t max_attempts_;
  std::vector<Request> retry_slots_;  // requests waiting out their back-off
  std::vector<uint32_t> free_retry_slots_;
  scheduling::RequestSink* sink_ = nullptr;
  uint64_t next_id_ = 0;
  bool flow_mode_ = false;

  WorkloadTotals totals_;
  LogHistogram latency_all_, ttft_all_, tpot_all_;

  output::Counter s_arrivals_, s_first_, s_retries_, s_admitted_, s_rejected_, s_completed_, s_timed_out_;
  output::Quantiles s_latency_;
  output::Ratio s_slo_;
};

}  // namespace dcsim::workload
