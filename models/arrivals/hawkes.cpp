#include "models/arrivals/hawkes.hpp"

#include <cmath>
#include <stdexcept>

#include "sim/scenario/diagnostics.hpp"

namespace dcsim::arrivals {

HawkesArrivals::HawkesArrivals(double base_rate_per_s, double branching_ratio, double decay_s)
    : mu_(base_rate_per_s), n_(branching_ratio), tau_(decay_s), jump_(branching_ratio / decay_s) {
  if (!(mu_ > 0) || !(n_ >= 0 && n_ < 1) || !(tau_ > 0)) {
    throw std::invalid_argument("Hawkes process needs mu > 0, 0 <= n < 1 and tau > 0");
  }
}

double HawkesArrivals::intensity(double t) const { return mu_ + excess_ * std::exp(-(t - last_t_) / tau_); }

double HawkesArrivals::next_arrival(double now, Rng& rng) {
  double t = now > last_t_ ? now : last_t_;
  double bound = intensity(t);
  for (;;) {
    t += rng.exponential(bound);
    const double lam = intensity(t);
    if (rng.uniform() * bound <= lam) {
      excess_ = lam - mu_ + jump_;
      last_t_ = t;
      return t;
    }
    bound = lam;
  }
}

void register_hawkes_models(ArrivalRegistry& r) {
  using scenario::ParamSpec;
  using units::Quantity;
  r.add("hawkes",
        "Self-exciting Hawkes process with an exponential kernel: base rate mu, each arrival adds (n/tau) "
        "e^{-t/tau} to the rate; mean rate mu/(1-n).",
        {
            ParamSpec::quantity_of("base_rate", Quantity::rate).req().above(0).doc(
                "Immigrant (background) rate mu."),
            ParamSpec::quantity_of("branching_ratio", Quantity::dimensionless).req().at_least(0).doc(
                "Mean number of arrivals triggered by each arrival, n; must be < 1 for a stationary process."),
            ParamSpec::quantity_of("decay", Quantity::time).req().above(0).doc(
                "Decay time tau of the exponential kernel (mean delay of a triggered arrival)."),
        },
        [](const scenario::Config& c, const ArrivalContext&) -> std::unique_ptr<ArrivalProcess> {
          const double n = c.num("branching_ratio");
          if (!(n < 1)) {
            throw scenario::InputError(c.where("branching_ratio"), c.path() + ".branching_ratio",
                                       "got '" + c.value("branching_ratio").text +
                                           "', expected a value < 1: the branching ratio must be < 1 for a "
                                           "stationary process");
          }
          return std::make_unique<HawkesArrivals>(c.num("base_rate"), n, c.num("decay"));
        });
}

}  // namespace dcsim::arrivals
