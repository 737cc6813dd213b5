// Conversion losses of a power-delivery device (transformer, UPS, PDU) as a function of its load.
//
//   x      = P_out / R                         load fraction (R: rating, W)
//   P_loss = R · (a + b·x + c·x²)              no-load + proportional + square-law (I²R) loss
//   P_in   = P_out + P_loss
//   η(x)   = x / (x + a + b·x + c·x²)
// The three-term model is the one of Schneider Electric White Paper 113 (N. Rasmussen, "Electrical
// Efficiency Modeling for Data Centers") and WP 108 ("Making Large UPS Systems More Efficient"):
// no-load losses (transformers, capacitors, control) are independent of load, proportional losses
// (switching) follow the load, square-law losses follow the current squared.
//
// Default constants (docs/models/facility.md, "Delivery losses"):
//   UPS, modern double conversion   a = 0.0114, b = 0.0085, c = 0.0164
//       fitted here to η = 94.5 / 96.2 / 96.5 % at 25 / 50 / 100 % load (typical 2015+ large
//       double-conversion datasheet values; ASSUMPTION, replace with your UPS's curve)
//   UPS, legacy double conversion   a = 0.0263, b = 0.0564, c = 0.0043
//       fitted to η = 86 / 90 / 92 % at 25 / 50 / 100 % (LBNL/EPRI, Ton & Fortenbery 2005, "High
//       Performance Buildings: Data Centers — Uninterruptible Power Supplies", typical double conversion)
//   UPS, eco mode (bypass)          a = 0.003, b = 0.002, c = 0.005  (≈ 99 % at 50 %: estimate)
//   substation transformer          a = 0.0010, b = 0, c = 0.0060  (η = 99.50 % at 50 % load, the
//       order of the DOE 2016 minimum for 2500 kVA liquid-immersed units, 10 CFR 431.196; core:copper
//       split an ASSUMPTION)
//   PDU with 480/208 V transformer  a = 0.0030, b = 0, c = 0.0120  (η = 98.8 % at 50 %, the order of
//       the DOE 2016 minimum for low-voltage dry-type units of 75-150 kVA; split an ASSUMPTION)
//   rack (busway, breakers)         a = b = c = 0 (losses below the model's resolution)
#pragma once

namespace dcsim::facility {

struct LossCurve {
  double no_load = 0;       // a, fraction of the rating
  double proportional = 0;  // b, fraction of the load
  double square = 0;        // c, fraction of the rating at full load

  double loss_w(double p_out_w, double rating_w) const {
    if (!(rating_w > 0)) return 0;
    const double x = p_out_w / rating_w;
    return rating_w * (no_load + proportional * x + square * x * x);
  }
  double efficiency(double x) const { return x / (x + no_load + proportional * x + square * x * x); }
  bool lossless() const { return no_load == 0 && proportional == 0 && square == 0; }
};

inline constexpr LossCurve kUpsModern{0.0114, 0.0085, 0.0164};
inline constexpr LossCurve kUpsLegacy{0.0263, 0.0564, 0.0043};
inline constexpr LossCurve kUpsEco{0.003, 0.002, 0.005};
inline constexpr LossCurve kTransformer{0.0010, 0.0, 0.0060};
inline constexpr LossCurve kPduTransformer{0.0030, 0.0, 0.0120};

}  // namespace dcsim::facility
