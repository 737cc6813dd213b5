// Random streams. One scenario seed; every component derives its own stream from the seed and
// its name (e.g. "workloads/chat/arrivals"), so adding a component never changes the draws of
// the others, and the same scenario and seed always give the same run.
//
// Generator: xoshiro256++ (Blackman & Vigna 2019), seeded through splitmix64 from
// fnv1a64(name) mixed with the seed. Distributions are written here rather than taken from
// <random>, whose distributions differ between standard libraries: results must not depend on
// the compiler.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

namespace dcsim {

uint64_t fnv1a64(std::string_view s);
uint64_t splitmix64(uint64_t& state);

class Rng {
 public:
  Rng(uint64_t seed, std::string_view stream_name);

  uint64_t next_u64() {
    const uint64_t result = rotl(s_[0] + s_[3], 23) + s_[0];
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in (0, 1): never exactly 0 or 1, so log(u) is always finite.
  double uniform() { return (static_cast<double>(next_u64() >> 11) + 0.5) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Exponential with the given rate (mean 1/rate).
  double exponential(double rate) { return -std::log(uniform()) / rate; }
  double normal();                                   // standard normal (polar Box-Muller)
  double normal(double mean, double sd) { return mean + sd * normal(); }
  double lognormal(double mu, double sigma) { return std::exp(mu + sigma * normal()); }
  double gamma(double shape, double scale);           // Marsaglia & Tsang (2000)
  double weibull(double shape, double scale) { return scale * std::pow(-std::log(uniform()), 1.0 / shape); }
  bool bernoulli(double p) { return uniform() < p; }
  uint64_t below(uint64_t n);                         // uniform integer in [0, n), unbiased

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
  double spare_normal_ = 0;
  bool has_spare_ = false;
};

}  // namespace dcsim
