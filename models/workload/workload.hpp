// A workload: a stream of requests from an arrival process to one pool, with its counters,
// latency percentiles and SLO attainment. It is the RequestObserver of its requests.
//
// Per step it records (group /workloads/<name>): arrivals, admitted, rejected, completed,
// latency_p99_s, slo_attainment = completed within slo_latency / completed.
#pragma once

#include <memory>
#include <string>

#include "models/arrivals/arrival_process.hpp"
#include "models/serving/pool.hpp"
#include "sim/metrics/log_histogram.hpp"
#include "sim/output/recorder.hpp"
#include "sim/scenario/config.hpp"

namespace dcsim::workload {

struct WorkloadTotals {
  uint64_t arrived = 0;
  uint64_t completed = 0;
  uint64_t rejected = 0;
  uint64_t dropped = 0;
  uint64_t slo_met = 0;
};

class Workload final : public EventHandler, public serving::RequestObserver {
 public:
  Workload(const scenario::Config& cfg, uint32_t index, Engine& engine, output::Recorder& recorder, Rng rng,
           const arrivals::ArrivalContext& context);

  const std::string& name() const { return name_; }
  const std::string& target() const { return target_; }  // "site/pool"
  void connect(serving::Pool* pool) { pool_ = pool; }
  void start();  // schedule the first arrival

  void on_event(uint64_t tag) override;  // an arrival
  void on_completed(const Request& r, double now) override;
  void on_rejected(const Request& r, double now) override;

  const WorkloadTotals& totals() const { return totals_; }
  const LogHistogram& latency() const { return latency_all_; }

 private:
  std::string name_;
  std::string target_;
  uint32_t index_;
  double slo_latency_s_;
  Engine& engine_;
  Rng rng_;
  std::unique_ptr<arrivals::ArrivalProcess> arrivals_;
  serving::Pool* pool_ = nullptr;
  uint64_t next_id_ = 0;

  WorkloadTotals totals_;
  LogHistogram latency_all_;

  output::Counter s_arrivals_, s_admitted_, s_rejected_, s_completed_;
  output::Quantiles s_latency_;
  output::Ratio s_slo_;
};

}  // namespace dcsim::workload
