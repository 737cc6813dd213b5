// Hdf5Writer and inspect_run: write run files, read them back with the HDF5 C API.
#include <catch2/catch.hpp>
#include <hdf5.h>
#include <hdf5_hl.h>

#include <cmath>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/output/hdf5_handle.hpp"
#include "sim/output/hdf5_inspect.hpp"
#include "sim/output/hdf5_writer.hpp"

namespace fs = std::filesystem;
using namespace dcsim::output;
using Catch::Matchers::Contains;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A fresh directory under the system temp dir, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    static int counter = 0;
    std::random_device rd;
    path = fs::temp_directory_path() /
           ("dcsim_h5_test_" + std::to_string(rd()) + "_" + std::to_string(++counter));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

RunMeta meta() {
  RunMeta m;
  m.dcsim_version = "0.1.0-test";
  m.scenario_name = "two_sites";
  m.scenario_path = "scenarios/two_sites.yaml";
  m.scenario_text = "name: two_sites\nseed: 42\n";
  m.seed = 18446744073709551615ULL;  // uint64 max survives
  m.started_utc = "2024-05-01T12:00:00Z";
  m.horizon_s = 1300;
  m.record_step_s = 10;
  return m;
}

std::vector<SeriesInfo> series() {
  return {
      {"/fleet", "power_it_w", "W", "IT power of the fleet, step average", Aggregation::mean},
      {"/fleet", "arrivals", "1", "requests arrived during the step", Aggregation::sum},
      {"/sites/dc1", "power_it_w", "W", "IT power of site dc1", Aggregation::mean},
      {"/sites/dc1/pools/chat", "queue_length", "1", "requests waiting", Aggregation::last},
      {"/sites/dc1/pools/chat", "latency_p99_s", "s", "p99 latency", Aggregation::quantile},
      {"/workloads/chat", "slo_attainment", "1", "fraction within the SLO", Aggregation::mean},
  };
}

// Sample i (1-based) of series s; series 4 (the quantile) is NaN every third sample.
double value(std::size_t s, int i) {
  if (s == 4 && i % 3 == 0) return kNaN;
  return static_cast<double>(s) * 1000.0 + i;
}

void append_samples(Hdf5Writer& w, int from, int to) {
  std::vector<double> v(series().size());
  for (int i = from; i <= to; ++i) {
    for (std::size_t s = 0; s < v.size(); ++s) v[s] = value(s, i);
    w.append(10.0 * i, v);
  }
}

RunEnd run_end() {
  RunEnd end;
  end.summary = {{"requests_arrived", 1234, "1"}, {"energy_it_j", 5.5e9, "J"},
                 {"latency_p99_s", 0.25, "s"}};
  end.complete = true;
  end.wall_seconds = 0.5;
  end.simulated_s = 1300;
  end.stop_reason = "horizon";
  return end;
}

// --- reading back with the C API -------------------------------------------------------------

H5Handle open_file(const std::string& path) {
  H5Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  REQUIRE(f.valid());
  return f;
}

H5Handle open_dataset(hid_t file, const std::string& path) {
  H5Handle d(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose);
  REQUIRE(d.valid());
  return d;
}

std::vector<double> read_doubles(hid_t file, const std::string& path) {
  H5Handle d = open_dataset(file, path);
  H5Handle space(H5Dget_space(d.get()), H5Sclose);
  REQUIRE(H5Sget_simple_extent_ndims(space.get()) == 1);
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space.get(), &n, nullptr);
  std::vector<double> v(static_cast<std::size_t>(n));
  if (n > 0) REQUIRE(H5Dread(d.get(), H5T_NATIVE_DOUBLE, kH5All, kH5All, H5P_DEFAULT, v.data()) >= 0);
  return v;
}

std::string string_attr(hid_t obj, const std::string& name) {
  H5Handle a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
  REQUIRE(a.valid());
  H5Handle type(H5Aget_type(a.get()), H5Tclose);
  REQUIRE(H5Tis_variable_str(type.get()) > 0);
  REQUIRE(H5Tget_cset(type.get()) == H5T_CSET_UTF8);
  char* p = nullptr;
  REQUIRE(H5Aread(a.get(), type.get(), &p) >= 0);
  std::string s = p;
  H5free_memory(p);
  return s;
}

template <class T>
T number_attr(hid_t obj, const std::string& name, hid_t mem_type) {
  H5Handle a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
  REQUIRE(a.valid());
  T v{};
  REQUIRE(H5Aread(a.get(), mem_type, &v) >= 0);
  return v;
}

double double_attr(hid_t obj, const std::string& name) {
  return number_attr<double>(obj, name, H5T_NATIVE_DOUBLE);
}
int int_attr(hid_t obj, const std::string& name) {
  return number_attr<int>(obj, name, H5T_NATIVE_INT);
}

struct EventRow {
  double time_s;
  char* kind;
  char* subject;
  double value;
  char* detail;
};

std::vector<EventRecord> read_events(hid_t file) {
  H5Handle d = open_dataset(file, "/events");
  H5Handle str(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(str.get(), kH5Variable);
  H5Tset_cset(str.get(), H5T_CSET_UTF8);
  H5Handle type(H5Tcreate(H5T_COMPOUND, sizeof(EventRow)), H5Tclose);
  H5Tinsert(type.get(), "time_s", offsetof(EventRow, time_s), H5T_NATIVE_DOUBLE);
  H5Tinsert(type.get(), "kind", offsetof(EventRow, kind), str.get());
  H5Tinsert(type.get(), "subject", offsetof(EventRow, subject), str.get());
  H5Tinsert(type.get(), "value", offsetof(EventRow, value), H5T_NATIVE_DOUBLE);
  H5Tinsert(type.get(), "detail", offsetof(EventRow, detail), str.get());
  H5Handle space(H5Dget_space(d.get()), H5Sclose);
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space.get(), &n, nullptr);
  std::vector<EventRow> rows(static_cast<std::size_t>(n));
  std::vector<EventRecord> out;
  if (n == 0) return out;
  REQUIRE(H5Dread(d.get(), type.get(), kH5All, kH5All, H5P_DEFAULT, rows.data()) >= 0);
  for (const EventRow& r : rows) out.push_back({r.time_s, r.kind, r.subject, r.value, r.detail});
  H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, rows.data());
  return out;
}

std::string inspect(const std::string& path, bool summary_only) {
  std::ostringstream out;
  inspect_run(path, out, summary_only);
  return out.str();
}

// Writes the standard test file (130 samples, 3 events, summary) and closes it.
void write_run(const std::string& path) {
  Hdf5Writer w(path);
  w.open(meta(), series());
  append_samples(w, 1, 130);
  w.event({200, "replica_loading", "/sites/dc1/pools/chat/replicas/0", 30, "cold start"});
  w.event({230, "replica_ready", "/sites/dc1/pools/chat/replicas/0", 30, ""});
  w.event({900, "overload", "/sites/dc1/pools/chat", kNaN, "queue > 100"});
  w.close(run_end());
}

}  // namespace

TEST_CASE("hdf5: a full run reads back with the C API") {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  {
    Hdf5Writer w(path);  // flush every 64: two flushes and a remainder of 2
    w.open(meta(), series());
    append_samples(w, 1, 100);
    w.event({200, "replica_loading", "/sites/dc1/pools/chat/replicas/0", 30, "cold start"});
    w.event({230, "replica_ready", "/sites/dc1/pools/chat/replicas/0", 30, "détail ünïcode"});
    append_samples(w, 101, 130);
    w.event({1300, "overload", "/sites/dc1/pools/chat", kNaN, ""});

    // Written to .partial while the run goes.
    CHECK(fs::exists(path + ".partial"));
    CHECK_FALSE(fs::exists(path));
    w.close(run_end());
  }
  CHECK(fs::exists(path));
  CHECK_FALSE(fs::exists(path + ".partial"));

  H5Quiet quiet;
  H5Handle f = open_file(path);
  const hid_t root = f.get();

  SECTION("root attributes") {
    CHECK(string_attr(root, "dcsim_version") == "0.1.0-test");
    CHECK(int_attr(root, "format_version") == 1);
    CHECK(string_attr(root, "scenario_name") == "two_sites");
    CHECK(string_attr(root, "scenario_path") == "scenarios/two_sites.yaml");
    CHECK(string_attr(root, "scenario") == "name: two_sites\nseed: 42\n");
    CHECK(number_attr<uint64_t>(root, "seed", H5T_NATIVE_UINT64) == 18446744073709551615ULL);
    CHECK(string_attr(root, "started_utc") == "2024-05-01T12:00:00Z");
    CHECK(double_attr(root, "horizon_s") == 1300);
    CHECK(double_attr(root, "record_step_s") == 10);
    CHECK(string_attr(root, "fidelity") == "request");
    CHECK(int_attr(root, "complete") == 1);
    CHECK(string_attr(root, "stop_reason") == "horizon");
    CHECK(double_attr(root, "simulated_s") == 1300);
    CHECK(double_attr(root, "wall_seconds") == 0.5);
  }

  SECTION("/time is a dimension scale with one entry per sample") {
    const std::vector<double> t = read_doubles(root, "/time");
    REQUIRE(t.size() == 130);
    for (int i = 1; i <= 130; ++i) CHECK(t[static_cast<std::size_t>(i - 1)] == 10.0 * i);
    H5Handle time = open_dataset(root, "/time");
    CHECK(H5DSis_scale(time.get()) > 0);
    char name[16] = {};
    CHECK(H5DSget_scale_name(time.get(), name, sizeof name) == 4);
    CHECK(std::string(name) == "time");
    CHECK(string_attr(time.get(), "units") == "s");
  }

  SECTION("every series has the values, the attributes and /time attached") {
    H5Handle time = open_dataset(root, "/time");
    const std::vector<SeriesInfo> infos = series();
    const char* aggregations[] = {"mean", "sum", "mean", "last", "quantile", "mean"};
    for (std::size_t s = 0; s < infos.size(); ++s) {
      const std::string p = infos[s].group + "/" + infos[s].name;
      INFO(p);
      const std::vector<double> v = read_doubles(root, p);
      REQUIRE(v.size() == 130);
      for (int i = 1; i <= 130; ++i) {
        const double want = value(s, i);
        const double got = v[static_cast<std::size_t>(i - 1)];
        if (std::isnan(want))
          CHECK(std::isnan(got));
        else
          CHECK(got == want);
      }
      H5Handle d = open_dataset(root, p);
      CHECK(string_attr(d.get(), "units") == infos[s].units);
      CHECK(string_attr(d.get(), "long_name") == infos[s].long_name);
      CHECK(string_attr(d.get(), "aggregation") == aggregations[s]);
      CHECK(H5DSis_attached(d.get(), time.get(), 0) > 0);
      // Chunked with shuffle + deflate.
      H5Handle dcpl(H5Dget_create_plist(d.get()), H5Pclose);
      CHECK(H5Pget_layout(dcpl.get()) == H5D_CHUNKED);
      CHECK(H5Pget_nfilters(dcpl.get()) == 2);
    }
  }

  SECTION("events in order with all fields") {
    const std::vector<EventRecord> ev = read_events(root);
    REQUIRE(ev.size() == 3);
    CHECK(ev[0].time_s == 200);
    CHECK(ev[0].kind == "replica_loading");
    CHECK(ev[0].subject == "/sites/dc1/pools/chat/replicas/0");
    CHECK(ev[0].value == 30);
    CHECK(ev[0].detail == "cold start");
    CHECK(ev[1].kind == "replica_ready");
    CHECK(ev[1].detail == "détail ünïcode");
    CHECK(ev[2].time_s == 1300);
    CHECK(ev[2].kind == "overload");
    CHECK(std::isnan(ev[2].value));
    CHECK(ev[2].detail.empty());
  }

  SECTION("summary attributes with units") {
    H5Handle g(H5Gopen2(root, "/summary", H5P_DEFAULT), H5Gclose);
    REQUIRE(g.valid());
    CHECK(double_attr(g.get(), "requests_arrived") == 1234);
    CHECK(string_attr(g.get(), "requests_arrived_units") == "1");
    CHECK(double_attr(g.get(), "energy_it_j") == 5.5e9);
    CHECK(string_attr(g.get(), "energy_it_j_units") == "J");
    CHECK(double_attr(g.get(), "latency_p99_s") == 0.25);
    CHECK(string_attr(g.get(), "latency_p99_s_units") == "s");
  }
}

TEST_CASE("hdf5: the .partial holds every flushed sample while the run goes") {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  Hdf5Writer w(path, 16);
  w.open(meta(), series());
  append_samples(w, 1, 40);  // two flushes of 16; 8 buffered
  {
    H5Quiet quiet;
    // The writer holds the file open read-write; a second open in this process shares it.
    H5Handle f(H5Fopen((path + ".partial").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    REQUIRE(f.valid());
    CHECK(read_doubles(f.get(), "/time").size() == 32);
    CHECK(read_doubles(f.get(), "/fleet/power_it_w").size() == 32);
    CHECK(int_attr(f.get(), "complete") == 0);
    CHECK(double_attr(f.get(), "simulated_s") == 320);
  }
  w.close(run_end());
  H5Handle f = open_file(path);
  CHECK(read_doubles(f.get(), "/time").size() == 40);
}

TEST_CASE("hdf5: events stamped earlier than rows already written are merged in at their times") {
  // Flush every 16 samples: the events at 50, 100 and 150 s (two flushes) are on disk when the
  // run ends and reports an overload that began at 60 s and one at 100 s (as World::log_overloads
  // does). /events ends in time order; the same-time row already on disk stays first.
  TempDir dir;
  const std::string path = dir.file("order.h5");
  {
    Hdf5Writer w(path, 16);
    w.open(meta(), series());
    w.event({50, "replica_ready", "/sites/dc1/pools/chat/replicas/0", 1, "a"});
    append_samples(w, 1, 16);  // flush 1: the event at 50 s
    w.event({100, "replica_ready", "/sites/dc1/pools/chat/replicas/1", 1, "b"});
    w.event({150, "admission_change", "/services/s/admission/limit", 0, "c"});
    append_samples(w, 17, 32);  // flush 2: 100 s and 150 s
    w.event({310, "replica_loading", "/sites/dc1/pools/chat/replicas/2", 2, "d"});
    w.event({60, "overload", "/sites/dc1/pools/chat", kNaN, "backlog grows"});
    w.event({100, "overload", "/sites/dc1/pools/chat", kNaN, "rejections begin"});
    w.close(run_end());
  }
  H5Handle f = open_file(path);
  const auto ev = read_events(f.get());
  REQUIRE(ev.size() == 6);
  const std::vector<double> times{50, 60, 100, 100, 150, 310};
  const std::vector<std::string> details{"a", "backlog grows", "b", "rejections begin", "c", "d"};
  for (std::size_t i = 0; i < ev.size(); ++i) {
    CHECK(ev[i].time_s == times[i]);
    CHECK(ev[i].detail == details[i]);
  }
  CHECK(ev[2].subject == "/sites/dc1/pools/chat/replicas/1");
  CHECK(ev[3].kind == "overload");
  CHECK(std::isnan(ev[1].value));
  CHECK(ev[5].value == 2);
}

TEST_CASE("hdf5: a writer destroyed without close leaves a readable .partial") {
  TempDir dir;
  const std::string path = dir.file("killed.h5");
  {
    Hdf5Writer w(path);
    w.open(meta(), series());
    append_samples(w, 1, 100);
    w.event({5, "replica_ready", "/sites/dc1/pools/chat/replicas/0", 1, ""});
  }
  CHECK_FALSE(fs::exists(path));
  REQUIRE(fs::exists(path + ".partial"));
  H5Handle f = open_file(path + ".partial");
  CHECK(int_attr(f.get(), "complete") == 0);
  CHECK(string_attr(f.get(), "stop_reason") == "unfinished");
  CHECK(read_doubles(f.get(), "/time").size() == 100);  // the buffered rest is written too
  CHECK(read_doubles(f.get(), "/sites/dc1/pools/chat/queue_length").size() == 100);
  CHECK(read_events(f.get()).size() == 1);
  f.reset();
  const std::string text = inspect(path + ".partial", true);
  CHECK_THAT(text, Contains("complete        no"));
  CHECK_THAT(text, Contains("stop_reason     unfinished"));
}

TEST_CASE("hdf5: close renames once and replaces an existing file") {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  { std::ofstream(path) << "old content"; }
  Hdf5Writer w(path);
  w.open(meta(), series());
  append_samples(w, 1, 3);
  RunEnd end = run_end();
  end.complete = false;
  end.stop_reason = "interrupted";
  w.close(end);
  CHECK_NOTHROW(w.close(run_end()));  // no-op
  CHECK_THROWS_AS(w.append(40, std::vector<double>(series().size())), std::logic_error);
  CHECK_FALSE(fs::exists(path + ".partial"));
  H5Handle f = open_file(path);
  CHECK(int_attr(f.get(), "complete") == 0);
  CHECK(string_attr(f.get(), "stop_reason") == "interrupted");
  CHECK(read_doubles(f.get(), "/time").size() == 3);
}

TEST_CASE("hdf5: a run without samples or events is still a valid file") {
  TempDir dir;
  const std::string path = dir.file("empty.h5");
  Hdf5Writer w(path);
  w.open(meta(), series());
  w.close(RunEnd{});
  H5Handle f = open_file(path);
  CHECK(read_doubles(f.get(), "/time").empty());
  CHECK(read_doubles(f.get(), "/fleet/arrivals").empty());
  CHECK(read_events(f.get()).empty());
  f.reset();
  const std::string text = inspect(path, false);
  CHECK_THAT(text, Contains("  samples         0\n"));
  CHECK_THAT(text, Contains("events 0\n"));
  CHECK_THAT(text, Contains("summary\n  (none)\n"));
  CHECK_THAT(text, Contains("    arrivals    1  sum   all NaN\n"));
}

TEST_CASE("hdf5: bad input is rejected") {
  TempDir dir;
  const std::string path = dir.file("out.h5");

  SECTION("duplicate series") {
    std::vector<SeriesInfo> s = series();
    s.push_back({"/sites/dc1", "power_it_w", "W", "again", Aggregation::mean});
    Hdf5Writer w(path);
    CHECK_THROWS_AS(w.open(meta(), s), std::invalid_argument);
    CHECK_THROWS_WITH(Hdf5Writer(path).open(meta(), s),
                      Contains("duplicate series /sites/dc1/power_it_w"));
    CHECK_FALSE(fs::exists(path + ".partial"));
  }
  SECTION("malformed group or name") {
    CHECK_THROWS_AS(Hdf5Writer(path).open(meta(), {{"fleet", "x", "1", "", Aggregation::sum}}),
                    std::invalid_argument);
    CHECK_THROWS_AS(Hdf5Writer(path).open(meta(), {{"/summary", "x", "1", "", Aggregation::sum}}),
                    std::invalid_argument);
    CHECK_THROWS_AS(Hdf5Writer(path).open(meta(), {{"/fleet", "a/b", "1", "", Aggregation::sum}}),
                    std::invalid_argument);
  }
  SECTION("wrong number of values") {
    Hdf5Writer w(path);
    w.open(meta(), series());
    CHECK_THROWS_AS(w.append(10, {1.0, 2.0}), std::invalid_argument);
    CHECK_THROWS_WITH(w.append(10, {1.0, 2.0}), Contains("2 values for 6 series"));
    append_samples(w, 1, 2);  // still usable
    w.close(run_end());
    H5Handle f = open_file(path);
    CHECK(read_doubles(f.get(), "/time").size() == 2);
  }
  SECTION("flush_every must be positive") {
    CHECK_THROWS_AS(Hdf5Writer(path, 0), std::invalid_argument);
  }
}

TEST_CASE("hdf5: HDF5 failures throw runtime_error naming the file and what failed") {
  TempDir dir;
  SECTION("the file cannot be created") {
    const std::string path = dir.file("no/such/dir/out.h5");
    CHECK_THROWS_WITH(Hdf5Writer(path).open(meta(), series()),
                      Contains("cannot create " + path + ".partial"));
  }
  SECTION("a series where a group must go") {
    const std::string path = dir.file("clash.h5");
    Hdf5Writer w(path);
    const std::vector<SeriesInfo> s = {{"/sites", "dc1", "1", "", Aggregation::sum},
                                       {"/sites/dc1", "power_it_w", "W", "", Aggregation::mean}};
    CHECK_THROWS_AS(w.open(meta(), s), std::runtime_error);
    CHECK_THROWS_WITH(Hdf5Writer(path).open(meta(), s),
                      Contains("cannot create /sites/dc1 in " + path + ".partial"));
    CHECK_FALSE(fs::exists(path + ".partial"));  // a failed open() leaves nothing behind
  }
}

TEST_CASE("hdf5: inspect_run prints the run with its summary events and series") {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  write_run(path);

  const std::string full = inspect(path, false);
  INFO(full);
  CHECK_THAT(full, Contains("  scenario        two_sites\n"));
  CHECK_THAT(full, Contains("  scenario_path   scenarios/two_sites.yaml\n"));
  CHECK_THAT(full, Contains("  dcsim_version   0.1.0-test (format 1)\n"));
  CHECK_THAT(full, Contains("  seed            18446744073709551615\n"));
  CHECK_THAT(full, Contains("  complete        yes\n"));
  CHECK_THAT(full, Contains("  stop_reason     horizon\n"));
  CHECK_THAT(full, Contains("  horizon_s       1300 s\n"));
  CHECK_THAT(full, Contains("  simulated_s     1300 s\n"));
  CHECK_THAT(full, Contains("  samples         130 (time 10 .. 1300 s)\n"));
  CHECK_THAT(full, Contains("  started_utc     2024-05-01T12:00:00Z\n"));
  CHECK_THAT(full, Contains("  wall_seconds    0.5 s\n"));
  CHECK_THAT(full, Contains("  requests_arrived  1234 [1]\n"));
  CHECK_THAT(full, Contains("  energy_it_j       5500000000 [J]\n"));
  CHECK_THAT(full, Contains("events 3\n"));
  CHECK_THAT(full, Contains("  overload         1\n"));
  CHECK_THAT(full, Contains("  /sites/dc1/pools/chat\n"));
  CHECK_THAT(full, Contains("    power_it_w  W  mean  min 1  mean 65.5  max 130\n"));
  CHECK_THAT(full, Contains("    latency_p99_s  s  quantile  min 4001  mean 4065.25  max 4130  (43 NaN)\n"));

  const std::string brief = inspect(path, true);
  INFO(brief);
  CHECK_THAT(brief, Contains("  complete        yes\n"));
  CHECK_THAT(brief, Contains("  requests_arrived  1234 [1]\n"));
  CHECK_THAT(brief, !Contains("wall_seconds"));
  CHECK_THAT(brief, !Contains("started_utc"));
  CHECK_THAT(brief, !Contains("/sites/dc1/pools/chat\n"));

  // Same content, another run: summary_only output is identical.
  const std::string again = dir.file("again.h5");
  {
    Hdf5Writer w(again);
    RunMeta m = meta();
    m.started_utc = "2025-01-01T00:00:00Z";
    m.scenario_path = "/elsewhere/two_sites.yaml";
    w.open(m, series());
    append_samples(w, 1, 130);
    w.event({200, "replica_loading", "/sites/dc1/pools/chat/replicas/0", 30, "cold start"});
    w.event({230, "replica_ready", "/sites/dc1/pools/chat/replicas/0", 30, ""});
    w.event({900, "overload", "/sites/dc1/pools/chat", kNaN, "queue > 100"});
    RunEnd end = run_end();
    end.wall_seconds = 9.75;
    w.close(end);
  }
  CHECK(inspect(again, true) == brief);
  CHECK(inspect(path, true) == brief);
}

TEST_CASE("hdf5: inspect_run rejects what is not a run file") {
  TempDir dir;
  SECTION("missing file") {
    const std::string path = dir.file("missing.h5");
    CHECK_THROWS_AS(inspect(path, false), std::runtime_error);
    CHECK_THROWS_WITH(inspect(path, false), Contains("cannot open " + path + ": no such file"));
  }
  SECTION("not HDF5") {
    const std::string path = dir.file("text.h5");
    { std::ofstream(path) << "this is not HDF5\n"; }
    CHECK_THROWS_WITH(inspect(path, false), Contains(path + " is not an HDF5 file"));
  }
  SECTION("HDF5 without the root attributes") {
    const std::string path = dir.file("other.h5");
    {
      H5Handle f(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
      REQUIRE(f.valid());
    }
    CHECK_THROWS_WITH(inspect(path, true),
                      Contains(path + " is not a dcsim run file: no attribute 'dcsim_version'"));
  }
}
