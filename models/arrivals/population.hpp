// User population N(t) of a newly launched AI service (the population behind `model: viral`).
//
// Bass diffusion (Bass 1969, "A new product growth model for consumer durables", Management
// Science 15(5)): market size m, innovation p (1/s), imitation q (1/s):
//   F(s) = (1 - e^{-(p+q)s}) / (1 + (q/p) e^{-(p+q)s}),   N(t) = m F(t - onset + s0)
// where the time offset s0 makes N(onset) = N0 (initial users):
//   x0 = (1 - f) / (1 + f q/p),  f = N0/m,  s0 = -ln(x0) / (p+q)     (s0 = 0 when N0 = 0).
// Logistic through two points: N0 users at onset, N1 users at onset + T, carrying capacity K
// (N0 < N1 < K):
//   N(t) = K / (1 + ((K - N0)/N0) e^{-r (t - onset)}),   r = ln( N1 (K - N0) / (N0 (K - N1)) ) / T.
// Both: N(t) = N0 for t < onset; N is non-decreasing in t (the arrival thinning relies on it).
// Constants come from the scenario; calibration examples (surge.openai_images_week1,
// surge.kakao_ddmm) are in docs/models/arrivals-viral-hawkes.md.
#pragma once

namespace dcsim::arrivals {

class Population {
 public:
  // Throws std::invalid_argument unless m > 0, p > 0, q >= 0, 0 <= N0 < m.
  static Population bass(double market, double innovation_per_s, double imitation_per_s, double initial_users,
                         double onset_s);
  // Throws std::invalid_argument unless 0 < N0 < N1 < K and T > 0.
  static Population logistic(double initial_users, double target_users, double target_time_s, double capacity,
                             double onset_s);

  double users(double t) const;
  double initial_users() const { return n0_; }
  // Limit of N(t) as t -> inf: m (Bass) or K (logistic).
  double ceiling() const { return ceiling_; }
  // Logistic growth rate r (1/s); for Bass, p + q.
  double rate() const { return rate_; }

 private:
  enum class Kind { bass, logistic };
  Population() = default;

  Kind kind_ = Kind::bass;
  double n0_ = 0;
  double onset_ = 0;
  double ceiling_ = 0;  // m or K
  double rate_ = 0;     // p + q, or r
  double ratio_ = 0;    // q/p (Bass) or (K - N0)/N0 (logistic)
  double offset_ = 0;   // s0 (Bass)
};

}  // namespace dcsim::arrivals
