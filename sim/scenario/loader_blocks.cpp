// Schema-driven validation, the tree level (Validator of loader_internal.hpp): a block with its
// parameters and children, a list of blocks (unique names), a raw child kept as YAML, and a model
// block whose `model:` name is looked up in the registry (shorthand `arrivals: poisson`, declared
// default blocks and refinements of them, did-you-mean for unknown models).
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/registry/registry.hpp"
#include "sim/scenario/loader_internal.hpp"
#include "sim/util/text.hpp"

namespace dcsim::scenario::validation {

std::vector<Config> Validator::list(const YAML::Node& node, const ChildSpec& spec, const std::string& path) {
  std::vector<Config> out;
  if (!node.IsSequence()) {
    error(node, path, "got " + show(node) + ", expected a list of " + spec.schema->name + " blocks");
    return out;
  }
  std::set<std::string> names;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string epath = path + "[" + std::to_string(i) + "]";
    Config c = block(node[i], *spec.schema, epath, at(node[i]));
    if (spec.schema->find_param("name") && c.has("name")) {
      if (!names.insert(c.str("name")).second) {
        error(node[i]["name"], epath + ".name", "duplicate name '" + c.str("name") + "' in " + path);
      }
    }
    out.push_back(std::move(c));
  }
  if (spec.required && node.size() == 0) error(node, path, "must list at least one " + spec.schema->name);
  return out;
}

void Validator::children(const YAML::Node& node, const Schema& schema, const std::string& path, const Location& loc,
                         Config& cfg) {
  const bool given = node.IsDefined() && node.IsMap();
  for (const auto& child : schema.children) {
    const std::string cpath = join_path(path, child.key);
    const YAML::Node n = given ? node[child.key] : YAML::Node();
    const bool present = n.IsDefined() && !n.IsNull();
    switch (child.kind) {
      case ChildKind::block:
        if (!present && child.required) diags_.error(loc, path, "missing required block '" + child.key + "'");
        cfg.set_child(child.key, block(n, *child.schema, cpath, loc));
        break;
      case ChildKind::list:
        if (!present) {
          if (child.required) diags_.error(loc, path, "missing required list '" + child.key + "'");
          cfg.set_list(child.key, {});
        } else {
          cfg.set_list(child.key, list(n, child, cpath));
        }
        break;
      case ChildKind::model:
        cfg.set_child(child.key, model(n, child, cpath, loc));
        break;
      case ChildKind::models: {
        std::vector<Config> blocks;
        if (present && n.IsSequence()) {
          for (size_t i = 0; i < n.size(); ++i)
            blocks.push_back(model(n[i], child, cpath + "[" + std::to_string(i) + "]", at(n[i])));
        } else if (present || !child.default_model.empty()) {
          blocks.push_back(model(n, child, cpath, loc));
        }
        cfg.set_list(child.key, std::move(blocks));
        break;
      }
      case ChildKind::raw: {
        Config raw(nullptr, cpath, present ? at(n) : loc);
        if (present) raw.set_raw(std::make_shared<const YAML::Node>(n));
        cfg.set_child(child.key, std::move(raw));
        break;
      }
    }
  }
}

Config Validator::block(const YAML::Node& node, const Schema& schema, const std::string& path,
                        const Location& parent_loc) {
  const bool given = node.IsDefined() && !node.IsNull();
  const Location loc = given ? at(node) : parent_loc;
  Config cfg(&schema, path, loc);
  if (given && !node.IsMap()) {
    error(node, path, "got " + show(node) + ", expected a " + schema.name + " block (a mapping with keys " +
                          quoted_list(schema.keys(), ", ") + ")");
    return cfg;
  }
  if (given) check_keys(node, schema.keys(), path, "this " + schema.name + " block");
  params(given ? node : YAML::Node(), schema.params, path, loc, cfg);
  children(given ? node : YAML::Node(), schema, path, loc, cfg);
  return cfg;
}

Config Validator::model(const YAML::Node& node, const ChildSpec& spec, const std::string& path,
                        const Location& parent_loc) {
  const auto& index = RegistryIndex::global();
  const std::vector<std::string> known = index.names(spec.category);
  if (!spec.default_yaml.empty()) {
    if (!node.IsDefined() || node.IsNull()) {
      return model(YAML::Load(spec.default_yaml), spec, path, parent_loc);  // the declared default block
    }
    if (node.IsMap() && !node["model"]) {
      // Keys given without `model:` refine the declared default block.
      YAML::Node merged = YAML::Load(spec.default_yaml);
      for (auto it = node.begin(); it != node.end(); ++it) merged[it->first] = it->second;
      return model(merged, spec, path, at(node));
    }
  }
  const bool given = node.IsDefined() && !node.IsNull();
  const Location loc = given ? at(node) : parent_loc;
  std::string name = spec.default_model;
  YAML::Node body;
  if (given && node.IsScalar()) {
    name = node.Scalar();  // shorthand: `arrivals: poisson`
  } else if (given && node.IsMap()) {
    body = node;
    const YAML::Node m = node["model"];
    if (m.IsDefined() && m.IsScalar()) {
      name = m.Scalar();
    } else if (m.IsDefined()) {
      error(m, join_path(path, "model"), "got " + show(m) + ", expected one of " + quoted_list(known));
      return Config(nullptr, path, loc);
    }
  } else if (given) {
    error(node, path, "got " + show(node) + ", expected a mapping with 'model: NAME' (one of " + quoted_list(known) + ")");
    return Config(nullptr, path, loc);
  }
  if (name.empty() && !given && !spec.required) return Config(nullptr, path, loc);  // optional, absent
  if (name.empty()) {
    if (given) {
      diags_.error(loc, path, "missing key 'model' (one of " + quoted_list(known) + ")");
    } else {
      const size_t dot = path.rfind('.');
      const std::string parent = dot == std::string::npos ? "" : path.substr(0, dot);
      diags_.error(loc, parent,
                   "missing required block '" + spec.key + "' (a " + spec.category + " model: one of " +
                       quoted_list(known) + ")");
    }
    return Config(nullptr, path, loc);
  }
  const ModelInfo* info = index.find(spec.category, name);
  if (!info) {
    const YAML::Node where = (given && node.IsMap()) ? node["model"] : node;
    const std::string near = kept() ? nearest(name, known) : std::string();
    std::string msg = "unknown " + spec.category + " model " + quote_value(name);
    msg += near.empty() ? "; known models: " + quoted_list(known) : "; did you mean '" + near + "'?";
    if (given) {
      error(where, join_path(path, "model"), msg);
    } else {
      diags_.error(loc, path, msg);
    }
    return Config(nullptr, path, loc);
  }
  Config cfg(&info->schema, path, loc);
  cfg.set_model(name);
  if (body.IsDefined() && body.IsMap()) {
    std::vector<std::string> allowed = info->schema.keys();
    allowed.insert(allowed.begin(), "model");
    check_keys(body, allowed, path, "this '" + name + "' " + spec.category + " model");
  }
  params(body, info->schema.params, path, loc, cfg);
  children(body, info->schema, path, loc, cfg);
  return cfg;
}

}  // namespace dcsim::scenario::validation
