// Admission `daily_quota`: the tiers' daily limits ("free users: 3 images per day",
// calibration.yaml surge.openai_rate_limit), declared on each tier (workloads[].tiers[]):
// daily_limit L (0: none), users U, utc_offset o.
//
//   user(r) = h(workload, id) mod U          (a hash: a retry is the same user)
//   day(t)  = floor((start + t + o) / 86400)  (start: the scenario's calendar start, UTC)
//   admit and n[user] += 1   if n[user] < L, where n counts the user's admitted requests of day(t);
//   reject otherwise;  n = 0 for every user of the tier when day(t) changes (its local midnight)
//
// With U = 1 the limit holds for the tier as a whole (L requests a day). With U users and a
// uniform attribution, a tier of arrival rate lambda admits sum_u min(N_u, L) a day, N_u ~
// Poisson(lambda 86400 / U): heavy days are cut, light users are not. A policy disabled, then
// enabled (admission_changes: "limit imposed mid-surge") counts from when it is enabled.
// Cost: a hash and a counter per request in scope; memory 4 B per user of each limited tier.
//
// Flow form (fidelity: fluid): per tier, the day's arrived fluid m(t) and admitted fluid. With
// U = 1 the tier admits min(m, L) by the end of the day, exactly (a flow past its quota stops at
// it). With U users the request-level expectation: a uniform attribution gives each user
// N_u ~ Poisson(m / U) requests so far (the binomial split of a Poisson stream), so
//   admitted(t) = U E[min(N, L)],  N ~ Poisson(m(t) / U),   E[min(N, L)] = sum_{k<L} P(N > k)
// and a step admits the increase of it. A step that spans the tier's local midnight is split
// there in proportion to time. Cost per step and tier: O(1) away from the limit, O(L) near it
// (|m / U - L| < 12 sqrt(L) + 30).
#include <algorithm>
#include <climits>
#include <cmath>
#include <vector>

#include "models/scheduling/admission.hpp"
#include "sim/util/rng.hpp"

namespace dcsim::scheduling {

namespace {

class DailyQuota final : public AdmissionPolicy {
 public:
  explicit DailyQuota(const PolicyContext& ctx) : start_epoch_s_(ctx.start_epoch_s) {
    for (const auto& w : ctx.service.workloads) {
      if (!w.config) continue;
      const auto& tiers = w.config->list("tiers");
      for (size_t t = 0; t < tiers.size(); ++t) {
        const auto& c = tiers[t];
        if (c.integer("daily_limit") <= 0) continue;
        if (tiers_.size() <= w.index) tiers_.resize(w.index + 1);
        if (tiers_[w.index].size() <= t) tiers_[w.index].resize(t + 1);
        Tier& tier = tiers_[w.index][t];
        tier.limit = static_cast<uint32_t>(c.integer("daily_limit"));
        tier.users = static_cast<uint32_t>(c.integer("users"));
        tier.offset_s = c.num("utc_offset");
      }
    }
  }
  Verdict decide(workload::Request& r, double now) override {
    if (r.workload >= tiers_.size() || r.tier >= tiers_[r.workload].size()) return Verdict::admit;
    Tier& t = tiers_[r.workload][r.tier];
    if (t.limit == 0) return Verdict::admit;
    const auto day = static_cast<int64_t>(std::floor((start_epoch_s_ + now + t.offset_s) / 86400.0));
    if (day != t.day || t.count.empty()) {
      t.count.assign(t.users, 0);
      t.day = day;
    }
    uint64_t state = (r.id * 0x9e3779b97f4a7c15ULL) ^ (uint64_t{r.workload} << 40);
    const uint32_t user = t.users == 1 ? 0 : static_cast<uint32_t>(splitmix64(state) % t.users);
    if (t.count[user] >= t.limit) return Verdict::reject;
    ++t.count[user];
    return Verdict::admit;
  }
  bool has_flow_form() const override { return true; }
  void admit_flow(FlowOffer* offers, size_t n, double now, double dt) override {
    for (size_t i = 0; i < n; ++i) {
      FlowOffer& o = offers[i];
      if (o.workload >= tiers_.size() || o.tier >= tiers_[o.workload].size()) continue;
      Tier& t = tiers_[o.workload][o.tier];
      if (t.limit == 0 || !(o.amount > 0)) continue;
      const double local = start_epoch_s_ + now + t.offset_s;
      const double day_end = (std::floor(local / 86400.0) + 1.0) * 86400.0;
      const double before = local + dt > day_end ? o.amount * (day_end - local) / dt : o.amount;
      double admitted = flow_day(t, static_cast<int64_t>(std::floor(local / 86400.0)), before);
      if (before < o.amount) admitted += flow_day(t, static_cast<int64_t>(day_end / 86400.0), o.amount - before);
      o.amount = std::min(o.amount, admitted);
    }
  }

 private:
  struct Tier {
    uint32_t limit = 0, users = 1;
    double offset_s = 0;
    int64_t day = 0;
    std::vector<uint32_t> count;  // by user, admitted on `day`
    int64_t flow_day = INT64_MIN;  // flow form: the day of flow_arrived/flow_admitted
    double flow_arrived = 0, flow_admitted = 0;
  };
  // Flow form: `a` more arrivals on day `day` of tier t; returns how many of them it admits.
  static double flow_day(Tier& t, int64_t day, double a) {
    if (day != t.flow_day) {
      t.flow_day = day;
      t.flow_arrived = t.flow_admitted = 0;
    }
    t.flow_arrived += a;
    const double limit = double(t.limit), users = double(t.users);
    const double total = t.users == 1 ? std::min(t.flow_arrived, limit)
                                      : users * expected_min_poisson(t.flow_arrived / users, limit);
    const double admitted = std::clamp(total - t.flow_admitted, 0.0, a);
    t.flow_admitted += admitted;
    return admitted;
  }
  double start_epoch_s_;
  std::vector<std::vector<Tier>> tiers_;  // by Request::workload, then tier
};

}  // namespace

// E[min(N, L)], N ~ Poisson(m): sum_{k=0}^{L-1} P(N > k); m itself far below L, L far above.
double expected_min_poisson(double m, double limit) {
  if (!(m > 0)) return 0.0;
  const double spread = 12.0 * std::sqrt(std::max(limit, m)) + 30.0;
  if (m < limit - spread) return m;
  if (m > limit + spread) return limit;
  double log_p = -m, cdf = 0, sum = 0;  // log P(N = k), P(N <= k)
  const double log_m = std::log(m);
  for (double k = 0; k < limit; k += 1.0) {
    cdf += std::exp(log_p);
    sum += std::max(0.0, 1.0 - cdf);
    log_p += log_m - std::log(k + 1.0);
  }
  return sum;
}

void register_admission_daily_quota() {
  admission_registry().add(
      "daily_quota",
      "Each tier's daily_limit per user (tiers[].daily_limit, users, utc_offset), reset at the tier's local midnight.",
      scope_params({}),
      [](const scenario::Config&, const PolicyContext& ctx) { return std::make_unique<DailyQuota>(ctx); });
}

}  // namespace dcsim::scheduling
