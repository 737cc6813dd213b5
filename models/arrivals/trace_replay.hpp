// Trace replay: arrivals (and their token counts) taken row by row from a public request trace.
//
//   model: trace
//   path: traces/azure_llm_conv_2023.csv   # relative to the scenario file
//   format: azure                          # azure | mooncake | burstgpt
//   time_scale: 1       # > 1 replays faster: every inter-arrival gap is divided by it
//   rate_scale: 1       # < 1 keeps each row with probability rate_scale; > 1 adds copies
//   loop: false         # at the end, start again (shifted by span + mean gap)
//   start_offset: 0 s   # skip rows earlier than this (trace time); the next row is t = 0
//   skip_bad_rows: false
//   skip_failed: false  # drop rows with 0 output tokens (BurstGPT failed requests)
//
// Arrival i of the replay is at ((t_row - t_first) + k * period) / time_scale, where t_first is the
// first replayed row, k the loop pass and period = span + span / (n - 1) (span = last - first
// replayed row, n = replayed rows). rate_scale r: each row yields floor(r) copies plus one more
// with probability r - floor(r), all at the row's time (r = 1, 2, 3...: no random draw).
//
// Construction runs a validating pre-scan of the whole file (errors surface at start; rows, span
// and token sums are counted) and then opens a second, streaming reader for the replay: only the
// current row is held in memory. Docs: docs/models/arrivals-trace.md.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "models/arrivals/arrival_process.hpp"
#include "models/arrivals/trace_reader.hpp"

namespace dcsim::arrivals {

struct TraceReplayOptions {
  std::string path;  // resolved
  TraceFormat format = TraceFormat::azure;
  double time_scale = 1;
  double rate_scale = 1;
  bool loop = false;
  double start_offset_s = 0;
  bool skip_bad_rows = false;
  bool skip_failed = false;
  scenario::Location where;  // the `path` key (file errors); the block for others
  std::string key_path;      // "workloads[0].arrivals"
};

// What the pre-scan found in the replayed part of the trace (rows at or after start_offset).
struct TraceStats {
  uint64_t rows = 0;
  double first_s = 0;  // trace time of the first replayed row (relative to the file's first row)
  double last_s = 0;
  uint64_t prompt_tokens = 0;
  uint64_t output_tokens = 0;
  uint64_t prefix_blocks = 0;
  uint64_t rows_skipped = 0;  // bad rows (skip_bad_rows), whole file
  uint64_t rows_failed = 0;   // rows with 0 output tokens (skip_failed), whole file
  uint64_t rows_before_offset = 0;
  double span_s() const { return last_s - first_s; }
  // n / span, as in calibration trace.azure2023.stats mean_rps (NaN if span is 0).
  double mean_rps() const;
};

class TraceReplay final : public ArrivalProcess {
 public:
  explicit TraceReplay(TraceReplayOptions options);
  double next_arrival(double now, Rng& rng) override;
  const ArrivalAttributes* attributes() const override { return &attr_; }
  // n / span x rate_scale x time_scale (loop: n / (span + mean gap) x ...).
  double mean_rate() const override;
  void add_summary(std::vector<std::pair<std::string, double>>& out) const override;

  const TraceStats& stats() const { return stats_; }
  double period_s() const { return period_s_; }  // loop period in trace time (0 without loop)
  uint64_t passes() const { return pass_ + 1; }

 private:
  bool advance_row();  // the next replayed row into row_; false at the end (no loop)

  TraceReplayOptions opt_;
  TraceStats stats_;
  double period_s_ = 0;
  uint64_t whole_copies_ = 1;
  double extra_copy_p_ = 0;
  std::unique_ptr<TraceReader> reader_;
  TraceRow row_;
  uint64_t pass_ = 0;
  uint64_t copies_left_ = 0;
  double current_t_ = 0;
  bool ended_ = false;
  ArrivalAttributes attr_;
};

}  // namespace dcsim::arrivals
