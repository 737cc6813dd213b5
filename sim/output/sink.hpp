// What a run hands to its output: declared series, samples, events and a summary.
// Models never see this; the Recorder (recorder.hpp) drives a Sink. The HDF5 writer is the one
// real Sink; tests use an in-memory one. Layout and semantics: docs/output-format.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dcsim::output {

// How a series was aggregated over one sample step (stored as the "aggregation" attribute).
enum class Aggregation {
  sum,   // count or amount during the step (arrivals, energy_j)
  mean,  // time average over the step (power_w, gpu_utilization)
  last,  // value at the sample instant (queue_length, replicas_active)
  max,   // maximum over the step
  quantile,  // a percentile of the values observed during the step (latency_p99_s); NaN if none
};
const char* to_string(Aggregation a);

struct SeriesInfo {
  std::string group;      // "/fleet", "/sites/dc1", "/sites/dc1/pools/chat", "/workloads/chat"
  std::string name;       // snake_case, unit in the name: "power_w"
  std::string units;      // UDUNITS-style: "W", "J", "s", "1", "L", "g", "degC", "USD"
  std::string long_name;  // "IT power of the pool, step average"
  Aggregation aggregation = Aggregation::last;
};

struct RunMeta {
  std::string dcsim_version;
  std::string scenario_name;
  std::string scenario_path;
  std::string scenario_text;  // the resolved scenario (overrides applied), as YAML
  uint64_t seed = 0;
  std::string started_utc;    // wall-clock start, ISO 8601
  double horizon_s = 0;
  double record_step_s = 0;
  std::string fidelity = "request";
  std::vector<std::string> workload_names;  // index = RequestRecord::workload
  double request_sample_fraction = 0;       // share of requests written to /requests
  double warmup_s = 0;                      // record.warmup: excluded from the run-wide statistics
};

struct EventRecord {
  double time_s = 0;
  std::string kind;     // "replica_ready", "replica_loading", "overload", ...
  std::string subject;  // "/sites/dc1/pools/chat/replicas/3"
  double value = 0;     // kind-specific number (e.g. load time in s); NaN if none
  std::string detail;   // free text
};

// One row of the sampled per-request table /requests (times in s since the start; NaN where
// not applicable, e.g. first_token_s of an image request or completion_s of a rejected one).
struct RequestRecord {
  uint64_t id = 0;             // unique within its workload
  double arrival_s = 0;        // arrival of this attempt
  double start_s = 0;          // service started
  double first_token_s = 0;    // LLM: first output token
  double completion_s = 0;     // completed (or rejected: NaN)
  double energy_j = 0;         // energy attributed to the request (NaN until a model attributes it)
  uint32_t workload = 0;       // index into the /requests attribute `workloads`
  uint32_t prompt_tokens = 0;
  uint32_t output_tokens = 0;
  uint32_t images = 0;
  uint8_t kind = 0;            // 0 llm, 1 image, 2 video
  uint8_t tier = 0;            // index into the workload's tiers
  uint8_t attempt = 0;         // 0 first attempt, k k-th retry
  uint8_t outcome = 0;         // 0 completed, 1 rejected, 2 dropped, 3 timed_out
};

struct SummaryEntry {
  std::string name;   // "requests_arrived"
  double value = 0;
  std::string units;  // "1", "J", ...
};

struct RunEnd {
  std::vector<SummaryEntry> summary;
  bool complete = false;   // false when stopped by SIGINT or an error
  double wall_seconds = 0;
  double simulated_s = 0;  // clock when the run stopped
  std::string stop_reason; // "horizon", "interrupted", "no more events", "error: ..."
};

class Sink {
 public:
  virtual ~Sink() = default;
  // Called once, before any sample. Series are listed in the order append() gives values.
  virtual void open(const RunMeta& meta, const std::vector<SeriesInfo>& series) = 0;
  // One sample: time and one value per declared series (values.size() == series.size()).
  virtual void append(double time_s, const std::vector<double>& values) = 0;
  virtual void event(const EventRecord& e) = 0;
  // A sampled request (the caller decides which are sampled).
  virtual void request(const RequestRecord& r) = 0;
  // Last call; after it the output is complete on disk (for files: renamed from .partial).
  virtual void close(const RunEnd& end) = 0;
};

}  // namespace dcsim::output
