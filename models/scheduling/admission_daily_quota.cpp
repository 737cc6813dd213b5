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

 private:
  struct Tier {
    uint32_t limit = 0, users = 1;
    double offset_s = 0;
    int64_t day = 0;
    std::vector<uint32_t> count;  // by user, admitted on `day`
  };
  double start_epoch_s_;
  std::vector<std::vector<Tier>> tiers_;  // by Request::workload, then tier
};

}  // namespace

void register_admission_daily_quota() {
  admission_registry().add(
      "daily_quota",
      "Each tier's daily_limit per user (tiers[].daily_limit, users, utc_offset), reset at the tier's local midnight.",
      scope_params({}),
      [](const scenario::Config&, const PolicyContext& ctx) { return std::make_unique<DailyQuota>(ctx); });
}

}  // namespace dcsim::scheduling
