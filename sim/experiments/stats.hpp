// Statistics across seeds for the planner's "with a stated confidence":
//   one-sided bound on the mean of n values  m ± t(c, n−1) · s / √n
// with s the sample standard deviation and t(c, ν) the c-quantile of Student's t with ν degrees
// of freedom, computed from its CDF (regularized incomplete beta function, continued fraction as
// in Press et al., Numerical Recipes, 3rd ed., §6.4) by bisection. Checked against published
// table values in tests/unit/experiments_stats_test.cpp.
#pragma once

#include <vector>

namespace dcsim::experiments {

double mean(const std::vector<double>& xs);
double sample_stddev(const std::vector<double>& xs);  // n − 1 in the denominator; 0 for n < 2

// P(T <= t) for Student's t with `df` > 0 degrees of freedom.
double student_t_cdf(double t, double df);
// The p-quantile (0 < p < 1).
double student_t_quantile(double p, double df);

// Upper (or lower) one-sided confidence bound on the mean at level `confidence`; NaN if any value
// is NaN or there are fewer than 2 values.
double confidence_bound(const std::vector<double>& xs, double confidence, bool upper);

}  // namespace dcsim::experiments
