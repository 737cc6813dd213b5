// bench_arrivals: arrivals generated per wall-clock second, one core, and peak memory.
//
//   bench_arrivals [scale]      (scale multiplies the horizons; default 1)
//
// Cases (seed 42, stream "bench/arrivals"; each loop calls next_arrival(t) until t >= horizon,
// exactly as a workload does, and sums the times so the loop cannot be optimised away):
//   poisson    homogeneous Poisson, 1000 /s;
//   gamma      renewal, 1000 /s, cv 2 (reported only);
//   thinning   nhpp: base 1000 /s x diurnal sinusoid (trough/peak 0.3) x a surge every 2 h
//              (peak 6, rise 5 min, decay 20 min): thinning with piecewise bounds;
//   trace      trace replay (azure CSV format) of a generated file of 200,000 rows at 1000 /s,
//              looped: the replay streams the file, so memory stays that of one row.
// Each case runs over a short horizon H and a 10x longer one. Peak RSS (getrusage ru_maxrss, a
// process-wide high-water mark) is read after each run: equal values show memory does not grow
// with the horizon (arrivals are generated lazily).
// Goals: >= 10 M/s Poisson, >= 3 M/s thinning. Timing: std::chrono::steady_clock around the loop
// (model construction excluded), best of 3 runs.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/arrivals/nhpp.hpp"
#include "models/arrivals/poisson.hpp"
#include "models/arrivals/rate_curve.hpp"
#include "models/arrivals/renewal.hpp"
#include "models/arrivals/trace_replay.hpp"

using namespace dcsim;
using namespace dcsim::arrivals;

namespace {

long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

std::unique_ptr<ArrivalProcess> surge_curve(double rate, double horizon) {
  Region r;
  r.day.kind = DayProfile::Kind::sinusoid;
  r.day.amplitude = (1 - 0.3) / (1 + 0.3);
  r.day.peak_s = 20 * 3600.0;
  r.offset_s = 1742774400.0;  // 2025-03-24T00:00Z
  std::vector<Surge> surges;
  for (double t = 1800; t < horizon; t += 7200) surges.push_back(Surge{t, 6.0, 300.0, 1200.0, false});
  auto curve = std::make_unique<ComposedCurve>(PiecewiseRate({0.0}, {rate}, PiecewiseRate::Interp::linear),
                                               std::vector<Region>{r}, std::move(surges));
  return std::make_unique<NhppArrivals>(std::move(curve), 900.0, 0.0);
}

struct Result {
  double per_s = 0;
  uint64_t n = 0;
  long rss_kib = 0;
  double efficiency = 0;
};

Result run(const std::function<std::unique_ptr<ArrivalProcess>()>& make, double horizon) {
  Result best;
  for (int rep = 0; rep < 3; ++rep) {
    auto p = make();
    Rng rng(42, "bench/arrivals");
    uint64_t n = 0;
    double sum = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (double t = p->next_arrival(0, rng); t < horizon; t = p->next_arrival(t, rng)) {
      ++n;
      sum += t;
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (sum == 42) std::puts("");  // keep the loop
    const double per_s = static_cast<double>(n) / wall;
    if (per_s > best.per_s) {
      best.per_s = per_s;
      best.n = n;
      if (auto* nh = dynamic_cast<NhppArrivals*>(p.get())) {
        best.efficiency = static_cast<double>(nh->accepted()) / static_cast<double>(nh->candidates());
      }
    }
  }
  best.rss_kib = peak_rss_kib();
  return best;
}

}  // namespace

// An Azure-format trace of `rows` requests at `rate` per second (Poisson gaps), in /tmp.
std::string write_trace(double rate, int rows) {
  const std::string path = "/tmp/dcsim_bench_trace_" + std::to_string(getpid()) + ".csv";
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) throw std::runtime_error("cannot write " + path);
  std::fprintf(f, "TIMESTAMP,ContextTokens,GeneratedTokens\n");
  Rng rng(1, "bench/trace");
  double t = 0;
  for (int i = 0; i < rows; ++i) {
    t += rng.exponential(rate);
    const auto whole = static_cast<long>(t);
    const auto frac = static_cast<long>((t - static_cast<double>(whole)) * 1e7);
    std::fprintf(f, "2023-11-16 %02ld:%02ld:%02ld.%07ld,%u,%u\n", 10 + whole / 3600, (whole / 60) % 60, whole % 60, frac,
                 static_cast<unsigned>(100 + rng.below(4000)), static_cast<unsigned>(1 + rng.below(500)));
  }
  std::fclose(f);
  return path;
}

std::unique_ptr<ArrivalProcess> trace_replay(const std::string& path) {
  TraceReplayOptions o;
  o.path = path;
  o.format = TraceFormat::azure;
  o.loop = true;
  o.key_path = "bench";
  return std::make_unique<TraceReplay>(o);
}

int main(int argc, char** argv) {
  const double scale = argc > 1 ? std::atof(argv[1]) : 1.0;
  const double rate = 1000.0;
  const std::string trace_file = write_trace(rate, 200000);
  const double h_short = 2.0e3 * scale, h_long = 10 * h_short;
  struct Case {
    std::string name;
    std::function<std::unique_ptr<ArrivalProcess>(double)> make;
    double goal;  // arrivals per wall second; 0 = reported only
  };
  const std::vector<Case> cases = {
      {"poisson", [&](double) { return std::make_unique<PoissonArrivals>(rate); }, 10e6},
      {"gamma", [&](double) { return std::make_unique<GammaArrivals>(rate, 2.0); }, 0},
      {"thinning", [&](double h) { return surge_curve(rate, h); }, 3e6},
      {"trace", [&](double) { return trace_replay(trace_file); }, 0},
  };
  std::printf("bench_arrivals: rate %.0f /s, horizons %.0f s and %.0f s, best of 3\n", rate, h_short, h_long);
  std::printf("%-10s %10s %12s %14s %12s %12s  %s\n", "case", "horizon_s", "arrivals", "arrivals/s", "peak_rss_KiB",
              "acceptance", "goal");
  for (const auto& c : cases) {
    for (const double h : {h_short, h_long}) {
      const Result r = run([&] { return c.make(h); }, h);
      std::string goal = "-";
      if (c.goal > 0) goal = (r.per_s >= c.goal ? "PASS (>= " : "FAIL (>= ") + std::to_string(c.goal / 1e6).substr(0, 4) + " M/s)";
      std::printf("%-10s %10.0f %12llu %14.3e %12ld %12s  %s\n", c.name.c_str(), h, static_cast<unsigned long long>(r.n),
                  r.per_s, r.rss_kib, r.efficiency > 0 ? std::to_string(r.efficiency).substr(0, 5).c_str() : "-",
                  goal.c_str());
    }
  }
  std::remove(trace_file.c_str());
  return 0;
}
