// Electric chillers after EnergyPlus's Chiller:Electric:EIR (the DOE-2.1 model; EnergyPlus
// Engineering Reference, "Electric Chiller Model Based on Condenser Entering Temperature"):
//
//   x = T_chw,leaving (degC),  y = T_cond,entering (degC; water-cooled: tower water, air-cooled:
//       outdoor dry bulb − condenser_offset, see below); both clamped to the curve's range
//   CAPFT(x,y)  = a + b x + c x² + d y + e y² + f x y           (biquadratic)
//   EIRFT(x,y)  = same form
//   EIRFPLR(r)  = a + b r + c r²                                 (quadratic)
//   Q_avail     = Q_ref · CAPFT
//   PLR         = Q / Q_avail;   PLR below min_unloading: the chiller false-loads (hot-gas bypass),
//                 drawing the power of min_unloading
//   P           = (Q_avail / COP_ref) · EIRFT · EIRFPLR(max(PLR, min_unloading))
//   COP         = Q / P;   condenser heat = Q + P
// At the reference point CAPFT = EIRFT = EIRFPLR(1) = 1, so P = Q_ref / COP_ref.
//
// Curve sets (EnergyPlus DataSets/Chillers.idf, the DOE-2 library; transcribed from the Modelica
// Buildings library's records of the same EnergyPlus objects, which were checked to give
// CAPFT, EIRFT within 0.4 % of 1 at their reference points):
//   DOE-2 Centrifugal/5.50COP   reference 6.67 degC leaving CHW, 29.4 degC entering condenser water
//     CAPFT  0.257896 0.0389016 -0.00021708 0.0468684 -0.00094284 -0.00034344
//     EIRFT  0.933884 -0.058212 0.00450036 0.00243 0.000486 -0.001215
//     EIRFPLR 0.222903 0.313387 0.46371;  x ∈ [5, 10], y ∈ [24, 35] in EnergyPlus
//   DOE-2 Reciprocating/3.67COP same reference point
//     CAPFT  0.507883 0.145228 -0.00625644 -0.0011178 -0.0001296 -0.00028188
//     EIRFT  1.03076 -0.103536 0.00710208 0.0093186 0.00031752 -0.00104328
//     EIRFPLR 0.088065 1.137742 -0.225806
// Water-cooled plants use the centrifugal set with COP_ref 6.28 (ASHRAE 90.1-2019 Table 6.8.1-3,
// path A, centrifugal 300-600 tons: 0.560 kW/ton; unverified_recall). Air-cooled plants use the
// reciprocating set (a positive-displacement compressor) with COP_ref 2.96 (90.1-2019 air-cooled
// path A: 10.1 EER; unverified_recall) at the AHRI 550/590 air-cooled rating point (35 degC air):
// y = T_db − 5.6 K maps 35 degC air to the curve's 29.4 degC reference (an ASSUMPTION: the curve's
// shape in condensing temperature is kept, its reference shifted).
// Input ranges: x is clamped to [5, 10] degC (EnergyPlus clamps to the curve limits: warmer chilled
// water gains no more than at 10 degC, a conservative choice for warm-water plants); y is clamped to
// [10, 50] degC, wider than EnergyPlus's [24, 35] — the quadratics are monotone there (checked by
// the tests: COP falls as y rises), so the extrapolation keeps the physics' sign.
#pragma once

#include <array>

namespace dcsim::facility {

struct EirCurves {
  std::array<double, 6> capft;
  std::array<double, 6> eirft;
  std::array<double, 3> eirfplr;
  double min_unloading = 0.2;  // EnergyPlus "Minimum Unloading Ratio" of the DOE-2 sets
};

const EirCurves& doe2_centrifugal();
const EirCurves& doe2_reciprocating();

struct ChillerSpec {
  EirCurves curves;
  double ref_capacity_w = 1e6;
  double ref_cop = 6.28;
  double condenser_offset_c = 0;  // air-cooled: 5.6 (y = T_db − offset)
};

struct ChillerPoint {
  double capacity_w = 0;  // Q_avail at these temperatures
  double power_w = 0;
  double plr = 0;
  double cop = 0;
};

double biquadratic(const std::array<double, 6>& k, double x, double y);
double clamp_chw(double x);
double clamp_cond(double y);

// One chiller carrying q_w (≤ its capacity) at the given temperatures.
ChillerPoint chiller_at(const ChillerSpec& s, double q_w, double t_chw_c, double t_cond_c);

// A plant of n identical chillers staged to the load: the fewest chillers whose combined capacity
// covers the load run, sharing it equally; beyond the capacity of all n, each runs at its capacity
// and `shortfall_w` is the heat they cannot remove.
struct StagedPoint {
  int running = 0;
  double capacity_w = 0;   // of all n
  double removed_w = 0;
  double power_w = 0;
  double shortfall_w = 0;
};
StagedPoint staged(const ChillerSpec& s, int n, double q_w, double t_chw_c, double t_cond_c);

}  // namespace dcsim::facility
