// The recorder: components declare the series they produce and update them through small
// handles; every record.step the recorder turns them into one sample and hands it to a Sink
// (the HDF5 writer). Models never see HDF5 (STYLE.md 9).
//
// Kinds of series (the HDF5 "aggregation" attribute):
//   counter      sum over the step               handle.add(x)
//   level        time average over the step      handle.set(now, v); optional integral series
//                (e.g. power_w with energy_j = integral of power over the step)
//   gauge        value at the sample instant     a probe function, called once per sample
//   quantiles    percentiles of the step's observations (NaN if none)   handle.observe(x)
//   ratio        good / total over the step (NaN if total is 0)          handle.add(good)
//   sum_of       sum of earlier series of this recorder (site = sum of its pools)
//   affine_of    offset + slope · x of one earlier series x, computed at sampling time:
//                x a step mean or a value at the instant:  y = offset + slope · x
//                x a sum over the step (an integral):      y = offset · dt + slope · x
//                (offset is then a rate: the integral of offset + slope · x(t) over the step
//                of length dt). Exact for any x(t) since the map is affine. Pool IT power from
//                pool GPU power (models/power/server_power.hpp).
// Handles are pointers into stable storage: updating one is an inline add, no lookup, no
// allocation. Declarations happen before the run; sampling is an event on the engine's heap.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/engine/engine.hpp"
#include "sim/metrics/log_histogram.hpp"
#include "sim/output/sink.hpp"

namespace dcsim::output {

struct SeriesRef {
  size_t column = 0;
};

class Counter {
 public:
  Counter() = default;
  explicit Counter(double* v) : v_(v) {}
  void add(double x = 1.0) { *v_ += x; }

 private:
  double* v_ = nullptr;
};

struct LevelState {
  double value = 0;     // current level
  double integral = 0;  // integral of value dt since the last sample
  double last_t = 0;
};

class Level {
 public:
  Level() = default;
  explicit Level(LevelState* s) : s_(s) {}
  void set(double now, double v) {
    s_->integral += s_->value * (now - s_->last_t);
    s_->last_t = now;
    s_->value = v;
  }
  double value() const { return s_->value; }

 private:
  LevelState* s_ = nullptr;
};

class Quantiles {
 public:
  Quantiles() = default;
  explicit Quantiles(LogHistogram* h) : h_(h) {}
  void observe(double x) { h_->add(x); }

 private:
  LogHistogram* h_ = nullptr;
};

struct RatioState {
  double good = 0;
  double total = 0;
};

class Ratio {
 public:
  Ratio() = default;
  explicit Ratio(RatioState* s) : s_(s) {}
  void add(bool good) {
    s_->total += 1;
    if (good) s_->good += 1;
  }

 private:
  RatioState* s_ = nullptr;
};

struct QuantileSpec {
  std::string name;  // "latency_p99_s"
  double q;          // 0.99
  std::string long_name;
};

class Recorder : public EventHandler {
 public:
  Recorder(Engine& engine, double step_s);

  Counter counter(const std::string& group, const std::string& name, const std::string& units,
                  const std::string& long_name, SeriesRef* ref = nullptr);
  // A time-averaged level; if integral_name is not empty, also a series of its integral per step.
  Level level(const std::string& group, const std::string& name, const std::string& units,
              const std::string& long_name, const std::string& integral_name = "",
              const std::string& integral_units = "", const std::string& integral_long_name = "",
              SeriesRef* ref = nullptr, SeriesRef* integral_ref = nullptr);
  void gauge(const std::string& group, const std::string& name, const std::string& units,
             const std::string& long_name, std::function<double()> probe, SeriesRef* ref = nullptr);
  Quantiles quantiles(const std::string& group, const std::vector<QuantileSpec>& specs, const std::string& units);
  Ratio ratio(const std::string& group, const std::string& name, const std::string& long_name);
  SeriesRef sum_of(const std::string& group, const std::string& name, const std::string& units,
                   const std::string& long_name, const std::vector<SeriesRef>& inputs);
  // Σ weights[i] · inputs[i] (e.g. the GPU utilization of a pool made of two sub-pools).
  SeriesRef weighted_sum_of(const std::string& group, const std::string& name, const std::string& units,
                            const std::string& long_name, const std::vector<SeriesRef>& inputs,
                            const std::vector<double>& weights);
  // offset + slope · input (see the header); input must be a sum, mean or last series.
  SeriesRef affine_of(const std::string& group, const std::string& name, const std::string& units,
                      const std::string& long_name, SeriesRef input, double offset, double slope);

  void event(const std::string& kind, const std::string& subject, double value, const std::string& detail = "");
  // A row of the sampled request table (the caller samples).
  void request(const RequestRecord& r) {
    if (sink_) sink_->request(r);
  }

  // Simulated time (for gauge probes that compute a value at the sample instant).
  double now() const { return engine_.now(); }

  const std::vector<SeriesInfo>& series() const { return infos_; }
  bool has_series(const std::string& group, const std::string& name) const;
  // The series declared under group/name; throws std::logic_error if there is none.
  SeriesRef ref(const std::string& group, const std::string& name) const;

  // Open the sink (may be null: samples are computed and dropped) and schedule the first sample.
  void start(Sink* sink, const RunMeta& meta);
  // Write the last (possibly shorter) step if t_end is past the last sample.
  void finish(double t_end);
  size_t samples_written() const { return samples_; }
  // The values of the last sample (tests, summaries).
  const std::vector<double>& last_sample() const { return row_; }

  void on_event(uint64_t tag) override;

 private:
  enum class Kind { counter, level, level_integral, gauge, quantile, ratio, sum, affine };
  struct Column {
    Column(Kind k, size_t i, double quantile = 0) : kind(k), index(i), q(quantile) {}
    Kind kind;
    size_t index;                // into the storage of its kind
    double q;                    // quantile
    std::vector<size_t> inputs;  // sum; affine: one input
    std::vector<double> weights;  // sum: one per input, or empty (all 1)
    double offset = 0;           // affine (a rate when the input is a sum over the step)
    double slope = 0;            // affine
    bool offset_per_s = false;   // affine: offset · dt
  };
  size_t declare(const std::string& group, const std::string& name, const std::string& units,
                 const std::string& long_name, Aggregation agg, Column column);
  void sample(double t);

  Engine& engine_;
  double step_;
  Sink* sink_ = nullptr;
  double last_sample_t_ = 0;
  size_t samples_ = 0;
  bool started_ = false;

  std::vector<SeriesInfo> infos_;
  std::vector<Column> columns_;
  std::vector<double> row_;
  std::deque<double> counters_;
  std::deque<LevelState> levels_;
  std::vector<std::function<double()>> probes_;
  std::deque<LogHistogram> histograms_;
  std::deque<RatioState> ratios_;
};

}  // namespace dcsim::output
