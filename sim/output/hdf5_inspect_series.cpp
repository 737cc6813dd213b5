// `dcsim inspect`, the series section: every 1-D float series of every group, recursively, with
// its units, aggregation and min / mean / max over its non-NaN values (and how many are NaN), read
// in blocks of kSeriesBlock rows.
#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "sim/output/hdf5_handle.hpp"
#include "sim/output/hdf5_inspect_internal.hpp"

namespace dcsim::output::inspect {

namespace {

constexpr hsize_t kSeriesBlock = 65536;    // rows read at a time for the statistics

struct Stats {
  hsize_t n = 0;
  hsize_t nan = 0;
  double min = 0;
  double max = 0;
  double sum = 0;
};

Stats series_stats(const RunFile& f, hid_t dset, const std::string& path,
                   std::vector<double>& buf) {
  Stats s;
  const hsize_t n = length_1d(dset);
  buf.resize(static_cast<std::size_t>(std::min(n, kSeriesBlock)));
  for_each_block(dset, n, kSeriesBlock, [&](hid_t fs, hid_t ms, hsize_t count) {
    if (H5Dread(dset, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, buf.data()) < 0)
      f.fail("cannot read " + path + " in " + f.path());
    for (hsize_t i = 0; i < count; ++i) {
      const double v = buf[static_cast<std::size_t>(i)];
      if (std::isnan(v)) {
        ++s.nan;
        continue;
      }
      s.min = s.n == 0 ? v : std::min(s.min, v);
      s.max = s.n == 0 ? v : std::max(s.max, v);
      s.sum += v;
      ++s.n;
    }
  });
  return s;
}

bool is_float_series(hid_t dset) {
  H5Handle type(H5Dget_type(dset), H5Tclose);
  H5Handle space(H5Dget_space(dset), H5Sclose);
  return type && space && H5Tget_class(type.get()) == H5T_FLOAT &&
         H5Sget_simple_extent_ndims(space.get()) == 1;
}

// One group: its series (if any), then its subgroups, recursively.
void print_group(const RunFile& f, hid_t g, const std::string& path, std::ostream& out,
                 std::vector<double>& buf) {
  struct Row {
    std::string name, units, aggregation, stats;
  };
  std::vector<Row> rows;
  std::vector<std::string> subgroups;
  for (const std::string& name : f.link_names(g)) {
    // /time (and each group's `time`, a link to it) is the axis; /events, /summary and /requests
    // have their own sections.
    if (name == "time") continue;
    if (path.empty() && (name == "events" || name == "summary" || name == "requests")) continue;
    H5Handle obj = f.open_object(g, name);
    if (H5Iget_type(obj.get()) == H5I_GROUP) {
      subgroups.push_back(name);
      continue;
    }
    if (H5Iget_type(obj.get()) != H5I_DATASET) continue;
    Row r{name, f.string_attr(obj.get(), "units").value_or("-"),
          f.string_attr(obj.get(), "aggregation").value_or("-"), ""};
    if (!is_float_series(obj.get())) {
      r.stats = "(not a 1-D float series)";
    } else {
      const Stats s = series_stats(f, obj.get(), path + "/" + name, buf);
      if (s.n == 0)
        r.stats = "all NaN";
      else
        r.stats = "min " + num(s.min) + "  mean " + num(s.sum / static_cast<double>(s.n)) +
                  "  max " + num(s.max);
      if (s.n > 0 && s.nan > 0) r.stats += "  (" + std::to_string(s.nan) + " NaN)";
    }
    rows.push_back(std::move(r));
  }
  if (!rows.empty()) {
    std::size_t wn = 0;
    std::size_t wu = 0;
    std::size_t wa = 0;
    for (const Row& r : rows) {
      wn = std::max(wn, r.name.size());
      wu = std::max(wu, r.units.size());
      wa = std::max(wa, r.aggregation.size());
    }
    out << "  " << (path.empty() ? "/" : path) << '\n';
    for (const Row& r : rows)
      out << "    " << pad(r.name, wn + 2) << pad(r.units, wu + 2) << pad(r.aggregation, wa + 2)
          << r.stats << '\n';
  }
  for (const std::string& name : subgroups) {
    H5Handle sub = f.open_object(g, name);
    print_group(f, sub.get(), path + "/" + name, out, buf);
  }
}

}  // namespace

void print_series(const RunFile& f, std::ostream& out) {
  out << "series (units, aggregation, min / mean / max over non-NaN values)\n";
  H5Handle root(H5Gopen2(f.root(), "/", H5P_DEFAULT), H5Gclose);
  if (!root) f.fail("cannot open / in " + f.path());
  std::vector<double> buf;
  print_group(f, root.get(), "", out, buf);
}

}  // namespace dcsim::output::inspect
