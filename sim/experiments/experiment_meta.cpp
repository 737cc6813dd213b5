#include "sim/experiments/experiment_meta.hpp"

#include <cmath>

#include <yaml-cpp/yaml.h>

namespace dcsim::experiments {

namespace {

const char* stat_name(const OutputSpec& o) {
  switch (o.stat) {
    case Stat::mean: return "mean";
    case Stat::min: return "min";
    case Stat::max: return "max";
    case Stat::sum: return "sum";
    case Stat::first: return "first";
    case Stat::last: return "last";
    case Stat::count: return "count";
    case Stat::quantile: return "quantile";
  }
  return "?";
}

}  // namespace

std::string experiment_yaml(const SweepSpec& spec, const std::string& kind, const std::vector<std::string>& axis_names) {
  YAML::Emitter e;
  e << YAML::BeginMap;
  e << YAML::Key << "kind" << YAML::Value << kind;
  e << YAML::Key << "name" << YAML::Value << spec.name;
  e << YAML::Key << "sweep_file" << YAML::Value << spec.path;
  e << YAML::Key << "scenario" << YAML::Value << spec.scenario;
  e << YAML::Key << "axes" << YAML::Value << YAML::Flow << axis_names;
  e << YAML::Key << "seeds" << YAML::Value << YAML::Flow << spec.seeds;
  e << YAML::Key << "outputs" << YAML::Value << YAML::BeginSeq;
  for (const auto& o : spec.outputs) {
    e << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << o.name;
    if (!o.summary.empty()) {
      e << YAML::Key << "summary" << YAML::Value << o.summary;
    } else {
      e << YAML::Key << "series" << YAML::Value << o.series << YAML::Key << "stat" << YAML::Value << stat_name(o);
      if (o.stat == Stat::quantile) e << YAML::Key << "quantile" << YAML::Value << o.quantile;
      if (std::isfinite(o.window_from) || std::isfinite(o.window_to)) {
        e << YAML::Key << "window_s" << YAML::Value << YAML::Flow << YAML::BeginSeq
          << (std::isfinite(o.window_from) ? o.window_from : 0.0);
        if (std::isfinite(o.window_to)) {
          e << o.window_to;
        } else {
          e << YAML::Null;
        }
        e << YAML::EndSeq;
      }
    }
    if (!o.divide_by.empty()) e << YAML::Key << "divide_by" << YAML::Value << o.divide_by;
    e << YAML::EndMap;
  }
  e << YAML::EndSeq;
  if (spec.plan) {
    e << YAML::Key << "plan" << YAML::Value << YAML::BeginMap;
    e << YAML::Key << "minimize" << YAML::Value << YAML::BeginSeq;
    for (const auto& a : spec.plan->axes) {
      e << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << a.name << YAML::Key << "key" << YAML::Value
        << a.key << YAML::Key << "cost" << YAML::Value << a.cost << YAML::EndMap;
    }
    e << YAML::EndSeq << YAML::Key << "constraints" << YAML::Value << YAML::BeginSeq;
    for (const auto& c : spec.plan->constraints) {
      e << YAML::Flow << YAML::BeginMap << YAML::Key << "output" << YAML::Value << c.output << YAML::Key
        << (c.upper ? "max" : "min") << YAML::Value << c.limit << YAML::Key << "written" << YAML::Value << c.limit_text
        << YAML::EndMap;
    }
    e << YAML::EndSeq << YAML::Key << "confidence" << YAML::Value << spec.plan->confidence << YAML::EndMap;
  }
  e << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

}  // namespace dcsim::experiments
