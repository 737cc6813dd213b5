#include "models/facility/facility_config.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "models/weather/psychrometrics.hpp"
#include "sim/scenario/config_defaults.hpp"
#include "sim/util/text.hpp"

namespace dcsim::facility {

namespace {

using scenario::Config;
using scenario::Diagnostics;
using scenario::InputError;

LossCurve loss_of(const Config& c) { return {c.num("no_load_loss"), c.num("proportional_loss"), c.num("square_loss")}; }

// Split n items into k contiguous groups: item i goes to group floor(i k / n).
size_t group_of(size_t i, size_t n, size_t k) { return i * k / n; }

void build_levels(const Config& d, const std::vector<PoolInfo>& pools, DeliveryTree& t, Diagnostics& diags) {
  const Config& rc = d.child("rack");
  const auto per_rack = static_cast<uint32_t>(rc.integer("servers"));
  std::vector<ServerRange> racks;
  for (uint32_t p = 0; p < pools.size(); ++p) {
    for (uint32_t first = 0; first < pools[p].servers; first += per_rack) {
      racks.push_back({p, first, std::min(per_rack, pools[p].servers - first)});
    }
  }
  struct Lv {
    const char* key;
    Level level;
  };
  const Lv levels[3] = {{"transformer", Level::transformer}, {"ups", Level::ups}, {"pdu", Level::pdu}};
  size_t counts[3];
  for (int i = 0; i < 3; ++i) counts[i] = static_cast<size_t>(d.child(levels[i].key).integer("count"));
  // Each level may not have more nodes than the level below it (the default count, left out or
  // written out as in a resolved scenario, is clamped to it; another count is an error). Checked
  // from the racks up.
  for (int i = 2; i >= 0; --i) {
    const size_t below = i == 2 ? racks.size() : counts[i + 1];
    if (counts[i] > below && scenario::at_default(d.child(levels[i].key), "count")) counts[i] = below;
  }
  for (int i = 0; i < 3; ++i) {
    const size_t below_i = i == 2 ? racks.size() : counts[i + 1];
    const size_t below[3] = {below_i, below_i, below_i};
    if (counts[i] > below[i]) {
      diags.error(d.child(levels[i].key).where("count"), d.path() + "." + levels[i].key + ".count",
                  "got '" + std::to_string(counts[i]) + "', expected at most " + std::to_string(below[i]) +
                      " (the nodes of the level below)");
      counts[i] = below[i];
    }
  }
  if (!diags.ok()) return;
  const size_t root = t.add({"feed", Level::feed, d.num("feed_rating"), {}, false, {}}, std::nullopt);
  std::vector<size_t> prev{root};
  size_t n_prev = 1;
  for (int i = 0; i < 3; ++i) {
    const Config& c = d.child(levels[i].key);
    std::vector<size_t> cur;
    for (size_t k = 0; k < counts[i]; ++k) {
      const size_t parent = prev[group_of(k, counts[i], n_prev)];
      cur.push_back(t.add({std::string(levels[i].key) + "-" + std::to_string(k + 1), levels[i].level, c.num("rating"),
                           loss_of(c), c.flag("indoor"), {}},
                          parent));
    }
    prev = std::move(cur);
    n_prev = counts[i];
  }
  for (size_t r = 0; r < racks.size(); ++r) {
    const size_t parent = prev[group_of(r, racks.size(), n_prev)];
    t.add({"rack-" + std::to_string(r + 1), Level::rack, rc.num("rating"), {}, true, {racks[r]}}, parent);
  }
}

Level level_of(const std::string& s) {
  if (s == "transformer") return Level::transformer;
  if (s == "ups") return Level::ups;
  if (s == "pdu") return Level::pdu;
  return Level::rack;
}

void build_nodes(const Config& d, const std::vector<PoolInfo>& pools, DeliveryTree& t, Diagnostics& diags) {
  std::map<std::string, size_t> index;
  index["feed"] = t.add({"feed", Level::feed, d.num("feed_rating"), {}, false, {}}, std::nullopt);
  std::vector<std::string> pool_names;
  for (const auto& p : pools) pool_names.push_back(p.name);
  const std::map<Level, std::string> defaults{{Level::transformer, "transformer"}, {Level::ups, "ups"}, {Level::pdu, "pdu"}};
  for (const auto& n : d.list("nodes")) {
    const Level lv = level_of(n.str("level"));
    const std::string& parent = n.str("parent");
    auto it = index.find(parent);
    if (it == index.end()) {
      std::vector<std::string> known;
      for (const auto& [k, v] : index) known.push_back(k);
      diags.error(n.where("parent"), n.path() + ".parent",
                  "no node '" + parent + "' listed before this one; known: " + quoted_list(known, ", "));
      continue;
    }
    DeliveryNode node{n.str("name"), lv, n.num("rating"), {}, true, {}};
    if (lv != Level::rack) {
      const Config& c = d.child(defaults.at(lv));  // losses of the level's block
      node.loss = loss_of(c);
      node.indoor = c.flag("indoor");
    }
    const std::string& spec = n.str("servers");
    if (lv == Level::rack) {
      if (spec.empty()) {
        diags.error(n.where(), n.path() + ".servers", "a rack needs its servers: 'POOL' or 'POOL:FIRST-LAST'");
        continue;
      }
      const auto colon = spec.find(':');
      const std::string pname = spec.substr(0, colon);
      auto pit = std::find(pool_names.begin(), pool_names.end(), pname);
      if (pit == pool_names.end()) {
        const std::string near = nearest(pname, pool_names);
        diags.error(n.where("servers"), n.path() + ".servers",
                    "no pool '" + pname + "' in this site" + (near.empty() ? "" : "; did you mean '" + near + "'?"));
        continue;
      }
      const auto p = static_cast<uint32_t>(pit - pool_names.begin());
      uint32_t first = 0, last = pools[p].servers - 1;
      if (colon != std::string::npos) {
        const std::string range = spec.substr(colon + 1);
        const auto dash = range.find('-');
        try {
          first = static_cast<uint32_t>(std::stoul(range.substr(0, dash)));
          last = dash == std::string::npos ? first : static_cast<uint32_t>(std::stoul(range.substr(dash + 1)));
        } catch (const std::exception&) {
          diags.error(n.where("servers"), n.path() + ".servers", "got '" + spec + "', expected 'POOL:FIRST-LAST'");
          continue;
        }
      }
      if (first > last || last >= pools[p].servers) {
        diags.error(n.where("servers"), n.path() + ".servers",
                    "got '" + spec + "', expected server indices within 0-" + std::to_string(pools[p].servers - 1));
        continue;
      }
      node.servers.push_back({p, first, last - first + 1});
    } else if (!spec.empty()) {
      diags.error(n.where("servers"), n.path() + ".servers", "only racks hold servers");
    }
    index[n.str("name")] = t.add(std::move(node), it->second);
  }
}

}  // namespace

FacilityParts build_facility_parts(const Config& cfg, const std::vector<PoolInfo>& pools) {
  FacilityParts f;
  double peak = 0;
  for (const auto& p : pools) peak += p.servers * p.server_peak_w;
  f.design_it_w = cfg.num("design_it_power") > 0 ? cfg.num("design_it_power") : peak;
  f.other_w = cfg.num("other_fraction") * f.design_it_w;
  const Config& cool = cfg.child("cooling");
  const Config& air = cool.child("air");
  const Config& liq = cool.child("liquid");
  f.liquid_share = liq.num("share");

  Diagnostics diags;
  const Config& d = cfg.child("delivery");
  if (d.list("nodes").empty()) {
    build_levels(d, pools, f.tree, diags);
  } else {
    build_nodes(d, pools, f.tree, diags);
  }
  diags.throw_if_errors();
  // Design mechanical load for transformer sizing: a generous 50 % of design IT (air-cooled, hot day).
  const auto problems = f.tree.finalize(pools, d.num("oversubscription"), 0.5 * f.design_it_w + f.other_w);
  for (const auto& p : problems) diags.error(d.where(), d.path(), p);
  diags.throw_if_errors();
  f.caps = {d.num("cap_target"), d.num("release_below"), d.num("release_step"), d.num("min_cap_fraction")};

  // Design heat: IT + indoor losses at the design load + other.
  ServerPowers design;
  for (const auto& p : pools) {
    design.pool_w.push_back(p.server_peak_w * (peak > 0 ? f.design_it_w / peak : 1.0));
    design.per_server.emplace_back();
  }
  DeliveryTree::Eval e;
  f.tree.evaluate(design, 0, e);
  f.design_heat_w = f.design_it_w + e.indoor_losses_w + f.other_w;

  PlantSpec& s = f.plant;
  const std::string kind = cool.str("chillers");
  s.chillers = kind == "water_cooled" ? ChillerKind::water_cooled : kind == "air_cooled" ? ChillerKind::air_cooled : ChillerKind::none;
  s.rejection = cool.str("heat_rejection") == "cooling_tower" ? Rejection::cooling_tower : Rejection::dry_cooler;
  s.economizer = cool.flag("economizer");
  s.hx_approach_c = cool.num("hx_approach");
  s.tower_approach_c = cool.num("tower_approach");
  s.dry_cooler_approach_c = cool.num("dry_cooler_approach");
  s.adiabatic = cool.flag("adiabatic");
  s.adiabatic_above_c = cool.num("adiabatic_above");
  s.adiabatic_effectiveness = cool.num("adiabatic_effectiveness");
  s.cycles = cool.num("cycles_of_concentration");
  s.drift = cool.num("drift");
  s.evaporated_share = cool.num("evaporated_share");
  s.condenser_delta_c = cool.num("condenser_delta");
  s.min_flow = cool.num("min_flow");
  s.rejection_fan_k = cool.num("rejection_fan_power");
  s.design_rejection_w = f.design_heat_w * 1.2;  // heat + chiller power on the design day
  s.condenser_pump_k = affinity_k(cool.num("condenser_pump_head"), air.num("pump_efficiency"), 1000.0, kWaterCp, s.condenser_delta_c);

  ChillerSpec ch;
  ch.curves = s.chillers == ChillerKind::air_cooled ? doe2_reciprocating() : doe2_centrifugal();
  ch.ref_cop = cool.num("chiller_cop") > 0 ? cool.num("chiller_cop") : (s.chillers == ChillerKind::air_cooled ? 2.96 : 6.28);
  ch.condenser_offset_c = s.chillers == ChillerKind::air_cooled ? 5.6 : 0.0;
  // Condenser entering temperature on the design day, for sizing.
  weather::Conditions design_day;
  design_day.drybulb_c = cool.num("design_drybulb");
  design_day.wetbulb_c = std::min(cool.num("design_wetbulb"), design_day.drybulb_c);

  const double air_heat = f.design_heat_w - f.liquid_share * f.design_it_w;
  LoopSpec& a = s.loops[0];
  a.design_heat_w = air_heat;
  a.supply_c = air.num("supply_temperature");
  a.delta_c = air.num("water_delta");
  a.distribution_k = affinity_k(air.num("fan_pressure"), air.num("fan_efficiency"), kAirDensity, kAirCp, air.num("air_delta"));
  a.pump_k = affinity_k(air.num("pump_head"), air.num("pump_efficiency"), 1000.0, kWaterCp, a.delta_c);
  a.chillers = static_cast<int>(air.integer("chillers"));
  a.chiller = ch;
  LoopSpec& l = s.loops[1];
  l.design_heat_w = f.liquid_share * f.design_it_w;
  l.supply_c = liq.num("supply_temperature");
  l.delta_c = liq.num("water_delta");
  l.distribution_k = affinity_k(liq.num("pump_head"), liq.num("pump_efficiency"), 1000.0, kWaterCp, l.delta_c);
  l.pump_k = affinity_k(air.num("pump_head"), air.num("pump_efficiency"), 1000.0, kWaterCp, l.delta_c);
  l.chillers = static_cast<int>(liq.integer("chillers"));
  l.chiller = ch;
  // Size chillers: the non-spare ones carry the loop's design heat on the design day.
  const CoolingPlant probe(s);
  const double no_delta[2] = {0, 0};
  const Availability av = probe.available(design_day, no_delta);
  const auto spare = static_cast<int>(air.integer("spare_chillers"));
  for (int k = 0; k < 2; ++k) {
    LoopSpec& loop = s.loops[k];
    if (loop.chillers <= 0 || loop.design_heat_w <= 0) continue;
    const int carrying = std::max(1, loop.chillers - (k == 0 ? spare : 0));
    if (k == 0 && air.num("chiller_capacity") > 0) {
      loop.chiller.ref_capacity_w = air.num("chiller_capacity");
      continue;
    }
    const double capft = biquadratic(loop.chiller.curves.capft, clamp_chw(loop.supply_c),
                                     clamp_cond(av.t_condenser_c - loop.chiller.condenser_offset_c));
    loop.chiller.ref_capacity_w = loop.design_heat_w / carrying / capft;
  }
  if (air.num("inlet_setpoint") < a.supply_c + 2) {
    throw InputError(air.where("inlet_setpoint"), air.path() + ".inlet_setpoint",
                     "got '" + air.str("inlet_setpoint") + "', expected at least the chilled-water supply + 2 K (" +
                         air.str("supply_temperature") + " + 2): coils cannot supply air colder than their water");
  }

  const Config& th = cfg.child("thermal");
  const double kw = f.design_it_w / 1e3;
  const double air_m3 = th.num("air_volume") > 0 ? th.num("air_volume") / 1e3 : 2.0 * kw;
  const double water_kg = th.num("water_volume") > 0 ? th.num("water_volume") : 5.0 * f.design_heat_w / 1e3;
  const double equip_kg = th.num("equipment_mass") > 0 ? th.num("equipment_mass") / 1e3 : 130.0 * f.design_it_w / 8500.0;
  const double liquid_kg = th.num("liquid_volume") > 0 ? th.num("liquid_volume") : 2.0 * l.design_heat_w / 1e3;
  f.nodes[0] = {kAirDensity * kAirCp * air_m3 + kSteelCp * equip_kg * (1 - f.liquid_share) + kWaterCp * water_kg,
                air.num("inlet_setpoint"), air.num("inlet_setpoint")};
  // The liquid node's temperature is the coolant supply to the cold plates.
  f.nodes[1] = {kWaterCp * std::max(liquid_kg, 1.0) + kSteelCp * equip_kg * f.liquid_share, l.supply_c, l.supply_c};
  f.throttle[0] = {th.num("inlet_limit"), th.num("slowdown_temperature"), th.num("min_power_fraction")};
  f.throttle[1] = {liq.num("limit"), th.num("slowdown_temperature"), th.num("min_power_fraction")};
  return f;
}

}  // namespace dcsim::facility
