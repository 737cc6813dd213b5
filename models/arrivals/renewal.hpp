// Renewal arrival processes: independent, identically distributed inter-arrival times T with
// mean 1/rate and a chosen coefficient of variation cv = sd(T)/E[T] (burstiness: cv > 1 is
// burstier than Poisson, cv < 1 more regular).
//
//   gamma:          T ~ Gamma(k, theta),   k = 1/cv^2,  theta = 1/(rate k)
//                   (E[T] = k theta = 1/rate, Var[T] = k theta^2 = cv^2/rate^2)
//   weibull:        T ~ Weibull(k, lambda), cv(k)^2 = Gamma(1+2/k)/Gamma(1+1/k)^2 - 1,
//                   k solved from cv by bisection on log k (cv(k) is decreasing in k),
//                   lambda = 1/(rate Gamma(1+1/k))   (E[T] = lambda Gamma(1+1/k) = 1/rate)
//   deterministic:  arrivals at phase + n/rate, n = 0, 1, 2, ... (cv = 0)
// cv = 1 gives back Poisson (gamma k = 1 and weibull k = 1 are both Exponential(rate)).
// Sources: moment formulas of the Gamma and Weibull laws (e.g. Johnson, Kotz & Balakrishnan,
// Continuous Univariate Distributions vol. 1, 2nd ed., ch. 17 and 21); no calibrated constants.
// The cv range (0, 10] keeps the Gamma shape >= 0.01, where the sampler stays accurate.
#pragma once

#include "models/arrivals/arrival_process.hpp"

namespace dcsim::arrivals {

class GammaArrivals final : public ArrivalProcess {
 public:
  GammaArrivals(double rate_per_s, double cv);
  double next_arrival(double now, Rng& rng) override { return now + rng.gamma(shape_, scale_); }
  double mean_rate() const override { return rate_; }
  double rate(double) const override { return rate_; }
  double interarrival_scv() const override;
  double shape() const { return shape_; }

 private:
  double rate_, shape_, scale_;
};

class WeibullArrivals final : public ArrivalProcess {
 public:
  WeibullArrivals(double rate_per_s, double cv);
  double next_arrival(double now, Rng& rng) override { return now + rng.weibull(shape_, scale_); }
  double mean_rate() const override { return rate_; }
  double rate(double) const override { return rate_; }
  double interarrival_scv() const override;
  double shape() const { return shape_; }

 private:
  double rate_, shape_, scale_;
};

class DeterministicArrivals final : public ArrivalProcess {
 public:
  DeterministicArrivals(double rate_per_s, double phase_s);
  double next_arrival(double now, Rng& rng) override;
  double mean_rate() const override { return rate_; }
  double rate(double) const override { return rate_; }
  double interarrival_scv() const override;

 private:
  double rate_, gap_, phase_;
  double n_ = 0;  // index of the next arrival (a double: exact up to 2^53)
};

// Weibull shape k whose inter-arrival cv is `cv` (bisection; relative error < 1e-12).
double weibull_shape_for_cv(double cv);
// cv of a Weibull law of shape k.
double weibull_cv(double k);

void register_renewal_models(ArrivalRegistry& r);

}  // namespace dcsim::arrivals
