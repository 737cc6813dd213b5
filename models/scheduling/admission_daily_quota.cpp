// Admission `daily_quota`: the tiers' daily limits ("free users: 3 images per day",
// calibration.yaml surge.openai_rate_limit), declared on each tier (workloads[].tiers[]):
// daily_limit L (0: none), users U, utc_offset o.
//
//   U(t)    = U                                         (users_from: fixed)
//   U(t)    = max(U, round(share x N(t)))               (users_from: arrivals; N(t) the arrival
//             model's population, refreshed every 60 s of simulated time: N rises over days)
//   user(r) = jump(h(workload, id), U(t))   (a hash: a retry is the same user)
// jump(k, n) is the jump consistent hash (Lamping & Veach 2014, "A fast, minimal memory,
// consistent hash algorithm", arXiv:1406.2294): uniform on [0, n), and when n grows to n' only a
// share 1 - n/n' of the keys move, each to one of the new users. So a user keeps its requests (and
// its count, and a retry its user) while the population grows; plain h mod n would reshuffle
// every key at each growth step and let retries escape the limit.
//   day(t)  = floor((start + t + o) / 86400)  (start: the scenario's calendar start, UTC)
//   admit and n[user] += 1   if n[user] < L, where n counts the user's admitted requests of day(t);
//   reject otherwise;  n = 0 for every user of the tier when day(t) changes (its local midnight)
//
// With U = 1 the limit holds for the tier as a whole (L requests a day). With U users and a
// uniform attribution, a tier of arrival rate lambda admits sum_u min(N_u, L) a day, N_u ~
// Poisson(lambda 86400 / U): heavy days are cut, light users are not. A policy disabled, then
// enabled (admission_changes: "limit imposed mid-surge") counts from when it is enabled. With a
// growing population, users who join during a day start that day at 0 (the counts of the users
// there were are kept: U(t) only grows, as N(t) does).
// Cost: a hash (O(ln U) steps) and a counter per request in scope (and one virtual users() call
// per tier a minute); memory 4 B per user of each limited tier.
//
// Flow form (fidelity: fluid): per tier, the day's arrived fluid m(t) and admitted fluid. With
// U = 1 the tier admits min(m, L) by the end of the day, exactly (a flow past its quota stops at
// it). With U users the request-level expectation: a uniform attribution gives each user
// N_u ~ Poisson(m / U) requests so far (the binomial split of a Poisson stream), so
//   admitted(t) = U E[min(N, L)],  N ~ Poisson(m(t) / U),   E[min(N, L)] = sum_{k<L} P(N > k)
// and a step admits the increase of it. A step that spans the tier's local midnight is split
// there in proportion to time. Cost per step and tier: O(1) away from the limit, O(L) near it
// (|m / U - L| < 12 sqrt(L) + 30). U is U(t) as above (users_from: arrivals: the day's fluid
// spread over the users there are now).
#include <algorithm>
#include <climits>
#include <cmath>
#include <vector>

#include "models/arrivals/arrival_process.hpp"
#include "models/scheduling/admission.hpp"
#include "sim/scenario/diagnostics.hpp"
#include "sim/util/rng.hpp"

namespace dcsim::scheduling {

namespace {

// The jump consistent hash of `key` over n buckets (n >= 1): O(ln n) steps of a 64-bit LCG.
uint32_t jump_hash(uint64_t key, uint32_t n) {
  int64_t b = -1, j = 0;
  while (j < static_cast<int64_t>(n)) {
    b = j;
    key = key * 2862933555777941757ULL + 1;
    j = static_cast<int64_t>(static_cast<double>(b + 1) * (2147483648.0 / static_cast<double>((key >> 33) + 1)));
  }
  return static_cast<uint32_t>(b);
}

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
        tier.current = tier.users;
        tier.offset_s = c.num("utc_offset");
        if (c.str("users_from") == "arrivals") {
          if (!w.arrivals || !std::isfinite(w.arrivals->users(0)))
            throw scenario::InputError(c.where("users_from"), c.path() + ".users_from",
                                       "'arrivals' needs an arrival model with a user population "
                                       "(model: viral); this workload's has none (use users_from: fixed)");
          tier.population = w.arrivals;
          tier.share = c.num("share");
        }
      }
    }
  }
  Verdict decide(workload::Request& r, double now) override {
    if (r.workload >= tiers_.size() || r.tier >= tiers_[r.workload].size()) return Verdict::admit;
    Tier& t = tiers_[r.workload][r.tier];
    if (t.limit == 0) return Verdict::admit;
    const auto day = static_cast<int64_t>(std::floor((start_epoch_s_ + now + t.offset_s) / 86400.0));
    if (t.population && now >= t.refresh_at) grow(t, now);
    if (day != t.day || t.count.empty()) {
      t.count.assign(t.current, 0);
      t.day = day;
    } else if (t.count.size() < t.current) {
      t.count.resize(t.current, 0);  // users who joined today
    }
    uint64_t state = (r.id * 0x9e3779b97f4a7c15ULL) ^ (uint64_t{r.workload} << 40);
    const uint32_t user = t.current == 1 ? 0 : jump_hash(splitmix64(state), t.current);
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
      if (t.population && now >= t.refresh_at) grow(t, now);
      const double local = start_epoch_s_ + now + t.offset_s;
      const double day_end = (std::floor(local / 86400.0) + 1.0) * 86400.0;
      const double before = local + dt > day_end ? o.amount * (day_end - local) / dt : o.amount;
      double admitted = flow_day(t, static_cast<int64_t>(std::floor(local / 86400.0)), before);
      if (before < o.amount) admitted += flow_day(t, static_cast<int64_t>(day_end / 86400.0), o.amount - before);
      o.amount = std::min(o.amount, admitted);
    }
  }

 private:
  static constexpr double kRefreshS = 60;  // how often U(t) follows N(t)
  static constexpr double kMaxUsers = 4e9;  // the counter index is 32-bit

  struct Tier {
    uint32_t limit = 0, users = 1;
    uint32_t current = 1;  // U(t): users (fixed), or the population's share of it (arrivals)
    double offset_s = 0;
    int64_t day = 0;
    std::vector<uint32_t> count;  // by user, admitted on `day`
    int64_t flow_day = INT64_MIN;  // flow form: the day of flow_arrived/flow_admitted
    double flow_arrived = 0, flow_admitted = 0;
    const arrivals::ArrivalProcess* population = nullptr;  // users_from: arrivals
    double share = 1;
    double refresh_at = 0;
  };
  // Flow form: `a` more arrivals on day `day` of tier t; returns how many of them it admits.
  static double flow_day(Tier& t, int64_t day, double a) {
    if (day != t.flow_day) {
      t.flow_day = day;
      t.flow_arrived = t.flow_admitted = 0;
    }
    t.flow_arrived += a;
    const double limit = double(t.limit), users = double(t.current);
    const double total = t.current == 1 ? std::min(t.flow_arrived, limit)
                                      : users * expected_min_poisson(t.flow_arrived / users, limit);
    const double admitted = std::clamp(total - t.flow_admitted, 0.0, a);
    t.flow_admitted += admitted;
    return admitted;
  }

  static void grow(Tier& t, double now) {
    const double n = std::round(t.share * t.population->users(now));
    const double u = std::min(kMaxUsers, std::max<double>(t.users, std::isfinite(n) ? n : 0));
    t.current = std::max(t.current, static_cast<uint32_t>(u));
    t.refresh_at = now + kRefreshS;
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
      "Each tier's daily_limit per user (tiers[].daily_limit, users or users_from, utc_offset), reset at the "
      "tier's local midnight.",
      scope_params({}),
      [](const scenario::Config&, const PolicyContext& ctx) { return std::make_unique<DailyQuota>(ctx); });
}

}  // namespace dcsim::scheduling
