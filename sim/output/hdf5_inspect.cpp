// `dcsim inspect`: reads a run file (docs/output-format.md) and prints a human summary.
#include "sim/output/hdf5_inspect.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "sim/output/hdf5_handle.hpp"

namespace dcsim::output {

namespace {

constexpr int kKeyWidth = 16;
constexpr std::size_t kMaxKinds = 10;      // event kinds listed
constexpr hsize_t kSeriesBlock = 65536;    // rows read at a time for the statistics
constexpr hsize_t kEventBlock = 4096;

// Integers print exactly ("1234567"), everything else with 6 significant digits.
std::string num(double v) {
  char buf[64];
  if (std::isnan(v)) return "nan";
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

void line(std::ostream& out, const std::string& key, const std::string& value) {
  out << "  " << pad(key, kKeyWidth) << value << '\n';
}

// Attribute and object access for one open file; every failure names the file.
class RunFile {
 public:
  explicit RunFile(const std::string& path) : path_(path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) throw std::runtime_error("cannot open " + path + ": no such file");
    const htri_t is_h5 = H5Fis_hdf5(path.c_str());
    if (is_h5 == 0) throw std::runtime_error(path + " is not an HDF5 file");
    if (is_h5 < 0) throw std::runtime_error("cannot read " + path + detail());
    file_ = H5Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!file_) throw std::runtime_error("cannot open " + path + detail());
  }

  hid_t root() const { return file_.get(); }
  const std::string& path() const { return path_; }

  bool has(hid_t obj, const std::string& name) const {
    return H5Lexists(obj, name.c_str(), H5P_DEFAULT) > 0;
  }
  H5Handle open_object(hid_t parent, const std::string& name) const {
    H5Handle h(H5Oopen(parent, name.c_str(), H5P_DEFAULT), H5Oclose);
    if (!h) fail("cannot open " + name + " in " + path_);
    return h;
  }

  // A root attribute that must be there.
  std::string root_string(const char* name) const { return required(string_attr(root(), name), name); }
  double root_number(const char* name) const { return required(number_attr(root(), name), name); }
  uint64_t root_uint(const char* name) const { return required(uint_attr(root(), name), name); }

  std::optional<std::string> string_attr(hid_t obj, const std::string& name) const {
    H5Handle a = open_scalar_attr(obj, name, H5T_STRING);
    if (!a) return std::nullopt;
    H5Handle type(H5Aget_type(a.get()), H5Tclose);
    H5Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
    if (!type || !mem) fail("cannot read attribute '" + name + "' in " + path_);
    H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
    if (H5Tis_variable_str(type.get()) > 0) {
      H5Tset_size(mem.get(), kH5Variable);
      char* p = nullptr;
      if (H5Aread(a.get(), mem.get(), &p) < 0) fail("cannot read attribute '" + name + "' in " + path_);
      std::string s = p != nullptr ? p : "";
      H5free_memory(p);
      return s;
    }
    const std::size_t size = H5Tget_size(type.get());
    std::string s(size + 1, '\0');
    H5Tset_size(mem.get(), size + 1);
    if (H5Aread(a.get(), mem.get(), s.data()) < 0)
      fail("cannot read attribute '" + name + "' in " + path_);
    s.resize(s.find('\0'));
    return s;
  }

  std::optional<double> number_attr(hid_t obj, const std::string& name) const {
    double v = 0;
    if (!read_number(obj, name, H5T_NATIVE_DOUBLE, &v)) return std::nullopt;
    return v;
  }
  std::optional<uint64_t> uint_attr(hid_t obj, const std::string& name) const {
    uint64_t v = 0;
    if (!read_number(obj, name, H5T_NATIVE_UINT64, &v)) return std::nullopt;
    return v;
  }

  // Names of the attributes of obj, or of the links in group g, in creation order when the
  // file tracks it (the writer's order), else by name.
  std::vector<std::string> attr_names(hid_t obj) const {
    std::vector<std::string> names;
    hsize_t idx = 0;
    auto collect = [](hid_t, const char* n, const H5A_info_t*, void* data) -> herr_t {
      static_cast<std::vector<std::string>*>(data)->emplace_back(n);
      return 0;
    };
    if (H5Aiterate2(obj, attr_order(obj), H5_ITER_INC, &idx, collect, &names) < 0)
      fail("cannot list attributes in " + path_);
    return names;
  }
  std::vector<std::string> link_names(hid_t g) const {
    H5G_info_t info;
    if (H5Gget_info(g, &info) < 0) fail("cannot list a group in " + path_);
    const H5_index_t order = link_order(g);
    std::vector<std::string> names;
    for (hsize_t i = 0; i < info.nlinks; ++i) {
      const ssize_t len = H5Lget_name_by_idx(g, ".", order, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
      if (len < 0) fail("cannot list a group in " + path_);
      std::string n(static_cast<std::size_t>(len) + 1, '\0');
      H5Lget_name_by_idx(g, ".", order, H5_ITER_INC, i, n.data(), n.size(), H5P_DEFAULT);
      n.resize(static_cast<std::size_t>(len));
      names.push_back(std::move(n));
    }
    return names;
  }

  [[noreturn]] void fail(const std::string& what) const { throw std::runtime_error(what + detail()); }

 private:
  static std::string detail() {
    const std::string d = h5_error_detail();
    return d.empty() ? "" : " (" + d + ")";
  }

  template <class T>
  T required(std::optional<T> v, const char* name) const {
    if (!v) throw std::runtime_error(path_ + " is not a dcsim run file: no attribute '" + name + "'");
    return *v;
  }

  // The attribute if it exists, is scalar (one element) and of class `cls`; else invalid.
  H5Handle open_scalar_attr(hid_t obj, const std::string& name, H5T_class_t cls) const {
    if (H5Aexists(obj, name.c_str()) <= 0) return {};
    H5Handle a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
    H5Handle type(H5Aget_type(a.get()), H5Tclose);
    H5Handle space(H5Aget_space(a.get()), H5Sclose);
    if (!a || !type || !space) fail("cannot read attribute '" + name + "' in " + path_);
    const H5T_class_t c = H5Tget_class(type.get());
    const bool numeric = c == H5T_INTEGER || c == H5T_FLOAT;
    const bool ok = cls == H5T_STRING ? c == H5T_STRING : numeric;
    if (!ok || H5Sget_simple_extent_npoints(space.get()) != 1) return {};
    return a;
  }

  bool read_number(hid_t obj, const std::string& name, hid_t mem_type, void* out) const {
    H5Handle a = open_scalar_attr(obj, name, H5T_FLOAT);
    if (!a) return false;
    if (H5Aread(a.get(), mem_type, out) < 0) fail("cannot read attribute '" + name + "' in " + path_);
    return true;
  }

  static H5_index_t attr_order(hid_t obj) {
    unsigned flags = 0;
    H5Handle plist(creation_plist(obj), H5Pclose);
    if (plist && H5Pget_attr_creation_order(plist.get(), &flags) >= 0 &&
        (flags & H5P_CRT_ORDER_INDEXED) != 0)
      return H5_INDEX_CRT_ORDER;
    return H5_INDEX_NAME;
  }
  static H5_index_t link_order(hid_t g) {
    unsigned flags = 0;
    H5Handle plist(H5Gget_create_plist(g), H5Pclose);
    if (plist && H5Pget_link_creation_order(plist.get(), &flags) >= 0 &&
        (flags & H5P_CRT_ORDER_INDEXED) != 0)
      return H5_INDEX_CRT_ORDER;
    return H5_INDEX_NAME;
  }
  // The creation property list of a group or a dataset.
  static hid_t creation_plist(hid_t obj) {
    switch (H5Iget_type(obj)) {
      case H5I_GROUP: return H5Gget_create_plist(obj);
      case H5I_DATASET: return H5Dget_create_plist(obj);
      case H5I_FILE: {
        H5Handle g(H5Gopen2(obj, "/", H5P_DEFAULT), H5Gclose);
        return g ? H5Gget_create_plist(g.get()) : H5I_INVALID_HID;
      }
      default: return H5I_INVALID_HID;
    }
  }

  std::string path_;
  H5Handle file_;
};

hsize_t length_1d(hid_t dset) {
  H5Handle space(H5Dget_space(dset), H5Sclose);
  if (!space || H5Sget_simple_extent_ndims(space.get()) != 1) return 0;
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space.get(), &n, nullptr);
  return n;
}

// Calls fn(first_row, count) for consecutive blocks of at most `block` rows, with the file and
// memory dataspaces selected.
template <class Fn>
void for_each_block(hid_t dset, hsize_t n, hsize_t block, Fn fn) {
  H5Handle file_space(H5Dget_space(dset), H5Sclose);
  for (hsize_t start = 0; start < n; start += block) {
    const hsize_t count = std::min(block, n - start);
    H5Handle mem_space(H5Screate_simple(1, &count, nullptr), H5Sclose);
    H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr);
    fn(file_space.get(), mem_space.get(), count);
  }
}

// ---------------------------------------------------------------------------------------------
// Sections

void print_run(const RunFile& f, std::ostream& out, bool summary_only) {
  // Checked first, so that a foreign HDF5 file is reported by its first missing attribute.
  const std::string version = f.root_string("dcsim_version");
  const double format = f.root_number("format_version");
  const std::string name = f.root_string("scenario_name");
  const std::string scenario_path = f.root_string("scenario_path");
  const uint64_t seed = f.root_uint("seed");
  const std::string fidelity = f.root_string("fidelity");
  const bool complete = f.root_number("complete") != 0;
  const std::string stop_reason = f.root_string("stop_reason");
  const double horizon = f.root_number("horizon_s");
  const double step = f.root_number("record_step_s");
  const double simulated = f.root_number("simulated_s");
  const std::string started = f.root_string("started_utc");
  const double wall = f.root_number("wall_seconds");
  if (!f.has(f.root(), "time"))
    throw std::runtime_error(f.path() + " is not a dcsim run file: no dataset /time");

  H5Handle time = f.open_object(f.root(), "time");
  const hsize_t samples = length_1d(time.get());
  std::string samples_text = std::to_string(samples);
  if (samples > 0) {
    double first = 0;
    double last = 0;
    for (hsize_t at : {hsize_t{0}, samples - 1}) {
      H5Handle fs(H5Dget_space(time.get()), H5Sclose);
      const hsize_t one = 1;
      H5Handle ms(H5Screate_simple(1, &one, nullptr), H5Sclose);
      H5Sselect_hyperslab(fs.get(), H5S_SELECT_SET, &at, nullptr, &one, nullptr);
      if (H5Dread(time.get(), H5T_NATIVE_DOUBLE, ms.get(), fs.get(), H5P_DEFAULT,
                  at == 0 ? &first : &last) < 0)
        f.fail("cannot read /time in " + f.path());
    }
    samples_text += " (time " + num(first) + " .. " + num(last) + " s)";
  }

  out << "run\n";
  line(out, "scenario", name);
  if (!summary_only) line(out, "scenario_path", scenario_path);
  line(out, "dcsim_version", version + " (format " + num(format) + ")");
  line(out, "seed", std::to_string(seed));
  line(out, "fidelity", fidelity);
  line(out, "complete", complete ? "yes" : "no");
  line(out, "stop_reason", stop_reason);
  line(out, "horizon_s", num(horizon) + " s");
  line(out, "record_step_s", num(step) + " s");
  line(out, "simulated_s", num(simulated) + " s");
  line(out, "samples", samples_text);
  if (!summary_only) {
    line(out, "started_utc", started);
    line(out, "wall_seconds", num(wall) + " s");
  }
}

void print_summary(const RunFile& f, std::ostream& out) {
  out << "summary\n";
  if (!f.has(f.root(), "summary")) {
    out << "  (no /summary group)\n";
    return;
  }
  H5Handle g = f.open_object(f.root(), "summary");
  std::vector<std::pair<std::string, std::string>> rows;  // name, "value units"
  std::size_t width = 0;
  for (const std::string& name : f.attr_names(g.get())) {
    const bool is_units = name.size() > 6 && name.compare(name.size() - 6, 6, "_units") == 0;
    if (is_units && f.number_attr(g.get(), name.substr(0, name.size() - 6))) continue;
    const std::optional<double> value = f.number_attr(g.get(), name);
    if (!value) continue;
    const std::string units = f.string_attr(g.get(), name + "_units").value_or("?");
    rows.emplace_back(name, num(*value) + " [" + units + "]");
    width = std::max(width, name.size());
  }
  if (rows.empty()) out << "  (none)\n";
  for (const auto& [name, text] : rows) out << "  " << pad(name, width + 2) << text << '\n';
}

void print_events(const RunFile& f, std::ostream& out) {
  if (!f.has(f.root(), "events")) {
    out << "events\n  (no /events dataset)\n";
    return;
  }
  H5Handle events = f.open_object(f.root(), "events");
  const hsize_t n = length_1d(events.get());
  out << "events " << n << '\n';

  H5Handle file_type(H5Dget_type(events.get()), H5Tclose);
  if (!file_type || H5Tget_class(file_type.get()) != H5T_COMPOUND ||
      H5Tget_member_index(file_type.get(), "kind") < 0)
    return;
  // Reads only the `kind` member.
  H5Handle str(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(str.get(), kH5Variable);
  H5Tset_cset(str.get(), H5T_CSET_UTF8);
  H5Handle kind_type(H5Tcreate(H5T_COMPOUND, sizeof(char*)), H5Tclose);
  H5Tinsert(kind_type.get(), "kind", 0, str.get());

  std::map<std::string, hsize_t> counts;
  std::vector<char*> kinds(static_cast<std::size_t>(std::min(n, kEventBlock)));
  for_each_block(events.get(), n, kEventBlock, [&](hid_t fs, hid_t ms, hsize_t count) {
    if (H5Dread(events.get(), kind_type.get(), ms, fs, H5P_DEFAULT, kinds.data()) < 0)
      f.fail("cannot read /events in " + f.path());
    for (hsize_t i = 0; i < count; ++i) {
      const char* k = kinds[static_cast<std::size_t>(i)];
      ++counts[k != nullptr ? k : ""];
    }
    H5Dvlen_reclaim(kind_type.get(), ms, H5P_DEFAULT, kinds.data());
  });

  std::vector<std::pair<std::string, hsize_t>> by_count(counts.begin(), counts.end());
  std::stable_sort(by_count.begin(), by_count.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::size_t width = 0;
  for (std::size_t i = 0; i < by_count.size() && i < kMaxKinds; ++i)
    width = std::max(width, by_count[i].first.size());
  for (std::size_t i = 0; i < by_count.size() && i < kMaxKinds; ++i)
    out << "  " << pad(by_count[i].first, width + 2) << by_count[i].second << '\n';
  if (by_count.size() > kMaxKinds)
    out << "  (" << by_count.size() - kMaxKinds << " more kinds)\n";
}

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
    if (path.empty() && (name == "time" || name == "events" || name == "summary")) continue;
    H5Handle obj = f.open_object(g, name);
    if (H5Iget_type(obj.get()) == H5I_GROUP) {
      subgroups.push_back(name);
      continue;
    }
    if (H5Iget_type(obj.get()) != H5I_DATASET) continue;
    Row r{name, f.string_attr(obj.get(), "units").value_or("?"),
          f.string_attr(obj.get(), "aggregation").value_or("?"), ""};
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
    out << "  " << path << '\n';
    for (const Row& r : rows)
      out << "    " << pad(r.name, wn + 2) << pad(r.units, wu + 2) << pad(r.aggregation, wa + 2)
          << r.stats << '\n';
  }
  for (const std::string& name : subgroups) {
    H5Handle sub = f.open_object(g, name);
    print_group(f, sub.get(), path + "/" + name, out, buf);
  }
}

void print_series(const RunFile& f, std::ostream& out) {
  out << "series (units, aggregation, min / mean / max over non-NaN values)\n";
  H5Handle root(H5Gopen2(f.root(), "/", H5P_DEFAULT), H5Gclose);
  if (!root) f.fail("cannot open / in " + f.path());
  std::vector<double> buf;
  print_group(f, root.get(), "", out, buf);
}

}  // namespace

void inspect_run(const std::string& path, std::ostream& out, bool summary_only) {
  H5Quiet quiet;
  RunFile f(path);
  print_run(f, out, summary_only);
  print_summary(f, out);
  print_events(f, out);
  if (!summary_only) print_series(f, out);
}

}  // namespace dcsim::output
