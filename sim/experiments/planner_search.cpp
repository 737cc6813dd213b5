#include "sim/experiments/planner_search.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace dcsim::experiments {

namespace {

constexpr long kMaxGallop = 1L << 24;

class Searcher {
 public:
  Searcher(const PlanSpec& plan, const Evaluate& evaluate) : plan_(plan), evaluate_(evaluate) {}

  SearchResult run() {
    const size_t m = plan_.axes.size();
    const CapacityAxis& last = plan_.axes.back();
    std::vector<long> outer(m - 1, 0);
    std::vector<std::pair<std::vector<long>, std::optional<long>>> solved;  // outer ks -> least last k
    while (!stop_) {
      solve_outer(outer, last, solved);
      size_t i = m - 1;  // odometer over the outer axes, the last outer axis fastest
      while (i-- > 0) {
        if (++outer[i] <= kmax(plan_.axes[i])) break;
        outer[i] = 0;
      }
      if (i == static_cast<size_t>(-1)) break;
    }
    if (res_.best && !stop_ && !known_.count(*res_.best)) {  // inferred by monotonicity: run it to confirm
      const auto f = probe(*res_.best);
      if (f && !*f) {
        res_.note = "monotonicity does not hold: the inferred answer is infeasible when run; the answer is the best point run";
        res_.best.reset();
        for (const auto& [x, ok] : known_) {
          if (ok && (!res_.best || point_cost(plan_.axes, x) < res_.best_cost)) {
            res_.best = x;
            res_.best_cost = point_cost(plan_.axes, x);
          }
        }
      }
    }
    return res_;
  }

 private:
  static long kmax(const CapacityAxis& a) { return a.to ? (*a.to - a.from) / a.step : kMaxGallop; }

  Point point(const std::vector<long>& outer, long k) const {
    Point x;
    for (size_t i = 0; i < outer.size(); ++i) x.push_back(plan_.axes[i].value(outer[i]));
    x.push_back(plan_.axes.back().value(k));
    return x;
  }

  std::optional<bool> probe(const Point& x) {
    const auto it = known_.find(x);
    if (it != known_.end()) return it->second;
    if (static_cast<long>(res_.evaluated.size()) >= plan_.max_points) {
      res_.stopped = "reached plan.max_points (" + std::to_string(plan_.max_points) + " points)";
      stop_ = true;
      return std::nullopt;
    }
    const PointVerdict v = evaluate_(x);
    res_.evaluated.push_back(x);
    if (v.failed) {
      res_.stopped = "runs failed";
      stop_ = true;
      return std::nullopt;
    }
    known_[x] = v.feasible;
    return v.feasible;
  }

  // Least k in (lo, hi] with (outer, k) feasible, hi taken as feasible without running it.
  std::optional<long> bisect(const std::vector<long>& outer, long lo, long hi) {
    while (hi - lo > 1) {
      const long mid = lo + (hi - lo) / 2;
      const auto f = probe(point(outer, mid));
      if (!f) return std::nullopt;
      (*f ? hi : lo) = mid;
    }
    return hi;
  }

  void solve_outer(const std::vector<long>& outer, const CapacityAxis& last,
                   std::vector<std::pair<std::vector<long>, std::optional<long>>>& solved) {
    const double base_cost = point_cost(plan_.axes, point(outer, 0));
    if (res_.best && base_cost >= res_.best_cost) {
      solved.emplace_back(outer, std::nullopt);
      return;
    }
    long hi = kmax(last) + 1;  // virtual: "none in range"
    bool inferred = false;
    for (const auto& [o, a] : solved) {
      if (!a || *a >= hi) continue;
      bool dominated = true;
      for (size_t i = 0; i < o.size(); ++i) dominated = dominated && o[i] <= outer[i];
      if (dominated) {
        hi = *a;
        inferred = true;
      }
    }
    long upper = hi;
    if (res_.best) {  // last-axis values that cannot beat the best cost are not worth a run
      const double room = (res_.best_cost - base_cost) / (last.cost * static_cast<double>(last.step));
      const long cap = static_cast<long>(std::ceil(room)) - 1;  // largest k with cost < best
      upper = std::min(upper, std::max(cap + 1, 0L));
    }
    long lo = -1;
    if (!last.to && !res_.best) {  // galloping on an unbounded axis
      for (long k = 0;; k = 2 * k + 1) {
        if (k > kMaxGallop) {
          solved.emplace_back(outer, std::nullopt);
          return;
        }
        const auto f = probe(point(outer, k));
        if (!f) return;
        if (*f) {
          upper = hi = k;
          inferred = false;
          break;
        }
        lo = k;
      }
    }
    const auto r = bisect(outer, lo, upper);
    if (!r) return;
    std::optional<long> answer;
    if (*r < upper || (*r == hi && hi <= kmax(last) && (inferred || known_.count(point(outer, hi))))) answer = *r;
    solved.emplace_back(outer, answer);
    if (answer) {
      const double c = point_cost(plan_.axes, point(outer, *answer));
      if (!res_.best || c < res_.best_cost) {
        res_.best = point(outer, *answer);
        res_.best_cost = c;
      }
    }
  }

  const PlanSpec& plan_;
  const Evaluate& evaluate_;
  SearchResult res_;
  std::map<Point, bool> known_;
  bool stop_ = false;
};

}  // namespace

double point_cost(const std::vector<CapacityAxis>& axes, const Point& x) {
  double c = 0;
  for (size_t i = 0; i < axes.size() && i < x.size(); ++i) c += axes[i].cost * static_cast<double>(x[i]);
  return c;
}

SearchResult search_least(const PlanSpec& plan, const Evaluate& evaluate) {
  if (plan.axes.empty()) return SearchResult{};
  return Searcher(plan, evaluate).run();
}

}  // namespace dcsim::experiments
