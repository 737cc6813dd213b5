// The facility as a site component (models/site/site_component.hpp): the kind "facility" adds
// the facility's keys to every site's `facility:` block (next to `step`), and a site whose
// `facility.mode` is not `none` gets a SiteFacility on its control step. Each step:
//   in    the exact IT energy of each pool over the step (the World's integrals)
//   out   thermal throttling → Pool::set_speed_factor s (all servers; the pool's clock-power law
//         P = P_u·s^(1/α) then brings its power down to the thermal cap a·TDP, a = s³);
//         delivery caps → per-GPU caps on the servers below the over-rated node, through the
//         site's cap arbiter (models/site/site_caps.hpp: a server runs at the lowest cap)
//   split while any server of a pool has a cap (any source), the pool's GPU power is split over
//         its servers by water filling under their caps (delivery_caps.hpp split_by_caps), so a
//         capped PDU is charged its servers' capped power and its neighbours the rest; without
//         caps, evenly. Server power = offset/servers + (1 + slope) · its GPU share (exact sum).
//   share facility energy, outdoor dry bulb and facility/IT for the grid (Site::step)
//   signals power_headroom_w (feed rating − feed load at the last step), pue (last step)
// Series and events: SiteFacility::declare_series under /sites/<site>. Summary: "<site>_" +
// SiteFacility::add_summary. End of run: the facility's own balance over the run
// (E_facility = E_IT + E_losses + E_cooling + E_other to 1e-9 relative) and its IT energy equal
// to the pools' (what the World handed it) — either failing is an InvariantError.
#include <cmath>
#include <limits>
#include <sstream>

#include "models/facility/delivery_caps.hpp"
#include "models/facility/facility_schema.hpp"
#include "models/facility/site_facility.hpp"
#include "models/serving/pool.hpp"
#include "models/site/site_component.hpp"
#include "sim/run/invariants.hpp"

namespace dcsim::facility {

namespace {

std::vector<PoolInfo> pool_infos(const site::SiteBuild& b) {
  std::vector<PoolInfo> out;
  const auto& pools = b.site_cfg.list("pools");
  for (size_t k = 0; k < pools.size(); ++k) {
    const serving::PoolItPower& it = *b.pool_power.at(k);
    PoolInfo p;
    p.name = pools[k].str("name");
    p.servers = static_cast<uint32_t>(pools[k].integer("servers"));
    p.gpus_per_server = static_cast<uint32_t>(pools[k].integer("gpus_per_server"));
    p.gpu_tdp_w = it.gpu_tdp_w;
    // The pool's affine non-GPU power a + b·P_gpu split evenly over its servers.
    p.other_offset_w = it.other.offset_w / p.servers;
    p.other_slope = it.other.slope;
    p.server_peak_w = p.server_power_w(p.gpu_tdp_w);
    out.push_back(std::move(p));
  }
  return out;
}

class FacilityComponent final : public site::SiteComponent {
 public:
  FacilityComponent(site::SiteBuild& b, const scenario::Config& cfg)
      : site_(b.site),
        infos_(pool_infos(b)),
        fac_(cfg, infos_,
             FacilityContext{b.scenario.num("start"), b.scenario.num("horizon"), b.scenario_dir, b.site.name}) {
    fac_.declare_series(b.recorder, "/sites/" + site_.name);
    energy_.assign(site_.pools.size(), 0.0);
    per_server_.assign(site_.pools.size(), {});
    feed_ = fac_.delivery().node(0).name;
    site_.publish("power_headroom_w", [this](double) { return site_.signals.power_headroom_w; });
    site_.publish("pue", [this](double) { return last_pue_; });
  }

  void on_step(double now, double dt, const site::SiteEnergy& e) override {
    for (size_t k = 0; k < energy_.size(); ++k) {
      energy_[k] = e.pools[k].it_j;
      split(k, e.pools[k].gpu_j / dt);
    }
    pools_it_j_ += e.it_j;
    const StepOutput& o = fac_.step(now, dt, StepInput{energy_, per_server_});
    if (o.thermal_changed) {
      // The speed factor only: the pools' clock-power law then lowers their power to the
      // thermal cap (applying the cap too would count the slowdown twice: facility.md).
      for (size_t p = 0; p < site_.pools.size(); ++p) site_.pools[p]->set_speed_factor(o.speed_factor[p], serving::kAllServers);
    }
    for (const CapCommand& c : o.caps)
      site_.caps.set(site::CapSource::delivery, c.servers.pool, c.servers.first, c.servers.count, c.gpu_cap_w);
    site_.step.facility_energy_j = o.facility_w * dt;
    site_.step.outdoor_drybulb_c = o.drybulb_c;
    site_.step.facility_per_it = o.it_w > 0 ? o.facility_w / o.it_w : std::numeric_limits<double>::quiet_NaN();
    last_pue_ = site_.step.facility_per_it;
    site_.signals.power_headroom_w = fac_.headroom_w(feed_);
  }

  void finish(double) override {
    const FacilityTotals& t = fac_.totals();
    const double parts = t.energy_it_j + t.energy_losses_j + t.energy_cooling_j + t.energy_other_j;
    const double scale = std::max({std::abs(t.energy_facility_j), std::abs(pools_it_j_), 1.0});
    if (std::abs(t.energy_facility_j - parts) > 1e-9 * scale || std::abs(t.energy_it_j - pools_it_j_) > 1e-9 * scale) {
      std::ostringstream m;
      m.precision(17);
      m << "site " << site_.name << ": facility energy balance over the run violated: facility " << t.energy_facility_j
        << " J vs IT + losses + cooling + other " << parts << " J; facility IT " << t.energy_it_j << " J vs pools "
        << pools_it_j_ << " J";
      throw InvariantError(m.str());
    }
  }

  void add_summary(std::vector<output::SummaryEntry>& out) const override { fac_.add_summary(out, site_.name + "_"); }

 private:
  // Per-server powers of pool k for the delivery tree (header: split); empty (uniform) while no
  // server of the pool is capped.
  void split(size_t k, double gpu_w) {
    const PoolInfo& p = infos_[k];
    if (k >= site_.caps.pools()) return;
    bool any = false;
    caps_.resize(p.servers);
    for (uint32_t s = 0; s < p.servers; ++s) {
      caps_[s] = site_.caps.effective(k, s) * p.gpus_per_server;
      any = any || std::isfinite(caps_[s]);
    }
    std::vector<double>& out = per_server_[k];
    if (!any) {
      out.clear();
      return;
    }
    split_by_caps(gpu_w, caps_, out, order_);
    for (uint32_t s = 0; s < p.servers; ++s) out[s] = p.server_power_w(out[s] / p.gpus_per_server);
  }

  site::Site& site_;
  std::vector<PoolInfo> infos_;
  SiteFacility fac_;
  std::vector<std::vector<double>> per_server_;
  std::vector<double> caps_;
  std::vector<uint32_t> order_;
  std::vector<double> energy_;
  std::string feed_;
  double pools_it_j_ = 0;
  double last_pue_ = std::numeric_limits<double>::quiet_NaN();
};

// The first key of `c` (recursively) written with a value other than its declared default; a
// required key counts only through `required_default` (the weather preset's climate). Resolved
// scenarios write every default, so they re-load.
const scenario::Config* given_key(const scenario::Config& c, std::string& key) {
  if (!c.schema()) return nullptr;
  for (const auto& p : c.schema()->params) {
    if (p.name == "step" || p.name == "mode" || p.required) continue;
    const auto& v = c.value(p.name);
    if (v.present && !v.defaulted && v.text != p.default_text) {
      key = p.name;
      return &c;
    }
  }
  for (const auto& ch : c.schema()->children) {
    if (ch.kind == scenario::ChildKind::list) {
      if (!c.list(ch.key).empty()) {
        key = ch.key;
        return &c;
      }
    } else if (ch.kind == scenario::ChildKind::model) {
      const scenario::Config& m = c.child(ch.key);
      if (m.model() != "preset" || m.str("climate") != "northern-virginia") {
        key = ch.key;
        return &c;
      }
      if (const auto* g = given_key(m, key)) return g;
    } else if (ch.kind == scenario::ChildKind::block) {
      if (const auto* g = given_key(c.child(ch.key), key)) return g;
    }
  }
  return nullptr;
}

}  // namespace

void register_facility_component() {
  const scenario::Schema& full = facility_schema();
  KindInfo info;
  info.name = "facility";
  info.parent = "facility";
  info.help = "Power delivery, cooling plant, water, thermal mass and throttling (docs/models/facility.md).";
  info.summary = "the site's facility model";
  for (const auto& p : full.params)
    if (p.name != "step") info.params.push_back(p);  // `step` is the control step's own key
  info.children = full.children;
  // mode: none with facility keys written: the user meant a facility model (never a silent default).
  info.check = [](const scenario::Config& f, scenario::Diagnostics& diags) {
    if (f.str("mode") != "none") return;
    std::string key;
    if (const scenario::Config* at = given_key(f, key)) {
      diags.error(at->where(key), at->path() + "." + key,
                  "facility keys given but mode is none: set mode: physical (or constant_pue) to model the facility, "
                  "or remove them");
    }
  };
  site::site_component_registry().add(std::move(info), [](site::SiteBuild& b) -> std::unique_ptr<site::SiteComponent> {
    const scenario::Config& cfg = b.site_cfg.child("facility");
    if (cfg.str("mode") == "none") return nullptr;
    return std::make_unique<FacilityComponent>(b, cfg);
  });
}

}  // namespace dcsim::facility
