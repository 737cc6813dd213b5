// Reading presets.yaml (presets.hpp): every value checked, problems reported at file:line.
#include "models/grid/presets.hpp"

#include <cmath>
#include <set>

#include <yaml-cpp/yaml.h>

#include "sim/util/text.hpp"

namespace dcsim::grid {

double RegionPreset::annual_g_per_kwh(FactorBasis b) const { return g_per_kwh(intensity(shares, emission_factors(b))); }

std::string builtin_presets_path() { return std::string(DCSIM_SOURCE_DIR) + "/models/grid/presets.yaml"; }

namespace {

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const YAML::Node& n, const std::string& path, const std::string& msg) const {
    const auto m = n.Mark();
    throw scenario::InputError(scenario::Location{file_, m.line >= 0 ? m.line + 1 : 0, m.column >= 0 ? m.column + 1 : 0},
                               path, msg);
  }
  const YAML::Node need(const YAML::Node& map, const char* key, const std::string& path) const {
    const YAML::Node n = map[key];
    if (!n.IsDefined() || n.IsNull()) fail(map, path, std::string("missing key '") + key + "'");
    return n;
  }
  std::string text(const YAML::Node& map, const char* key, const std::string& path, bool required = true) const {
    const YAML::Node n = required ? need(map, key, path) : map[key];
    if (!n.IsDefined() || n.IsNull()) return "";
    if (!n.IsScalar()) fail(n, path + "." + key, "expected text");
    return n.Scalar();
  }
  double number(const YAML::Node& n, const std::string& path) const {
    if (!n.IsScalar()) fail(n, path, "expected a number");
    try {
      size_t used = 0;
      const double v = std::stod(n.Scalar(), &used);
      if (used != n.Scalar().size() || !std::isfinite(v)) throw std::invalid_argument("");
      return v;
    } catch (const std::exception&) {
      fail(n, path, "got '" + n.Scalar() + "', expected a number");
    }
  }
  double number(const YAML::Node& map, const char* key, const std::string& path) const {
    return number(need(map, key, path), path + "." + key);
  }
  FactorBasis basis(const YAML::Node& n, const std::string& path) const {
    FactorBasis b;
    if (!n.IsScalar() || !parse_basis(n.Scalar(), b)) fail(n, path, "expected 'lifecycle' or 'direct'");
    return b;
  }
  Fuel fuel(const YAML::Node& key, const std::string& path) const {
    Fuel f;
    if (!key.IsScalar() || !parse_fuel(key.Scalar(), f)) {
      fail(key, path, "unknown fuel '" + (key.IsScalar() ? key.Scalar() : std::string("?")) + "' (known: " +
                          quoted_list(fuel_names()) + ")");
    }
    return f;
  }

 private:
  std::string file_;
};

RegionPreset read_preset(const Reader& r, const std::string& name, const YAML::Node& p) {
  const std::string path = "presets." + name;
  if (!p.IsMap()) r.fail(p, path, "expected a mapping");
  RegionPreset out;
  out.name = name;
  out.title = r.text(p, "title", path);
  out.kind = r.text(p, "kind", path);
  if (out.kind != "country" && out.kind != "us_state" && out.kind != "egrid_subregion") {
    r.fail(p["kind"], path + ".kind", "expected 'country', 'us_state' or 'egrid_subregion'");
  }
  out.year = static_cast<int>(r.number(p, "year", path));
  out.basis = r.basis(r.need(p, "basis", path), path + ".basis");
  const YAML::Node mix = r.need(p, "mix", path);
  if (!mix.IsMap()) r.fail(mix, path + ".mix", "expected a mapping fuel: share");
  double sum = 0;
  for (auto it = mix.begin(); it != mix.end(); ++it) {
    const Fuel f = r.fuel(it->first, path + ".mix");
    const double s = r.number(it->second, path + ".mix." + it->first.Scalar());
    if (s < 0 || s > 1) r.fail(it->second, path + ".mix." + it->first.Scalar(), "expected a share in [0, 1]");
    out.shares[index(f)] = s;
    sum += s;
  }
  if (std::abs(sum - 1.0) > 1e-6) r.fail(mix, path + ".mix", "shares sum to " + std::to_string(sum) + ", expected 1");
  out.mix_confidence = r.text(p, "mix_confidence", path);
  if (out.mix_confidence != "sourced" && out.mix_confidence != "partly_estimated" && out.mix_confidence != "estimated") {
    r.fail(p["mix_confidence"], path + ".mix_confidence", "expected 'sourced', 'partly_estimated' or 'estimated'");
  }
  out.mix_source = r.text(p, "mix_source", path);
  out.note = r.text(p, "note", path, false);
  out.draws_from = r.text(p, "draws_from", path, false);
  const YAML::Node cited = r.need(p, "cited", path);
  if (!cited.IsSequence() || cited.size() == 0) r.fail(cited, path + ".cited", "expected a list of cited figures");
  for (size_t i = 0; i < cited.size(); ++i) {
    const std::string cp = path + ".cited[" + std::to_string(i) + "]";
    CitedIntensity c;
    c.id = r.text(cited[i], "id", cp);
    c.basis = r.basis(r.need(cited[i], "basis", cp), cp + ".basis");
    if (cited[i]["g_per_kwh"]) {
      c.g_per_kwh = c.low = c.high = r.number(cited[i], "g_per_kwh", cp);
    } else {
      c.low = r.number(cited[i], "low_g_per_kwh", cp);
      c.high = r.number(cited[i], "high_g_per_kwh", cp);
      if (!(c.low <= c.high)) r.fail(cited[i], cp, "low_g_per_kwh must not exceed high_g_per_kwh");
      c.g_per_kwh = 0.5 * (c.low + c.high);
    }
    out.cited.push_back(c);
  }
  const YAML::Node s = r.need(p, "shape", path);
  const std::string sp = path + ".shape";
  SyntheticShape& sh = out.shape;
  sh.latitude_deg = r.number(s, "latitude", sp);
  sh.longitude_deg = r.number(s, "longitude", sp);
  sh.utc_offset_h = r.number(s, "utc_offset_h", sp);
  sh.demand_daily_amplitude = r.number(s, "daily_amplitude", sp);
  sh.demand_peak_hour = r.number(s, "peak_hour", sp);
  sh.demand_seasonal_amplitude = r.number(s, "seasonal_amplitude", sp);
  sh.demand_peak_day = r.number(s, "peak_day", sp);
  sh.wind_cv = r.number(s, "wind_cv", sp);
  sh.wind_persistence_h = r.number(s, "wind_persistence_h", sp);
  sh.cloud_cv = r.number(s, "cloud_cv", sp);
  const YAML::Node d = r.need(s, "dispatch", sp);
  if (!d.IsSequence()) r.fail(d, sp + ".dispatch", "expected a list of fuels in merit order");
  sh.dispatch.clear();
  for (size_t i = 0; i < d.size(); ++i) sh.dispatch.push_back(r.fuel(d[i], sp + ".dispatch"));
  return out;
}

}  // namespace

std::vector<RegionPreset> load_presets(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw scenario::InputError(scenario::Location{path, 0, 0}, "", "cannot open grid presets file");
  } catch (const YAML::Exception& e) {
    throw scenario::InputError(scenario::Location{path, e.mark.line + 1, e.mark.column + 1}, "", e.msg);
  }
  const Reader r(path);
  const YAML::Node presets = root["presets"];
  if (!presets.IsMap()) r.fail(root, "presets", "expected a mapping 'presets:' of region presets");
  std::vector<RegionPreset> out;
  for (auto it = presets.begin(); it != presets.end(); ++it) out.push_back(read_preset(r, it->first.Scalar(), it->second));
  for (const auto& p : out) {
    if (p.draws_from.empty()) continue;
    bool found = false;
    for (const auto& q : out) found = found || q.name == p.draws_from;
    if (!found) r.fail(presets[p.name]["draws_from"], "presets." + p.name + ".draws_from", "no preset '" + p.draws_from + "'");
  }
  return out;
}

const std::vector<RegionPreset>& builtin_presets() {
  static const std::vector<RegionPreset> presets = load_presets(builtin_presets_path());
  return presets;
}

std::vector<std::string> preset_names() {
  std::vector<std::string> names;
  for (const auto& p : builtin_presets()) names.push_back(p.name);
  return names;
}

const RegionPreset& find_preset(const std::string& name, const scenario::Location& where, const std::string& key_path) {
  for (const auto& p : builtin_presets()) {
    if (p.name == name) return p;
  }
  const std::vector<std::string> names = preset_names();
  const std::string near = nearest(name, names);
  throw scenario::InputError(where, key_path,
                             "unknown grid region preset '" + name + "'" +
                                 (near.empty() ? "" : "; did you mean '" + near + "'?") + " (known: " +
                                 quoted_list(names) + ")");
}

}  // namespace dcsim::grid
