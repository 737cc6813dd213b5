#include "sim/metrics/log_histogram.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace dcsim {

LogHistogram::LogHistogram(double relative_accuracy, double min_value, double max_value)
    : accuracy_(relative_accuracy) {
  if (!(relative_accuracy > 0 && relative_accuracy < 1) || !(min_value > 0) || !(max_value > min_value)) {
    throw std::invalid_argument("LogHistogram: need 0 < accuracy < 1 and 0 < min_value < max_value");
  }
  gamma_ = (1 + accuracy_) / (1 - accuracy_);
  inv_log_gamma_ = 1.0 / std::log(gamma_);
  min_bucket_ = static_cast<int>(std::ceil(std::log(min_value) * inv_log_gamma_));
  max_bucket_ = static_cast<int>(std::ceil(std::log(max_value) * inv_log_gamma_));
  counts_.assign(static_cast<size_t>(max_bucket_ - min_bucket_ + 1), 0);
  lowest_used_ = max_bucket_ + 1;
  highest_used_ = min_bucket_ - 1;
}

int LogHistogram::bucket_of(double x) const {
  const int b = static_cast<int>(std::ceil(std::log(x) * inv_log_gamma_));
  return std::clamp(b, min_bucket_, max_bucket_);
}

double LogHistogram::value_of(int bucket) const { return 2.0 * std::pow(gamma_, bucket) / (gamma_ + 1.0); }

void LogHistogram::add(double x) {  // the per-request path: kept apart from add(x, n)
  ++count_;
  sum_ += x;
  if (!(x > 0)) {
    ++zero_count_;
    return;
  }
  const int b = bucket_of(x);
  ++counts_[static_cast<size_t>(b - min_bucket_)];
  lowest_used_ = std::min(lowest_used_, b);
  highest_used_ = std::max(highest_used_, b);
}

void LogHistogram::add(double x, uint64_t n) {
  if (n == 0) return;
  count_ += n;
  sum_ += x * double(n);
  if (!(x > 0)) {
    zero_count_ += n;
    return;
  }
  const int b = bucket_of(x);
  counts_[static_cast<size_t>(b - min_bucket_)] += n;
  lowest_used_ = std::min(lowest_used_, b);
  highest_used_ = std::max(highest_used_, b);
}

void LogHistogram::clear() {
  if (highest_used_ >= lowest_used_) {
    std::fill(counts_.begin() + (lowest_used_ - min_bucket_), counts_.begin() + (highest_used_ - min_bucket_ + 1), 0);
  }
  zero_count_ = count_ = 0;
  sum_ = 0;
  lowest_used_ = max_bucket_ + 1;
  highest_used_ = min_bucket_ - 1;
}

void LogHistogram::merge(const LogHistogram& other) {
  if (other.min_bucket_ != min_bucket_ || other.max_bucket_ != max_bucket_ || other.gamma_ != gamma_) {
    throw std::invalid_argument("LogHistogram::merge: different parameters");
  }
  for (int b = other.lowest_used_; b <= other.highest_used_; ++b) {
    counts_[static_cast<size_t>(b - min_bucket_)] += other.counts_[static_cast<size_t>(b - min_bucket_)];
  }
  zero_count_ += other.zero_count_;
  count_ += other.count_;
  sum_ += other.sum_;
  lowest_used_ = std::min(lowest_used_, other.lowest_used_);
  highest_used_ = std::max(highest_used_, other.highest_used_);
}

double LogHistogram::mean() const {
  return count_ == 0 ? std::numeric_limits<double>::quiet_NaN() : sum_ / static_cast<double>(count_);
}

double LogHistogram::quantile(double q) const {
  if (count_ == 0) return std::numeric_limits<double>::quiet_NaN();
  const auto rank = static_cast<uint64_t>(std::floor(std::clamp(q, 0.0, 1.0) * static_cast<double>(count_ - 1)));
  uint64_t seen = zero_count_;
  if (rank < seen) return 0.0;
  for (int b = lowest_used_; b <= highest_used_; ++b) {
    seen += counts_[static_cast<size_t>(b - min_bucket_)];
    if (rank < seen) return value_of(b);
  }
  return value_of(highest_used_);
}

}  // namespace dcsim
