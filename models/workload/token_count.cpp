#include "models/workload/token_count.hpp"

#include <algorithm>
#include <cmath>

namespace dcsim::workload {

namespace {

class FixedTokens final : public TokenCount {
 public:
  explicit FixedTokens(uint32_t n) : n_(n) {}
  uint32_t draw(Rng&) override { return n_; }
  double mean() const override { return n_; }

 private:
  uint32_t n_;
};

class LognormalTokens final : public TokenCount {
 public:
  LognormalTokens(double median, double sigma, double lo, double hi)
      : mu_(std::log(median)), sigma_(sigma), lo_(lo), hi_(hi) {}
  uint32_t draw(Rng& rng) override {
    return static_cast<uint32_t>(std::clamp(std::round(rng.lognormal(mu_, sigma_)), lo_, hi_));
  }
  double mean() const override { return std::exp(mu_ + 0.5 * sigma_ * sigma_); }

 private:
  double mu_, sigma_, lo_, hi_;
};

}  // namespace

TokenCountRegistry& token_count_registry() {
  static TokenCountRegistry r("token_count", "Distribution of a token count (prompt or output length).");
  return r;
}

void register_token_count_models() {
  using scenario::ParamSpec;
  using units::Quantity;
  auto& r = token_count_registry();
  r.add("fixed", "Every request has the same number of tokens.",
        {ParamSpec::integer("tokens").req().at_least(0).at_most(10000000).doc("Tokens per request.")},
        [](const scenario::Config& c) { return std::make_unique<FixedTokens>(static_cast<uint32_t>(c.integer("tokens"))); });
  r.add("lognormal", "Lognormal token count, rounded and clamped to [min, max].",
        {ParamSpec::quantity_of("median", Quantity::dimensionless).req().above(0).doc("Median token count."),
         ParamSpec::quantity_of("sigma", Quantity::dimensionless).def("1").at_least(0).at_most(5).doc("Standard deviation of ln(tokens)."),
         ParamSpec::integer("min").def("1").at_least(0).doc("Smallest count."),
         ParamSpec::integer("max").def("131072").at_least(1).doc("Largest count (context window).")},
        [](const scenario::Config& c) {
          return std::make_unique<LognormalTokens>(c.num("median"), c.num("sigma"), c.num("min"), c.num("max"));
        });
}

}  // namespace dcsim::workload
