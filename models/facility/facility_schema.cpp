#include "models/facility/facility_schema.hpp"

#include "models/facility/loss_curve.hpp"

namespace dcsim::facility {

namespace {

using scenario::ChildKind;
using scenario::ChildSpec;
using scenario::ParamSpec;
using scenario::Schema;
using units::Quantity;
using P = ParamSpec;

std::string num(double v) {
  std::string s = std::to_string(v);
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') s.pop_back();
  return s;
}

std::vector<ParamSpec> level_params(const char* what, int count, LossCurve loss, bool indoor, const char* source) {
  return {P::integer("count").def(std::to_string(count)).at_least(1).doc(std::string("Number of ") + what + " (the level below is split evenly, in order)."),
          P::quantity_of("rating", Quantity::power)
              .def("0 W")
              .at_least(0)
              .doc("Rating of each (output power); 0 W: sized to the peak below / oversubscription."),
          P::quantity_of("no_load_loss", Quantity::dimensionless).def(num(loss.no_load)).at_least(0).below(0.5).doc("a: no-load loss, fraction of the rating.").src(source),
          P::quantity_of("proportional_loss", Quantity::dimensionless).def(num(loss.proportional)).at_least(0).below(0.5).doc("b: loss proportional to the load, fraction of the load.").src(source),
          P::quantity_of("square_loss", Quantity::dimensionless).def(num(loss.square)).at_least(0).below(0.5).doc("c: square-law (I²R) loss at full load, fraction of the rating.").src(source),
          P::boolean("indoor").def(indoor ? "true" : "false").doc("Its losses are heat inside the cooled space.")};
}

Schema make_delivery() {
  static const Schema transformer{"transformer", "Substation transformers (utility medium voltage to the site's low voltage).",
                                  level_params("transformers", 1, kTransformer, false, "loss_curve.hpp: DOE 10 CFR 431.196 order of magnitude"), {}};
  static const Schema ups{"ups", "Uninterruptible power supplies (double conversion by default).",
                          level_params("UPS modules", 2, kUpsModern, true, "loss_curve.hpp: fitted to 94.5/96.2/96.5 % at 25/50/100 % (ASSUMPTION)"), {}};
  static const Schema pdu{"pdu", "Power distribution units (with a 480/208 V transformer by default).",
                          level_params("PDUs", 4, kPduTransformer, true, "loss_curve.hpp: DOE 2016 LVDT order of magnitude"), {}};
  static const Schema rack{"rack",
                           "Racks: the leaves of the tree, each holding servers of one pool.",
                           {P::integer("servers").def("4").at_least(1).doc("Servers per rack (a pool starts a new rack)."),
                            P::quantity_of("rating", Quantity::power).def("0 W").at_least(0).doc("Rack power limit; 0 W: the peak of its servers / oversubscription.")},
                           {}};
  static const Schema node{"node",
                           "An explicit delivery node (instead of counts per level): its parent, rating and, for racks, "
                           "the servers it holds.",
                           {P::string("name").req().id().doc("Node name (events and queries use it)."),
                            P::choice("level", {"transformer", "ups", "pdu", "rack"}).req().doc("Level of the node."),
                            P::string("parent").def("feed").doc("Parent node name ('feed': the utility feed)."),
                            P::quantity_of("rating", Quantity::power).def("0 W").at_least(0).doc("Rating; 0 W: auto-sized."),
                            P::string("servers").def("").doc("Racks: 'POOL' or 'POOL:FIRST-LAST' (server indices, inclusive).")},
                           {}};
  return Schema{
      "delivery",
      "The power-delivery tree: utility feed → transformers → UPS → PDUs → racks → servers (Boost.Graph).",
      {P::quantity_of("oversubscription", Quantity::dimensionless)
           .def("1")
           .at_least(1)
           .at_most(3)
           .doc("Allowed ratio of the peak power below a node to its rating; ratings that cannot carry the servers "
                "are an input error."),
       P::quantity_of("feed_rating", Quantity::power).def("0 W").at_least(0).doc("Utility interconnect limit; 0 W: auto-sized."),
       P::quantity_of("cap_target", Quantity::dimensionless).def("0.97").above(0).at_most(1).doc("A capped node is brought to this share of its rating."),
       P::quantity_of("release_below", Quantity::dimensionless).def("0.9").above(0).below(1).doc("Caps are raised in steps while the node's load is below this share of its rating."),
       P::quantity_of("release_step", Quantity::dimensionless).def("0.05").above(0).at_most(1).doc("Step of the cap fraction (of TDP) per facility step when releasing."),
       P::quantity_of("min_cap_fraction", Quantity::dimensionless).def("0.3").above(0).at_most(1).doc("Lowest per-GPU cap, fraction of TDP (H100: ~200 of 700 W).")},
      {ChildSpec{"transformer", ChildKind::block, &transformer, "", "", false, ""},
       ChildSpec{"ups", ChildKind::block, &ups, "", "", false, ""},
       ChildSpec{"pdu", ChildKind::block, &pdu, "", "", false, ""},
       ChildSpec{"rack", ChildKind::block, &rack, "", "", false, ""},
       ChildSpec{"nodes", ChildKind::list, &node, "", "", false,
                 "Explicit nodes (replace the counts of transformer/ups/pdu/rack; listed parents first)."}}};
}

Schema make_cooling() {
  static const Schema air{
      "air",
      "The air loop: CRAH/CRAC coils and fans fed by chilled water.",
      {P::quantity_of("supply_temperature", Quantity::temperature).def("18 degC").doc("Chilled-water supply setpoint."),
       P::quantity_of("water_delta", Quantity::temperature).def("8 degC").above(0).doc("Chilled-water return − supply (K, in degC)."),
       P::quantity_of("inlet_setpoint", Quantity::temperature).def("27 degC").doc("Server inlet air setpoint (ASHRAE recommended 18-27 degC).").src("cooling.ashrae_envelope"),
       P::quantity_of("air_delta", Quantity::temperature).def("12 degC").above(0).doc("Air temperature rise through the IT (K, in degC)."),
       P::quantity_of("fan_pressure", Quantity::dimensionless).def("400").above(0).doc("CRAH fan total pressure at design flow, Pa."),
       P::quantity_of("fan_efficiency", Quantity::dimensionless).def("0.65").above(0).at_most(1).doc("Fan and motor efficiency."),
       P::quantity_of("pump_head", Quantity::dimensionless).def("250000").at_least(0).doc("Chilled-water pump head at design flow, Pa."),
       P::quantity_of("pump_efficiency", Quantity::dimensionless).def("0.7").above(0).at_most(1).doc("Pump and motor efficiency."),
       P::integer("chillers").def("3").at_least(0).doc("Chillers on this loop (0: economizer only)."),
       P::integer("spare_chillers").def("1").at_least(0).doc("Redundant chillers (N+1: 1); the others carry the design heat at the design day."),
       P::quantity_of("chiller_capacity", Quantity::power).def("0 W").at_least(0).doc("Reference capacity of each chiller; 0 W: sized for the design day.")},
      {}};
  static const Schema liquid{
      "liquid",
      "Direct-to-chip liquid cooling: a share of the IT heat leaves through cold plates and CDUs on warm water.",
      {P::quantity_of("share", Quantity::dimensionless).def("0").at_least(0).at_most(1).doc("Share of IT heat to liquid (0: air only; ~0.75-0.8 for DLC GPU servers).").src("cooling.liquid_vertiv_nvidia (~75 %)"),
       P::quantity_of("supply_temperature", Quantity::temperature).def("32 degC").doc("Facility-water supply to the CDUs (ASHRAE W32)."),
       P::quantity_of("water_delta", Quantity::temperature).def("10 degC").above(0).doc("Return − supply (K, in degC)."),
       P::quantity_of("limit", Quantity::temperature).def("45 degC").doc("Coolant temperature at which a GPU at TDP reaches its slowdown temperature (W45)."),
       P::quantity_of("pump_head", Quantity::dimensionless).def("200000").at_least(0).doc("CDU secondary pump head, Pa."),
       P::quantity_of("pump_efficiency", Quantity::dimensionless).def("0.6").above(0).at_most(1).doc("CDU pump efficiency."),
       P::integer("chillers").def("0").at_least(0).doc("Trim chillers on the liquid loop (0: economizer only).")},
      {}};
  return Schema{
      "cooling",
      "The cooling plant: economizer, chillers (Chiller:Electric:EIR curves), heat rejection and water.",
      {P::choice("chillers", {"water_cooled", "air_cooled", "none"}).def("water_cooled").doc("Chiller type."),
       P::quantity_of("chiller_cop", Quantity::dimensionless).def("0").at_least(0).doc("Reference COP; 0: 6.28 water-cooled, 2.96 air-cooled (ASHRAE 90.1-2019 path A)."),
       P::choice("heat_rejection", {"cooling_tower", "dry_cooler"}).def("cooling_tower").doc("Heat rejection of the condenser / economizer water."),
       P::boolean("economizer").def("true").doc("Water-side economizer (free cooling) through the heat rejection."),
       P::quantity_of("hx_approach", Quantity::temperature).def("2 degC").at_least(0).doc("Economizer heat-exchanger approach (K)."),
       P::quantity_of("tower_approach", Quantity::temperature).def("4 degC").at_least(0).doc("Tower leaving water − wet bulb (K)."),
       P::quantity_of("dry_cooler_approach", Quantity::temperature).def("6 degC").at_least(0).doc("Dry-cooler leaving water − entering air (K)."),
       P::boolean("adiabatic").def("false").doc("Adiabatic (evaporative) pre-cooling of dry-cooler and air-cooled condenser air."),
       P::quantity_of("adiabatic_above", Quantity::temperature).def("20 degC").doc("Dry bulb above which the adiabatic pads are wetted."),
       P::quantity_of("adiabatic_effectiveness", Quantity::dimensionless).def("0.8").at_least(0).at_most(1).doc("Share of the wet-bulb depression the pads achieve."),
       P::quantity_of("cycles_of_concentration", Quantity::dimensionless).def("5").above(1).doc("Tower cycles of concentration (blowdown = evaporation / (cycles − 1))."),
       P::quantity_of("drift", Quantity::dimensionless).def("0.00005").at_least(0).at_most(0.01).doc("Tower drift, fraction of the circulating flow (0.005 %)."),
       P::quantity_of("evaporated_share", Quantity::dimensionless).def("0.895").above(0).at_most(1).doc("Share of the rejected heat leaving as latent heat (0.00085 lb/Btu rule)."),
       P::quantity_of("condenser_delta", Quantity::temperature).def("5.6 degC").above(0).doc("Condenser-water range (K)."),
       P::quantity_of("condenser_pump_head", Quantity::dimensionless).def("200000").at_least(0).doc("Condenser-water pump head, Pa."),
       P::quantity_of("rejection_fan_power", Quantity::dimensionless).def("0.0134").at_least(0).doc("Tower / dry-cooler fan power at design, fraction of the design heat rejected (ASHRAE 90.1 38.2 gpm/hp).").src("ASHRAE 90.1-2010 Table 6.8.1G, axial towers"),
       P::quantity_of("min_flow", Quantity::dimensionless).def("0.3").at_least(0).at_most(1).doc("Lowest fan/pump speed, fraction of design flow."),
       P::quantity_of("design_drybulb", Quantity::temperature).def("35 degC").doc("Design-day dry bulb (chiller sizing)."),
       P::quantity_of("design_wetbulb", Quantity::temperature).def("24 degC").doc("Design-day wet bulb (chiller sizing).")},
      {ChildSpec{"air", ChildKind::block, &air, "", "", false, ""},
       ChildSpec{"liquid", ChildKind::block, &liquid, "", "", false, ""}}};
}

Schema make_thermal() {
  return Schema{
      "thermal",
      "Thermal mass of the loops and GPU throttling (first-order model).",
      {P::quantity_of("air_volume", Quantity::volume).def("0 L").at_least(0).doc("Air in the halls; 0: 2 m³ per kW of design IT (ASSUMPTION)."),
       P::quantity_of("water_volume", Quantity::volume).def("0 L").at_least(0).doc("Chilled water in the air loop; 0: 5 L per kW of design heat (ASSUMPTION)."),
       P::quantity_of("equipment_mass", Quantity::mass).def("0 g").at_least(0).doc("IT equipment mass; 0: 130 kg per 8.5 kW server peak (DGX H100)."),
       P::quantity_of("liquid_volume", Quantity::volume).def("0 L").at_least(0).doc("Coolant in the liquid loop; 0: 2 L per kW of its design heat (ASSUMPTION)."),
       P::quantity_of("inlet_limit", Quantity::temperature).def("30 degC").doc("Inlet at which a GPU at TDP reaches its slowdown temperature (DGX H100: 5-30 degC)."),
       P::quantity_of("slowdown_temperature", Quantity::temperature).def("87 degC").doc("GPU temperature at which clocks fall."),
       P::quantity_of("min_power_fraction", Quantity::dimensionless).def("0.3").above(0).at_most(1).doc("Lowest throttled GPU power, fraction of TDP.")},
      {}};
}

}  // namespace

const Schema& facility_schema() {
  static const Schema delivery = make_delivery();
  static const Schema cooling = make_cooling();
  static const Schema thermal = make_thermal();
  static const ChildSpec weather = [] {
    ChildSpec c{"weather", ChildKind::model, nullptr, "weather", "", false, "Outdoor conditions (models/weather)."};
    c.default_yaml = "{model: preset, climate: northern-virginia}";
    return c;
  }();
  static const Schema s{
      "facility",
      "The site's facility: power delivery, cooling plant, water, thermal mass and throttling "
      "(docs/models/facility.md). PUE and WUE are outputs.",
      {P::choice("mode", {"none", "physical", "constant_pue"}).def("none").doc("none: no facility model (the site's series stop at IT power); physical: the models; constant_pue: facility = pue · IT (only to compare with tools that assume one)."),
       P::quantity_of("pue", Quantity::dimensionless).def("1.5").at_least(1).doc("constant_pue mode: the assumed PUE."),
       P::quantity_of("wue", Quantity::water_intensity).def("0 L/kWh").at_least(0).doc("constant_pue mode: water per IT energy."),
       P::quantity_of("step", Quantity::time).def("10 s").above(0).doc("Facility control step."),
       P::quantity_of("design_it_power", Quantity::power).def("0 W").at_least(0).doc("Design IT power (sizing); 0 W: Σ server peaks."),
       P::quantity_of("other_fraction", Quantity::dimensionless).def("0.01").at_least(0).at_most(0.5).doc("Lighting, offices, security: constant, fraction of design IT (estimate).")},
      {weather,
       ChildSpec{"delivery", ChildKind::block, &delivery, "", "", false, ""},
       ChildSpec{"cooling", ChildKind::block, &cooling, "", "", false, ""},
       ChildSpec{"thermal", ChildKind::block, &thermal, "", "", false, ""}}};
  return s;
}

}  // namespace dcsim::facility
