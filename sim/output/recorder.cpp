#include "sim/output/recorder.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace dcsim::output {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

Recorder::Recorder(Engine& engine, double step_s) : engine_(engine), step_(step_s) {
  if (!(step_s > 0)) throw std::invalid_argument("record step must be > 0");
}

bool Recorder::has_series(const std::string& group, const std::string& name) const {
  for (const auto& s : infos_) {
    if (s.group == group && s.name == name) return true;
  }
  return false;
}

SeriesRef Recorder::ref(const std::string& group, const std::string& name) const {
  for (size_t i = 0; i < infos_.size(); ++i) {
    if (infos_[i].group == group && infos_[i].name == name) return SeriesRef{i};
  }
  throw std::logic_error("no series '" + group + "/" + name + "' was declared");
}

size_t Recorder::declare(const std::string& group, const std::string& name, const std::string& units,
                         const std::string& long_name, Aggregation agg, Column column) {
  if (started_) throw std::logic_error("series '" + group + "/" + name + "' declared after the run started");
  if (has_series(group, name)) throw std::logic_error("series '" + group + "/" + name + "' declared twice");
  infos_.push_back(SeriesInfo{group, name, units, long_name, agg});
  columns_.push_back(std::move(column));
  return columns_.size() - 1;
}

Counter Recorder::counter(const std::string& group, const std::string& name, const std::string& units,
                          const std::string& long_name, SeriesRef* ref) {
  counters_.push_back(0.0);
  const size_t col = declare(group, name, units, long_name, Aggregation::sum, Column(Kind::counter, counters_.size() - 1));
  if (ref) ref->column = col;
  return Counter(&counters_.back());
}

Level Recorder::level(const std::string& group, const std::string& name, const std::string& units,
                      const std::string& long_name, const std::string& integral_name,
                      const std::string& integral_units, const std::string& integral_long_name, SeriesRef* ref,
                      SeriesRef* integral_ref) {
  levels_.emplace_back();
  const size_t idx = levels_.size() - 1;
  const size_t col = declare(group, name, units, long_name, Aggregation::mean, Column(Kind::level, idx));
  if (ref) ref->column = col;
  if (!integral_name.empty()) {
    const size_t icol = declare(group, integral_name, integral_units, integral_long_name, Aggregation::sum,
                                Column(Kind::level_integral, idx));
    if (integral_ref) integral_ref->column = icol;
  }
  return Level(&levels_.back());
}

void Recorder::gauge(const std::string& group, const std::string& name, const std::string& units,
                     const std::string& long_name, std::function<double()> probe, SeriesRef* ref) {
  probes_.push_back(std::move(probe));
  const size_t col = declare(group, name, units, long_name, Aggregation::last, Column(Kind::gauge, probes_.size() - 1));
  if (ref) ref->column = col;
}

Quantiles Recorder::quantiles(const std::string& group, const std::vector<QuantileSpec>& specs,
                              const std::string& units) {
  histograms_.emplace_back();
  const size_t idx = histograms_.size() - 1;
  for (const auto& s : specs) {
    declare(group, s.name, units, s.long_name, Aggregation::quantile, Column(Kind::quantile, idx, s.q));
  }
  return Quantiles(&histograms_.back());
}

Ratio Recorder::ratio(const std::string& group, const std::string& name, const std::string& long_name) {
  ratios_.emplace_back();
  declare(group, name, "1", long_name, Aggregation::mean, Column(Kind::ratio, ratios_.size() - 1));
  return Ratio(&ratios_.back());
}

SeriesRef Recorder::sum_of(const std::string& group, const std::string& name, const std::string& units,
                           const std::string& long_name, const std::vector<SeriesRef>& inputs) {
  Column c(Kind::sum, 0);
  Aggregation agg = Aggregation::sum;
  for (const auto& in : inputs) {
    if (in.column >= columns_.size()) throw std::logic_error("sum_of '" + name + "': unknown input series");
    c.inputs.push_back(in.column);
    agg = infos_[in.column].aggregation;  // a sum of means is a mean, of sums a sum
  }
  return SeriesRef{declare(group, name, units, long_name, agg, std::move(c))};
}

SeriesRef Recorder::weighted_sum_of(const std::string& group, const std::string& name, const std::string& units,
                                    const std::string& long_name, const std::vector<SeriesRef>& inputs,
                                    const std::vector<double>& weights) {
  if (weights.size() != inputs.size()) throw std::logic_error("weighted_sum_of '" + name + "': one weight per input");
  const SeriesRef r = sum_of(group, name, units, long_name, inputs);
  columns_[r.column].weights = weights;
  return r;
}

SeriesRef Recorder::affine_of(const std::string& group, const std::string& name, const std::string& units,
                              const std::string& long_name, SeriesRef input, double offset, double slope) {
  if (input.column >= columns_.size()) throw std::logic_error("affine_of '" + name + "': unknown input series");
  const Aggregation agg = infos_[input.column].aggregation;
  if (agg != Aggregation::sum && agg != Aggregation::mean && agg != Aggregation::last) {
    throw std::logic_error("affine_of '" + name + "': input must be a sum, mean or last series");
  }
  Column c(Kind::affine, 0);
  c.inputs.push_back(input.column);
  c.offset = offset;
  c.slope = slope;
  c.offset_per_s = agg == Aggregation::sum;
  return SeriesRef{declare(group, name, units, long_name, agg, std::move(c))};
}

void Recorder::event(const std::string& kind, const std::string& subject, double value, const std::string& detail) {
  if (sink_) sink_->event(EventRecord{engine_.now(), kind, subject, value, detail});
}

void Recorder::start(Sink* sink, const RunMeta& meta) {
  sink_ = sink;
  started_ = true;
  row_.assign(columns_.size(), 0.0);
  last_sample_t_ = engine_.now();
  for (auto& l : levels_) l.last_t = last_sample_t_;
  if (sink_) sink_->open(meta, infos_);
  engine_.at(last_sample_t_ + step_, this, 0);
}

void Recorder::on_event(uint64_t) {
  sample(engine_.now());
  engine_.at(engine_.now() + step_, this, 0);
}

void Recorder::finish(double t_end) {
  if (t_end > last_sample_t_ + 1e-9 * std::max(1.0, std::abs(t_end))) sample(t_end);
}

void Recorder::sample(double t) {
  const double dt = t - last_sample_t_;
  for (auto& l : levels_) {  // close the integrals at t
    l.integral += l.value * (t - l.last_t);
    l.last_t = t;
  }
  for (size_t i = 0; i < columns_.size(); ++i) {
    const Column& c = columns_[i];
    double v = 0;
    switch (c.kind) {
      case Kind::counter: v = counters_[c.index]; break;
      case Kind::level: v = dt > 0 ? levels_[c.index].integral / dt : levels_[c.index].value; break;
      case Kind::level_integral: v = levels_[c.index].integral; break;
      case Kind::gauge: v = probes_[c.index](); break;
      case Kind::quantile: v = histograms_[c.index].quantile(c.q); break;
      case Kind::ratio: {
        const RatioState& r = ratios_[c.index];
        v = r.total > 0 ? r.good / r.total : kNaN;
        break;
      }
      case Kind::sum:
        if (c.weights.empty()) {
          for (size_t in : c.inputs) v += row_[in];
        } else {
          for (size_t k = 0; k < c.inputs.size(); ++k) v += c.weights[k] * row_[c.inputs[k]];
        }
        break;
      case Kind::affine: v = (c.offset_per_s ? c.offset * dt : c.offset) + c.slope * row_[c.inputs[0]]; break;
    }
    row_[i] = v;
  }
  for (auto& x : counters_) x = 0;
  for (auto& l : levels_) l.integral = 0;
  for (auto& h : histograms_) h.clear();
  for (auto& r : ratios_) r = RatioState{};
  last_sample_t_ = t;
  ++samples_;
  if (sink_) sink_->append(t, row_);
}

}  // namespace dcsim::output
