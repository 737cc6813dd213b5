#include "models/arrivals/renewal.hpp"

#include <cmath>
#include <stdexcept>

namespace dcsim::arrivals {

namespace {

// log(cv(k)^2 + 1) = lgamma(1+2/k) - 2 lgamma(1+1/k): finite for every k > 0 (no overflow).
double log_cv2_plus_1(double k) { return std::lgamma(1.0 + 2.0 / k) - 2.0 * std::lgamma(1.0 + 1.0 / k); }

void check_rate_cv(double rate, double cv) {
  if (!(rate > 0) || !std::isfinite(rate)) throw std::invalid_argument("arrival rate must be > 0");
  if (!(cv > 0) || !(cv <= 10)) throw std::invalid_argument("inter-arrival cv must be in (0, 10]");
}

}  // namespace

double weibull_cv(double k) { return std::sqrt(std::expm1(log_cv2_plus_1(k))); }

double weibull_shape_for_cv(double cv) {
  const double target = std::log1p(cv * cv);
  // cv(0.05) ~ 3.6e5, cv(500) ~ 2.6e-3: the bracket covers cv in (0.003, 1e5).
  double lo = std::log(0.05), hi = std::log(500.0);
  for (int i = 0; i < 200 && hi - lo > 1e-13; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (log_cv2_plus_1(std::exp(mid)) > target) lo = mid; else hi = mid;  // cv decreases with k
  }
  return std::exp(0.5 * (lo + hi));
}

GammaArrivals::GammaArrivals(double rate_per_s, double cv) : rate_(rate_per_s) {
  check_rate_cv(rate_per_s, cv);
  shape_ = 1.0 / (cv * cv);
  scale_ = 1.0 / (rate_per_s * shape_);
}

WeibullArrivals::WeibullArrivals(double rate_per_s, double cv) : rate_(rate_per_s) {
  check_rate_cv(rate_per_s, cv);
  shape_ = weibull_shape_for_cv(cv);
  scale_ = 1.0 / (rate_per_s * std::tgamma(1.0 + 1.0 / shape_));
}

DeterministicArrivals::DeterministicArrivals(double rate_per_s, double phase_s)
    : rate_(rate_per_s), gap_(1.0 / rate_per_s), phase_(phase_s) {
  if (!(rate_per_s > 0) || !std::isfinite(rate_per_s)) throw std::invalid_argument("arrival rate must be > 0");
  if (!(phase_s >= 0)) throw std::invalid_argument("phase must be >= 0");
}

double GammaArrivals::interarrival_scv() const { return 1.0 / shape_; }
double WeibullArrivals::interarrival_scv() const { return std::expm1(log_cv2_plus_1(shape_)); }
double DeterministicArrivals::interarrival_scv() const { return 0.0; }

double DeterministicArrivals::next_arrival(double now, Rng&) {
  double t = phase_ + n_ * gap_;
  if (t < now) {  // the caller skipped ahead: resume at the first arrival at or after `now`
    n_ = std::ceil((now - phase_) / gap_);
    t = phase_ + n_ * gap_;
  }
  n_ += 1;
  return t;
}

void register_renewal_models(ArrivalRegistry& r) {
  using scenario::ParamSpec;
  using units::Quantity;
  const auto rate = [] {
    return ParamSpec::quantity_of("rate", Quantity::rate).req().above(0).doc("Mean arrival rate (1 / mean gap).");
  };
  const auto cv = [] {
    return ParamSpec::quantity_of("cv", Quantity::dimensionless)
        .def("1")
        .above(0)
        .at_most(10)
        .doc("Coefficient of variation of the inter-arrival time (sd / mean); 1 = Poisson, > 1 burstier.");
  };
  r.add("gamma", "Renewal process with Gamma inter-arrival times: mean 1/rate, chosen cv (shape 1/cv^2).",
        {rate(), cv()},
        [](const scenario::Config& c, const ArrivalContext&) {
          return std::make_unique<GammaArrivals>(c.num("rate"), c.num("cv"));
        });
  r.add("weibull", "Renewal process with Weibull inter-arrival times: mean 1/rate, chosen cv (shape by bisection).",
        {rate(), cv()},
        [](const scenario::Config& c, const ArrivalContext&) {
          return std::make_unique<WeibullArrivals>(c.num("rate"), c.num("cv"));
        });
  r.add("deterministic", "Evenly spaced arrivals: one every 1/rate, the first at `phase`.",
        {rate(), ParamSpec::quantity_of("phase", Quantity::time).def("0 s").at_least(0).doc("Time of the first arrival.")},
        [](const scenario::Config& c, const ArrivalContext&) {
          return std::make_unique<DeterministicArrivals>(c.num("rate"), c.num("phase"));
        });
}

}  // namespace dcsim::arrivals
