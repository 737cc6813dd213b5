// Self-exciting (Hawkes) arrivals (`model: hawkes`): each arrival raises the rate for a while,
// giving bursts and clustering (retries, shared links, agent fan-out).
//
//   lambda(t) = mu + sum_{t_i < t} phi(t - t_i),   phi(s) = (n/tau) e^{-s/tau}
//   (Hawkes 1971, "Spectra of some self-exciting and mutually exciting point processes",
//   Biometrika 58(1)). Branching ratio n = integral of phi = mean number of arrivals each arrival
//   triggers; stationary only for n < 1, then the mean rate is mu / (1 - n) and counts in windows
//   much longer than tau have variance/mean -> 1/(1 - n)^2 (overdispersed; Poisson: 1).
// The exponential kernel is Markov: with E = lambda(t_k) - mu just after the last arrival t_k,
//   lambda(t) = mu + E e^{-(t - t_k)/tau},   and an arrival adds n/tau to E.
// Sampling: Ogata (1981) thinning, exact. Between arrivals lambda only decays, so lambda(s) at
// the current candidate time bounds it until the next candidate: draw a gap ~ Exp(bound), accept
// with probability lambda(t)/bound, else lower the bound to lambda(t) and repeat. O(1) state.
// The process starts empty (lambda(0) = mu). No constants: mu, n and tau come from the scenario.
#pragma once

#include "models/arrivals/arrival_process.hpp"

namespace dcsim::arrivals {

class HawkesArrivals final : public ArrivalProcess {
 public:
  // Throws std::invalid_argument unless mu > 0, 0 <= n < 1, tau > 0.
  HawkesArrivals(double base_rate_per_s, double branching_ratio, double decay_s);
  double next_arrival(double now, Rng& rng) override;
  double mean_rate() const override { return mu_ / (1 - n_); }
  // lambda(t) for t >= the last arrival.
  double intensity(double t) const;

 private:
  double mu_, n_, tau_;
  double jump_;          // n / tau
  double excess_ = 0;    // E = lambda - mu just after the last arrival
  double last_t_ = 0;    // time of the last arrival (E is referred to it)
};

void register_hawkes_models(ArrivalRegistry& r);

}  // namespace dcsim::arrivals
