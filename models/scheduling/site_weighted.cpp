// Site routing `weighted`: each request goes to pool k with probability w_k / sum(w), drawn from
// the run's seed (stream "<service group>/routing"), so a run is reproducible:
//
//   k* = min { k : u * W < sum_{j <= k} w_j },   u ~ U(0, 1),  W = sum_j w_j
//
// Blind to load and latency: a fixed traffic split (a canary, a contract: "30 % to eu-west").
// Over n requests the share of pool k is w_k / W within ~ 3 sqrt(p (1 - p) / n).
// Cost: one draw and a scan of the (few) cumulative weights per request.
// Flow form (fidelity: fluid): every workload's flow split in the expected shares w_k / W.
#include <sstream>

#include "models/scheduling/site_router.hpp"
#include "sim/scenario/diagnostics.hpp"
#include "sim/util/rng.hpp"

namespace dcsim::scheduling {

namespace {

class Weighted final : public SiteRouter {
 public:
  Weighted(std::vector<double> cumulative, Rng rng, size_t slots)
      : cum_(std::move(cumulative)), rng_(rng), slots_(slots) {}
  uint32_t choose(const workload::Request&, double) override {
    const double x = rng_.uniform() * cum_.back();
    uint32_t k = 0;
    while (k + 1 < cum_.size() && !(x < cum_[k])) ++k;
    return k;
  }
  bool has_flow_form() const override { return true; }
  void split_flows(const double* amount, double, double, double* out) override {
    const size_t P = cum_.size();
    for (size_t w = 0; w < slots_; ++w)
      for (size_t k = 0; k < P; ++k) out[w * P + k] = amount[w] * (cum_[k] - (k ? cum_[k - 1] : 0.0)) / cum_.back();
  }

 private:
  std::vector<double> cum_;
  Rng rng_;
  size_t slots_;  // workloads of the service
};

std::vector<double> parse_weights(const scenario::Config& c, size_t pools) {
  const auto fail = [&](const std::string& why) {
    throw scenario::InputError(c.where("weights"), c.path() + ".weights",
                               "got '" + c.str("weights") + "', expected " + std::to_string(pools) +
                                   " numbers >= 0 (one per pool of the service, in its order), not all 0" + why);
  };
  std::string text = c.str("weights");
  for (char& ch : text)
    if (ch == ',') ch = ' ';
  std::istringstream in(text);
  std::vector<double> cum;
  std::string tok;
  double sum = 0;
  while (in >> tok) {
    char* end = nullptr;
    const double v = std::strtod(tok.c_str(), &end);
    if (end == tok.c_str() || *end != '\0' || !(v >= 0) || !(v < 1e12)) fail(": '" + tok + "' is not one");
    sum += v;
    cum.push_back(sum);
  }
  if (cum.size() != pools) fail(": " + std::to_string(cum.size()) + " given");
  if (!(sum > 0)) fail("");
  return cum;
}

}  // namespace

void register_site_weighted() {
  site_router_registry().add(
      "weighted", "Pool k with probability w_k / sum(w), a seeded draw per request; blind to load and latency.",
      {scenario::ParamSpec::string("weights").req().doc(
          "One weight >= 0 per pool of the service, in its order, spaces or commas (e.g. '3 1').")},
      [](const scenario::Config& c, const PolicyContext& ctx) -> std::unique_ptr<SiteRouter> {
        return std::make_unique<Weighted>(parse_weights(c, ctx.service.pools.size()),
                                          Rng(ctx.seed, ctx.service.group + "/routing"), ctx.service.workloads.size());
      });
}

}  // namespace dcsim::scheduling
