#include "models/workload/token_count.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <vector>

#include "models/arrivals/trace_reader.hpp"

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

class EmpiricalTokens final : public TokenCount {
 public:
  explicit EmpiricalTokens(std::vector<uint32_t> values) : values_(std::move(values)) {
    double sum = 0;
    for (uint32_t v : values_) sum += v;
    mean_ = values_.empty() ? 0 : sum / static_cast<double>(values_.size());
  }
  uint32_t draw(Rng& rng) override { return values_[rng.below(values_.size())]; }
  double mean() const override { return mean_; }

 private:
  std::vector<uint32_t> values_;
  double mean_ = 0;
};

std::unique_ptr<TokenCount> make_empirical(const scenario::Config& c, const arrivals::ArrivalContext& ctx) {
  std::filesystem::path path = c.str("path");
  if (path.is_relative() && !ctx.scenario_dir.empty()) path = std::filesystem::path(ctx.scenario_dir) / path;
  arrivals::TraceReaderOptions opt;
  opt.skip_bad_rows = c.flag("skip_bad_rows");
  opt.where = c.where("path");
  opt.key_path = c.path();
  arrivals::TraceReader reader(path.lexically_normal().string(), arrivals::parse_trace_format(c.str("format")), opt);
  const bool prompt = c.str("column") == "prompt";
  std::vector<uint32_t> values;
  arrivals::TraceRow row;
  while (reader.next(row)) values.push_back(prompt ? row.prompt_tokens : row.output_tokens);
  if (values.empty()) {
    throw scenario::InputError(c.where("path"), c.path() + ".path", "trace file '" + path.string() + "' has no rows");
  }
  return std::make_unique<EmpiricalTokens>(std::move(values));
}

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
        [](const scenario::Config& c, const arrivals::ArrivalContext&) { return std::make_unique<FixedTokens>(static_cast<uint32_t>(c.integer("tokens"))); });
  r.add("lognormal", "Lognormal token count, rounded and clamped to [min, max].",
        {ParamSpec::quantity_of("median", Quantity::dimensionless).req().above(0).doc("Median token count."),
         ParamSpec::quantity_of("sigma", Quantity::dimensionless).def("1").at_least(0).at_most(5).doc("Standard deviation of ln(tokens)."),
         ParamSpec::integer("min").def("1").at_least(0).doc("Smallest count."),
         ParamSpec::integer("max").def("131072").at_least(1).doc("Largest count (context window).")},
        [](const scenario::Config& c, const arrivals::ArrivalContext&) {
          return std::make_unique<LognormalTokens>(c.num("median"), c.num("sigma"), c.num("min"), c.num("max"));
        });
  r.add("empirical", "Token counts drawn from a column of a trace file (its empirical distribution).",
        {ParamSpec::string("path").req().doc("Trace file; relative paths resolve against the scenario's folder."),
         ParamSpec::choice("format", {"azure", "mooncake", "burstgpt"}).req().doc("Trace format."),
         ParamSpec::choice("column", {"prompt", "output"}).req().doc("Which token count to draw."),
         ParamSpec::boolean("skip_bad_rows").def("false").doc("Skip malformed rows instead of failing.")},
        make_empirical);
}

}  // namespace dcsim::workload
