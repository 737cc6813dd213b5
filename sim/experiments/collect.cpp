#include "sim/experiments/collect.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

#include "sim/output/hdf5_inspect_internal.hpp"
#include "sim/util/text.hpp"

namespace dcsim::experiments {

using output::H5Handle;
using output::inspect::RunFile;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> read_1d(const RunFile& f, const std::string& path) {
  H5Handle d(H5Dopen2(f.root(), path.c_str(), H5P_DEFAULT), H5Dclose);
  if (!d) f.fail("cannot open " + path + " in " + f.path());
  std::vector<double> v(static_cast<size_t>(output::inspect::length_1d(d.get())));
  if (!v.empty() && H5Dread(d.get(), H5T_NATIVE_DOUBLE, output::kH5All, output::kH5All, H5P_DEFAULT, v.data()) < 0)
    f.fail("cannot read " + path + " in " + f.path());
  return v;
}

// "did you mean" among the datasets of the series' group (or the groups of its parent).
std::string missing_series(const RunFile& f, const std::string& series) {
  const auto slash = series.rfind('/');
  const std::string group = slash == std::string::npos ? "/" : "/" + series.substr(0, slash);
  const std::string leaf = slash == std::string::npos ? series : series.substr(slash + 1);
  std::string msg = "no series '/" + series + "' in " + f.path();
  output::H5Quiet quiet;
  H5Handle g(H5Gopen2(f.root(), group.c_str(), H5P_DEFAULT), H5Gclose);
  if (g) {
    const std::string near = nearest(leaf, f.link_names(g.get()));
    if (!near.empty()) msg += " (did you mean '" + group.substr(1) + "/" + near + "'?)";
  } else {
    msg += " (no group '" + group + "')";
  }
  return msg;
}

}  // namespace

double series_statistic(const OutputSpec& o, const std::vector<double>& times, const std::vector<double>& values) {
  std::vector<double> xs;
  for (size_t i = 0; i < values.size() && i < times.size(); ++i) {
    if (times[i] > o.window_from && times[i] <= o.window_to && !std::isnan(values[i])) xs.push_back(values[i]);
  }
  if (o.stat == Stat::count) return static_cast<double>(xs.size());
  if (xs.empty()) return kNaN;
  switch (o.stat) {
    case Stat::first: return xs.front();
    case Stat::last: return xs.back();
    case Stat::min: return *std::min_element(xs.begin(), xs.end());
    case Stat::max: return *std::max_element(xs.begin(), xs.end());
    case Stat::sum:
    case Stat::mean: {
      double s = 0;
      for (const double x : xs) s += x;
      return o.stat == Stat::sum ? s : s / static_cast<double>(xs.size());
    }
    case Stat::quantile: {
      std::sort(xs.begin(), xs.end());
      const double h = o.quantile * static_cast<double>(xs.size() - 1);
      const auto lo = static_cast<size_t>(std::floor(h));
      const size_t hi = std::min(lo + 1, xs.size() - 1);
      return xs[lo] + (h - static_cast<double>(lo)) * (xs[hi] - xs[lo]);
    }
    case Stat::count: break;
  }
  return kNaN;
}

Collected collect_outputs(const std::string& run_file, const std::vector<OutputSpec>& outputs) {
  Collected c;
  c.values.assign(outputs.size(), kNaN);
  c.problems.assign(outputs.size(), "");
  if (outputs.empty()) return c;
  output::H5Quiet quiet;
  const RunFile f(run_file);
  std::vector<double> times;
  bool have_times = false;
  for (size_t i = 0; i < outputs.size(); ++i) {
    const OutputSpec& o = outputs[i];
    if (!o.summary.empty()) {
      std::optional<double> v;
      if (f.has(f.root(), "summary")) {
        const H5Handle g = f.open_object(f.root(), "summary");
        v = f.number_attr(g.get(), o.summary);
        if (!v) {
          std::vector<std::string> names;
          for (const auto& n : f.attr_names(g.get())) {
            if (n.size() < 6 || n.compare(n.size() - 6, 6, "_units") != 0) names.push_back(n);
          }
          const std::string near = nearest(o.summary, names);
          c.problems[i] = "no attribute '" + o.summary + "' in /summary of " + run_file +
                          (near.empty() ? "" : " (did you mean '" + near + "'?)");
        }
      } else {
        c.problems[i] = "no /summary in " + run_file;
      }
      if (v) c.values[i] = *v;
      continue;
    }
    bool exists = true;  // H5Lexists needs every intermediate group: check them one by one

    for (size_t p = o.series.find('/'); exists; p = o.series.find('/', p + 1)) {
      const std::string prefix = "/" + o.series.substr(0, p);
      exists = H5Lexists(f.root(), prefix.c_str(), H5P_DEFAULT) > 0;
      if (p == std::string::npos) break;
    }
    if (!exists) {
      c.problems[i] = missing_series(f, o.series);
      continue;
    }
    if (!have_times) {
      times = read_1d(f, "/time");
      have_times = true;
    }
    c.values[i] = series_statistic(o, times, read_1d(f, "/" + o.series));
  }
  for (size_t i = 0; i < outputs.size(); ++i) {  // ratios, after every plain output is known
    if (outputs[i].divide_by.empty()) continue;
    for (size_t j = 0; j < outputs.size(); ++j) {
      if (outputs[j].name == outputs[i].divide_by) c.values[i] = c.values[j] != 0 ? c.values[i] / c.values[j] : kNaN;
    }
  }
  return c;
}

bool run_file_complete(const std::string& run_file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(run_file, ec)) return false;
  try {
    output::H5Quiet quiet;
    const RunFile f(run_file);
    const auto c = f.uint_attr(f.root(), "complete");
    return c && *c == 1;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace dcsim::experiments
