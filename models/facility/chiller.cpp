#include "models/facility/chiller.hpp"

#include <algorithm>
#include <cmath>

namespace dcsim::facility {

const EirCurves& doe2_centrifugal() {
  static const EirCurves c{{0.257896, 0.0389016, -0.00021708, 0.0468684, -0.00094284, -0.00034344},
                           {0.933884, -0.058212, 0.00450036, 0.00243, 0.000486, -0.001215},
                           {0.222903, 0.313387, 0.46371},
                           0.2};
  return c;
}

const EirCurves& doe2_reciprocating() {
  static const EirCurves c{{0.507883, 0.145228, -0.00625644, -0.0011178, -0.0001296, -0.00028188},
                           {1.03076, -0.103536, 0.00710208, 0.0093186, 0.00031752, -0.00104328},
                           {0.088065, 1.137742, -0.225806},
                           0.2};
  return c;
}

double biquadratic(const std::array<double, 6>& k, double x, double y) {
  return k[0] + k[1] * x + k[2] * x * x + k[3] * y + k[4] * y * y + k[5] * x * y;
}

double clamp_chw(double x) { return std::clamp(x, 5.0, 10.0); }
double clamp_cond(double y) { return std::clamp(y, 10.0, 50.0); }

ChillerPoint chiller_at(const ChillerSpec& s, double q_w, double t_chw_c, double t_cond_c) {
  const double x = clamp_chw(t_chw_c);
  const double y = clamp_cond(t_cond_c - s.condenser_offset_c);
  ChillerPoint p;
  p.capacity_w = s.ref_capacity_w * biquadratic(s.curves.capft, x, y);
  if (q_w <= 0) return p;
  p.plr = std::min(1.0, q_w / p.capacity_w);
  const double r = std::max(p.plr, s.curves.min_unloading);
  const auto& c = s.curves.eirfplr;
  p.power_w = p.capacity_w / s.ref_cop * biquadratic(s.curves.eirft, x, y) * (c[0] + c[1] * r + c[2] * r * r);
  p.cop = std::min(q_w, p.capacity_w) / p.power_w;
  return p;
}

StagedPoint staged(const ChillerSpec& s, int n, double q_w, double t_chw_c, double t_cond_c) {
  StagedPoint out;
  if (n <= 0) {
    out.shortfall_w = std::max(0.0, q_w);
    return out;
  }
  const double each = chiller_at(s, 0, t_chw_c, t_cond_c).capacity_w;
  out.capacity_w = n * each;
  if (q_w <= 0) return out;
  out.running = std::min(n, std::max(1, static_cast<int>(std::ceil(q_w / each - 1e-12))));
  out.removed_w = std::min(q_w, out.capacity_w);
  out.shortfall_w = q_w - out.removed_w;
  const ChillerPoint one = chiller_at(s, out.removed_w / out.running, t_chw_c, t_cond_c);
  out.power_w = out.running * one.power_w;
  return out;
}

}  // namespace dcsim::facility
