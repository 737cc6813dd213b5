// The grid as a site component (models/site/site_component.hpp): the kind "grid" declares the
// site's `grid:` block (grid_schema()); a site whose grid names a supply other than none gets a
// SiteGrid on its control step, after the facility. Each step [t0, t1]:
//   in      E = the facility's energy over the step (Site::step, from the facility component),
//           or the pools' IT energy when the site has no facility model (PUE 1: said in grid.md);
//           the outdoor dry bulb for the solar cells; the uncapped demand D and the cap floor
//   demand  per pool p, from its GPU energy over the step (P_gpu,p = gpu_j / Δ) and a two-state
//           view of its N_p GPUs: idle at P_idle,p (the catalog GPU's loaded idle; a fifo pool's
//           gpu.idle_power) or busy at P_u,p (the pool's uncapped per-GPU maximum: a fifo pool's
//           gpu.busy_power exactly, the catalog TDP for llm/diffusion pools — an upper bound):
//             base_p = min(N_p P_idle,p, P_gpu,p),  n_p = (P_gpu,p − base_p) / (P_u,p − P_idle,p)
//           n_p: busy GPUs (time average). Under a per-GPU cap C = f · TDP_p < P_u,p a busy GPU
//           draws C and runs at the cap law's rate r(C) = max(r_min, (C / P_u)^α)
//           (models/serving/throttle.hpp, gpu_power_model.hpp: α = 1/3, r_min = 0.25), so the
//           same work keeps n_p / r GPUs busy (at most N_p: beyond that the work queues):
//             G_p(f) = base_p + min(N_p, n_p / r(C)) · (max(C, P_idle,p) − P_idle,p)     (C < P_u,p)
//             G_p(f) = P_gpu,p                                                         (C ≥ P_u,p)
//             IT(f)  = Σ_p a_p + (1 + b_p) · G_p(f)
//             D = r_fac · IT(1),   cap floor = r_fac · IT(f_min),   r_fac = facility / IT of the step
//           Only busy GPUs give power back: idle ones already draw less than any cap ≥ f_min·TDP.
//           While the grid caps, P_gpu,p is measured at the cap; the uncapped demand is recovered by
//           inverting G_p (n_p = r(C) · (P_gpu,p − base_p)/(C − P_idle,p)); when every GPU is busy
//           at the cap (saturated: the true demand is not observable) the last estimate is kept
//           if larger.
//   caps    actions.cap_target_w T < ∞: the largest f ∈ [f_min, 1] with r_fac · IT(f) ≤ T
//           (bisection; IT(f) is monotone in f), every GPU of the site capped at f · TDP_p through
//           the site's cap arbiter (source grid); T = ∞ lifts the grid's caps. Limits of the
//           estimate: a busy GPU of an llm or diffusion pool draws less than TDP (510-690 W on an
//           H100), so n_p is underestimated there and the prediction is low by up to
//           (P_u/TDP)^α·(TDP − P_idle)/(P_u − P_idle) − 1 of the dynamic power; the grid's
//           `margin` (site_grid.hpp) covers that and the step-to-step variation of load.
//   shed    actions.shed_w > 0: the pools keep only the replicas whose full-load power fits the
//           facility target T = actions.facility_target_w; the others drain and stop
//           (Pool::remove_replicas), so the kept ones queue and, at their queue cap, reject
//           what they cannot serve (the pools' and workloads' `rejected`). With n_k replicas of
//           g_k GPUs in pool k and C_k its per-GPU ceiling (TDP, or the grid's cap f·TDP):
//             P_max(φ) = r · Σ_k [a_k + (1 + b_k) · floor(φ n_k) · g_k · C_k]
//           the largest φ ∈ [0, 1] with P_max(φ) ≤ T (bisection), kept_k = floor(φ n_k): a
//           bound, not an estimate (a stopped replica's GPUs draw 0 W, a kept one at most C_k).
//           When shed_w returns to 0 the replicas come back (Pool::add_replicas: weights load
//           again). A pool with a capacity controller gets the shed as a replica ceiling instead
//           (models/site/replica_ceiling.hpp): M_k = kept_k, so its autoscaler, schedule and
//           reservoir never bring replicas back above it while the grid sheds (they would
//           otherwise re-add the stopped ones), and it returns them when the ceiling is lifted. Each change is an /events row `grid_shed_replicas` (value: replicas out);
//           summary <site>_grid_shed_replicas_max, _grid_shed_replica_s, _grid_shed_commands.
//           shed_w is also published as a negative grid_headroom_w for routers, and as
//           SiteSignals::shedding while shed_w > 0: the services' front ends reroute new requests
//           to their other sites with room (frontend.hpp).
//   signals carbon_intensity_g_per_kwh, marginal_intensity_g_per_kwh, price_usd_per_mwh (the hour
//           holding `now`), their forecasts over the grid's forecast window, grid_headroom_w;
//           SiteSignals.carbon_g_per_kwh / price_usd_per_mwh hold the last step's values
// f_min = 0.3 (an H100's lowest settable power limit is ~200 of 700 W: nvidia-smi "Min Power
// Limit"; the facility's delivery.min_cap_fraction default).
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "models/grid/site_grid.hpp"
#include "models/power/gpu_power_model.hpp"
#include "models/serving/pool.hpp"
#include "models/site/replica_ceiling.hpp"
#include "models/site/site_component.hpp"

namespace dcsim::grid {

namespace {

constexpr double kMinCapFraction = 0.3;
constexpr double kJPerKwh = 3.6e6, kJPerMwh = 3.6e9;

struct PoolDemand {
  double offset_w = 0, slope = 0;  // IT = offset + (1 + slope) · GPU power
  double gpus = 0, tdp_w = 0;
  double gpu_w = 0;                // GPU power the pool would draw without the grid's cap
  double cap_w = 0;                // the grid's per-GPU cap now (tdp_w when none)
  uint32_t shed = 0;               // replicas the grid took out (Pool::remove_replicas)
  double idle_w = 0;               // P_idle: a GPU with no work
  double busy_w = 0;               // P_u: a busy GPU without a cap (= tdp_w)

  double base_w(double gpu_w_now) const { return std::min(gpus * idle_w, gpu_w_now); }
  // The cap law's rate of a busy GPU under a per-GPU cap c (1: the cap does not bind).
  double rate(double c) const {
    static const power::GpuPowerParams law{};
    return c < busy_w ? std::max(law.min_clock_fraction, std::pow(c / busy_w, law.alpha)) : 1.0;
  }
  // GPU power of the pool under a per-GPU cap c with its uncapped power at `uncapped_w` (header: G_p).
  double capped_gpu_w(double uncapped_w, double c) const {
    if (!(c < busy_w) || !(busy_w > idle_w)) return uncapped_w;
    const double base = base_w(uncapped_w);
    const double busy = (uncapped_w - base) / (busy_w - idle_w);
    return base + std::min(gpus, busy / rate(c)) * (std::max(c, idle_w) - idle_w);
  }
  // The uncapped GPU power whose capped value at c is `measured_w`; `saturated` when every GPU is
  // busy at the cap (the demand beyond is not observable).
  double uncapped_gpu_w(double measured_w, double c, bool& saturated) const {
    saturated = false;
    if (!(c < busy_w) || !(busy_w > idle_w) || !(c > idle_w)) return measured_w;
    const double base = base_w(measured_w);
    const double busy_capped = (measured_w - base) / (c - idle_w);
    saturated = busy_capped >= gpus * (1 - 1e-6);
    return base + busy_capped * rate(c) * (busy_w - idle_w);
  }
};

class GridComponent final : public site::SiteComponent {
 public:
  explicit GridComponent(site::SiteBuild& b)
      : site_(b.site),
        recorder_(b.recorder),
        grid_(b.site_cfg.child("grid"), GridContext{b.site.name, b.scenario.num("start"), b.scenario.num("horizon"),
                                                    b.scenario_dir, b.seed}) {
    grid_.declare_series(b.recorder, "/sites/" + site_.name);
    ceilings_ = b.pool_ceilings;
    const auto& pools = b.site_cfg.list("pools");
    for (size_t k = 0; k < pools.size(); ++k) {
      const serving::PoolItPower& it = *b.pool_power.at(k);
      PoolDemand d;
      d.offset_w = it.other.offset_w;
      d.slope = it.other.slope;
      d.gpus = double(pools[k].integer("servers") * pools[k].integer("gpus_per_server"));
      d.tdp_w = d.cap_w = d.busy_w = it.gpu_tdp_w;
      const bool fifo = pools[k].str("serving") == "fifo";
      d.idle_w = fifo ? pools[k].child("gpu").num("idle_power")
                      : b.catalog.gpu(b.catalog.server(it.server).gpu).idle_loaded_W;
      pools_.push_back(d);
    }
    const double window = grid_.spec().forecast_window_s;
    site_.publish("carbon_intensity_g_per_kwh", [this](double t) { return grid_.supply().intensity_at(t) * kJPerKwh; });
    site_.publish("marginal_intensity_g_per_kwh", [this](double t) { return grid_.supply().marginal_at(t) * kJPerKwh; });
    site_.publish("carbon_forecast_g_per_kwh", [this, window](double t) { return grid_.intensity_forecast(t, window) * kJPerKwh; });
    site_.publish("marginal_forecast_g_per_kwh", [this, window](double t) { return grid_.marginal_forecast(t, window) * kJPerKwh; });
    site_.publish("price_usd_per_mwh", [this](double t) { return grid_.price() ? grid_.price()->price_at(t) * kJPerMwh : 0.0; });
    site_.publish("price_forecast_usd_per_mwh", [this, window](double t) { return grid_.price_forecast(t, window) * kJPerMwh; });
    site_.publish("grid_headroom_w", [this](double) { return headroom_w_; });
  }

  void on_step(double now, double dt, const site::SiteEnergy& e) override {
    for (size_t k = 0; k < pools_.size(); ++k) {
      PoolDemand& p = pools_[k];
      const double gpu_w = e.pools[k].gpu_j / dt;
      if (!capped_ && !shedding()) {
        p.gpu_w = gpu_w;
      } else if (shedding()) {
        p.gpu_w = std::max(p.gpu_w, gpu_w);  // stopped replicas: the demand is not observable
      } else {
        bool saturated = false;
        const double u = p.uncapped_gpu_w(gpu_w, p.cap_w, saturated);
        p.gpu_w = saturated ? std::max(p.gpu_w, u) : u;
      }
    }
    const bool has_facility = !std::isnan(site_.step.facility_energy_j);
    ratio_ = has_facility && !std::isnan(site_.step.facility_per_it) ? site_.step.facility_per_it : 1.0;
    SiteLoad load;
    load.t0_s = now - dt;
    load.t1_s = now;
    load.facility_energy_j = has_facility ? site_.step.facility_energy_j : e.it_j;
    load.outdoor_drybulb_c = site_.step.outdoor_drybulb_c;
    load.uncapped_power_w = capped_ || shedding() ? ratio_ * it_w(1.0) : std::numeric_limits<double>::quiet_NaN();
    load.cap_floor_power_w = ratio_ * it_w(kMinCapFraction);
    const GridStep& s = grid_.step(load);
    apply_cap(s.actions.cap_target_w);
    apply_shed(s.actions.shed_w > 0 ? s.actions.facility_target_w : kInf);
    for (const auto& p : pools_) shed_replica_s_ += double(p.shed) * dt;  // out over the next step (same length)
    const GridSignals& g = grid_.signals();
    site_.signals.carbon_g_per_kwh = g.intensity_g_per_j * kJPerKwh;
    site_.signals.price_usd_per_mwh = g.price_usd_per_j * kJPerMwh;
    headroom_w_ = s.actions.shed_w > 0 ? -s.actions.shed_w : g.headroom_w;
    site_.signals.shedding = s.actions.shed_w > 0;
  }

  void finish(double t_end) override { grid_.finish(t_end); }

  void add_summary(std::vector<output::SummaryEntry>& out) const override {
    for (auto entry : grid_.summary()) {
      entry.name = site_.name + "_" + entry.name;
      out.push_back(std::move(entry));
    }
    out.push_back({site_.name + "_grid_shed_replicas_max", double(shed_max_), "1"});
    out.push_back({site_.name + "_grid_shed_replica_s", shed_replica_s_, "s"});
    out.push_back({site_.name + "_grid_shed_commands", double(shed_commands_), "1"});
  }

 private:
  double it_w(double f) const {
    double w = 0;
    for (const auto& p : pools_) w += p.offset_w + (1 + p.slope) * (f < 1 ? p.capped_gpu_w(p.gpu_w, f * p.tdp_w) : p.gpu_w);
    return w;
  }

  void apply_cap(double target_w) {
    if (!(target_w < kInf)) {
      if (capped_) {
        for (size_t k = 0; k < pools_.size(); ++k) {
          site_.caps.set_all(site::CapSource::grid, k, kInf);
          pools_[k].cap_w = pools_[k].tdp_w;
        }
        capped_ = false;
      }
      return;
    }
    double lo = kMinCapFraction, hi = 1.0;
    if (ratio_ * it_w(hi) <= target_w) {
      lo = hi;
    } else {
      for (int i = 0; i < 40; ++i) {
        const double mid = 0.5 * (lo + hi);
        (ratio_ * it_w(mid) <= target_w ? lo : hi) = mid;
      }
    }
    for (size_t k = 0; k < pools_.size(); ++k) {
      site_.caps.set_all(site::CapSource::grid, k, lo * pools_[k].tdp_w);
      pools_[k].cap_w = lo * pools_[k].tdp_w;
    }
    capped_ = true;
  }

  bool shedding() const {
    for (const auto& p : pools_)
      if (p.shed) return true;
    return false;
  }
  // Keep the replicas whose full-load facility power fits target_w (inf: bring back all).
  void apply_shed(double target_w) {
    std::vector<uint32_t> n(pools_.size()), keep(pools_.size());
    for (size_t k = 0; k < pools_.size(); ++k) {
      n[k] = site_.pools[k]->load().replicas;
      keep[k] = n[k];
    }
    if (target_w < kInf) {
      const auto p_max = [&](double phi) {
        double w = 0;
        for (size_t k = 0; k < pools_.size(); ++k) {
          const PoolDemand& p = pools_[k];
          const double per_replica = n[k] ? p.gpus / double(n[k]) : 0.0;
          w += p.offset_w + (1 + p.slope) * std::floor(phi * n[k] + 1e-9) * per_replica * std::min(p.cap_w, p.tdp_w);
        }
        return ratio_ * w;
      };
      double lo = 0, hi = 1;
      if (p_max(hi) <= target_w) {
        lo = hi;
      } else {
        for (int i = 0; i < 50; ++i) {
          const double mid = 0.5 * (lo + hi);
          (p_max(mid) <= target_w ? lo : hi) = mid;
        }
      }
      for (size_t k = 0; k < pools_.size(); ++k) keep[k] = static_cast<uint32_t>(std::floor(lo * n[k] + 1e-9));
    }
    for (size_t k = 0; k < pools_.size(); ++k) {
      PoolDemand& p = pools_[k];
      const uint32_t want = n[k] - keep[k];
      serving::Pool& pool = *site_.pools[k];
      const uint32_t before = p.shed;
      site::ReplicaCeiling* ceiling = k < ceilings_.size() ? ceilings_[k] : nullptr;
      if (ceiling) {  // its capacity controller holds the ceiling (and the autoscaler under it)
        p.shed = ceiling->set_external_ceiling(target_w < kInf ? keep[k] : site::kNoCeiling);
      } else if (want == p.shed) {
        continue;
      } else if (want > p.shed) {
        p.shed += pool.remove_replicas(want - p.shed);
      } else {
        const uint32_t back = pool.add_replicas(p.shed - want);
        p.shed -= std::min(back, p.shed);
      }
      if (p.shed == before) continue;
      ++shed_commands_;
      shed_max_ = std::max(shed_max_, p.shed);
      const std::string& subject = pool.placement().group;
      if (p.shed > before) {
        recorder_.event("grid_shed_replicas", subject, double(p.shed),
                        std::to_string(p.shed) + " of " + std::to_string(n[k]) + " replicas drain and stop to hold the grid "
                        "limit (the kept ones at full load stay within the facility target of " + std::to_string(target_w) +
                        " W; the work they cannot take queues or is rejected)");
      } else {
        recorder_.event("grid_shed_replicas", subject, double(p.shed),
                        std::to_string(before - p.shed) + " replicas back (loading their weights), " + std::to_string(p.shed) +
                        " still out for the grid");
      }
    }
  }

  site::Site& site_;
  output::Recorder& recorder_;
  std::vector<site::ReplicaCeiling*> ceilings_;  // per pool: its capacity controller, or null
  SiteGrid grid_;
  std::vector<PoolDemand> pools_;
  bool capped_ = false;
  double ratio_ = 1;
  double headroom_w_ = kInf;
  uint32_t shed_max_ = 0;
  uint64_t shed_commands_ = 0;
  double shed_replica_s_ = 0;
};

}  // namespace

void register_grid_component() {
  const scenario::Schema& g = grid_schema();
  KindInfo info;
  info.name = "grid";
  info.parent = "site";
  info.block = "grid";
  info.help = g.help;
  info.summary = "The site's grid connection: supply, carbon, price, limits, battery, solar, gensets";
  info.params = g.params;
  info.children = g.children;
  site::site_component_registry().add(std::move(info), [](site::SiteBuild& b) -> std::unique_ptr<site::SiteComponent> {
    if (!grid_configured(b.site_cfg.child("grid"))) return nullptr;
    return std::make_unique<GridComponent>(b);
  });
}

}  // namespace dcsim::grid
