// A histogram with relative-error buckets (the DDSketch idea: Masson, Rim & Lee, VLDB 2019), for
// latency percentiles whose memory does not grow with the number of requests.
//
//   gamma = (1 + a) / (1 - a),   bucket(x) = ceil(log(x) / log(gamma)),
//   estimate(bucket i) = 2 gamma^i / (gamma + 1)
// so every quantile estimate is within a relative error `a` (default 1 %) of a value in the data.
// Values in [min_value, max_value] (default 1 us .. 1e7 s) are bucketed; smaller positive values
// count in the lowest bucket, zero and negative values in a separate zero bucket, larger ones in
// the highest bucket. Fixed memory: about 1,500 counters for the default range.
#pragma once

#include <cstdint>
#include <vector>

namespace dcsim {

class LogHistogram {
 public:
  explicit LogHistogram(double relative_accuracy = 0.01, double min_value = 1e-6, double max_value = 1e7);

  void add(double x);
  void add(double x, uint64_t n);  // n observations of x (the fluid fidelity's counts)
  void clear();
  void merge(const LogHistogram& other);  // same parameters required

  uint64_t count() const { return count_; }
  double sum() const { return sum_; }
  double mean() const;
  // q in [0, 1]. NaN when empty. Within the relative accuracy of the true q-quantile (the value of
  // rank floor(q (n-1)) in the sorted data).
  double quantile(double q) const;
  double relative_accuracy() const { return accuracy_; }

 private:
  int bucket_of(double x) const;
  double value_of(int bucket) const;

  double accuracy_;
  double gamma_;
  double inv_log_gamma_;
  int min_bucket_;
  int max_bucket_;
  std::vector<uint64_t> counts_;  // index = bucket - min_bucket_
  uint64_t zero_count_ = 0;
  uint64_t count_ = 0;
  double sum_ = 0;
  int lowest_used_;   // touched range, to keep clear() and quantile() short
  int highest_used_;
};

}  // namespace dcsim
