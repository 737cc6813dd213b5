// `dcsim inspect`: reads a run file (docs/output-format.md) and prints a human summary.
// This file prints the run attributes, the /summary totals and the event counts; the series
// section is in hdf5_inspect_series.cpp, file access (RunFile) in hdf5_inspect_internal.hpp.
#include "sim/output/hdf5_inspect.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "sim/output/hdf5_handle.hpp"
#include "sim/output/hdf5_inspect_internal.hpp"

namespace dcsim::output::inspect {

namespace {

constexpr int kKeyWidth = 16;
constexpr std::size_t kMaxKinds = 10;      // event kinds listed
constexpr hsize_t kEventBlock = 4096;

}  // namespace

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

namespace {

void line(std::ostream& out, const std::string& key, const std::string& value) {
  out << "  " << pad(key, kKeyWidth) << value << '\n';
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
  if (std::optional<std::string> o = f.string_attr(f.root(), "overrides"); o && !o->empty()) {
    std::string shown = *o;
    std::replace(shown.begin(), shown.end(), '\n', ' ');
    line(out, "overrides", shown);
  }
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

void print_requests(const RunFile& f, std::ostream& out) {
  if (!f.has(f.root(), "requests")) return;
  H5Handle requests = f.open_object(f.root(), "requests");
  out << "requests " << length_1d(requests.get()) << " rows";
  if (const auto share = f.number_attr(requests.get(), "sample_fraction")) out << " (a sample of " << num(*share) << ")";
  out << '\n';
  for (const char* codes : {"workload_codes", "kind_codes", "tier_codes", "outcome_codes"}) {
    if (const auto text = f.string_attr(requests.get(), codes)) line(out, codes, *text);
  }
}

}  // namespace
}  // namespace dcsim::output::inspect

namespace dcsim::output {

void inspect_run(const std::string& path, std::ostream& out, bool summary_only) {
  using namespace inspect;
  H5Quiet quiet;
  RunFile f(path);
  print_run(f, out, summary_only);
  print_summary(f, out);
  print_events(f, out);
  if (!summary_only) {
    print_requests(f, out);
    print_series(f, out);
  }
}

}  // namespace dcsim::output
