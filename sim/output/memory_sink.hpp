// A Sink that keeps everything in memory: for tests and for runs without an output file.
#pragma once

#include <vector>

#include "sim/output/sink.hpp"

namespace dcsim::output {

class MemorySink final : public Sink {
 public:
  void open(const RunMeta& meta, const std::vector<SeriesInfo>& series) override {
    meta_ = meta;
    series_ = series;
  }
  void append(double time_s, const std::vector<double>& values) override {
    times_.push_back(time_s);
    rows_.push_back(values);
  }
  void event(const EventRecord& e) override { events_.push_back(e); }
  void request(const RequestRecord& r) override { requests_.push_back(r); }
  void close(const RunEnd& end) override {
    end_ = end;
    closed_ = true;
  }

  const RunMeta& meta() const { return meta_; }
  const std::vector<SeriesInfo>& series() const { return series_; }
  const std::vector<double>& times() const { return times_; }
  const std::vector<std::vector<double>>& rows() const { return rows_; }
  const std::vector<EventRecord>& events() const { return events_; }
  const std::vector<RequestRecord>& requests() const { return requests_; }
  const RunEnd& end() const { return end_; }
  bool closed() const { return closed_; }
  // Column of a series by group and name (throws std::out_of_range if absent).
  std::vector<double> column(const std::string& group, const std::string& name) const {
    for (size_t i = 0; i < series_.size(); ++i) {
      if (series_[i].group == group && series_[i].name == name) {
        std::vector<double> out;
        for (const auto& r : rows_) out.push_back(r[i]);
        return out;
      }
    }
    throw std::out_of_range("no series " + group + "/" + name);
  }

 private:
  RunMeta meta_;
  std::vector<SeriesInfo> series_;
  std::vector<double> times_;
  std::vector<std::vector<double>> rows_;
  std::vector<EventRecord> events_;
  std::vector<RequestRecord> requests_;
  RunEnd end_;
  bool closed_ = false;
};

}  // namespace dcsim::output
