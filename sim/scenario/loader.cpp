// Schema-driven validation of a YAML tree. Walks the tree with the declarations of param.hpp,
// reports every problem into Diagnostics and builds the Config tree with defaults filled in.
#include "sim/scenario/loader.hpp"

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "sim/registry/registry.hpp"
#include "sim/scenario/datetime.hpp"
#include "sim/util/text.hpp"

namespace dcsim::scenario {

namespace {

class Validator {
 public:
  Validator(std::string file, Diagnostics& diags) : file_(std::move(file)), diags_(diags) {}

  Location at(const YAML::Node& n) const {
    if (!n.IsDefined()) return Location{file_, 0, 0};
    if (n.Mark().is_null()) return Location{"--set", 0, 0};  // made by apply_override, not read from the file
    return Location{file_, n.Mark().line + 1, n.Mark().column + 1};
  }
  void error(const YAML::Node& n, const std::string& path, const std::string& msg) { diags_.error(at(n), path, msg); }

  Config block(const YAML::Node& node, const Schema& schema, const std::string& path, const Location& parent_loc);
  Config model(const YAML::Node& node, const ChildSpec& spec, const std::string& path, const Location& parent_loc);

 private:
  void check_keys(const YAML::Node& node, const std::vector<std::string>& allowed, const std::string& path,
                  const std::string& what);
  void params(const YAML::Node& node, const std::vector<ParamSpec>& specs, const std::string& path,
              const Location& loc, Config& cfg);
  void children(const YAML::Node& node, const Schema& schema, const std::string& path, const Location& loc,
                Config& cfg);
  Value value(const YAML::Node& node, const ParamSpec& spec, const std::string& path);
  bool in_range(double v, const ParamSpec& spec) const;
  std::vector<Config> list(const YAML::Node& node, const ChildSpec& spec, const std::string& path);

  std::string file_;
  Diagnostics& diags_;
};

std::string join_path(const std::string& base, const std::string& key) { return base.empty() ? key : base + "." + key; }

std::string show(const YAML::Node& n) {
  if (n.IsScalar()) return "'" + n.Scalar() + "'";
  if (n.IsSequence()) return "a list";
  if (n.IsMap()) return "a mapping";
  return "nothing";
}

std::string article(const std::string& word) {
  return (std::string("aeiou").find(word.empty() ? 'x' : word[0]) != std::string::npos ? "an " : "a ") + word;
}

std::string expected_text(const ParamSpec& spec) {
  if (spec.kind == ParamKind::string && spec.identifier) return "a name made of letters, digits, '_' or '-'";
  std::string s = article(spec.kind_text());
  if (spec.kind == ParamKind::quantity) s += std::string(" such as '") + units::info(spec.quantity).example + "'";
  const std::string range = spec.range_text();
  if (!range.empty() && spec.kind != ParamKind::choice) s += " " + range;
  if (spec.kind == ParamKind::choice) s = range;
  return s;
}

void Validator::check_keys(const YAML::Node& node, const std::vector<std::string>& allowed, const std::string& path,
                           const std::string& what) {
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node& k = it->first;
    if (!k.IsScalar()) {
      error(k, path, "got " + show(k) + " as a key, expected a plain name");
      continue;
    }
    const std::string key = k.Scalar();
    if (!seen.insert(key).second) {
      error(k, join_path(path, key), "duplicate key '" + key + "'");
      continue;
    }
    bool known = false;
    for (const auto& a : allowed) known = known || a == key;
    if (!known) {
      std::string msg = "unknown key '" + key + "' in " + what;
      const std::string near = nearest(key, allowed);
      msg += near.empty() ? "; valid keys: " + quoted_list(allowed, ", ") : "; did you mean '" + near + "'?";
      error(k, path, msg);
    }
  }
}

bool Validator::in_range(double v, const ParamSpec& spec) const {
  if (spec.min_exclusive ? !(v > spec.min) : !(v >= spec.min)) return false;
  if (spec.max_exclusive ? !(v < spec.max) : !(v <= spec.max)) return false;
  return true;
}

Value Validator::value(const YAML::Node& node, const ParamSpec& spec, const std::string& path) {
  Value v;
  v.kind = spec.kind;
  v.where = at(node);
  v.present = true;
  if (!node.IsScalar()) {
    error(node, path, "got " + show(node) + ", expected " + expected_text(spec));
    return v;
  }
  const std::string text = node.Scalar();
  v.text = text;
  const std::string bad = "got '" + text + "', expected " + expected_text(spec);
  switch (spec.kind) {
    case ParamKind::quantity: {
      try {
        v.number = units::parse(text, spec.quantity);
      } catch (const units::UnitError& e) {
        error(node, path, std::string(e.what()));
        return v;
      }
      if (!in_range(v.number, spec)) error(node, path, bad);
      break;
    }
    case ParamKind::integer: {
      std::string digits;
      for (char c : text) {
        if (c != '_') digits += c;
      }
      size_t used = 0;
      double d = 0;
      try {
        d = std::stod(digits, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == 0 || used != digits.size() || !std::isfinite(d) || d != std::floor(d) || std::abs(d) > 9e15) {
        error(node, path, bad);
        return v;
      }
      v.number = d;
      if (!in_range(d, spec)) error(node, path, bad);
      break;
    }
    case ParamKind::boolean: {
      static const std::set<std::string> yes{"true", "True", "TRUE", "yes", "on"};
      static const std::set<std::string> no{"false", "False", "FALSE", "no", "off"};
      if (yes.count(text)) {
        v.number = 1;
      } else if (no.count(text)) {
        v.number = 0;
      } else {
        error(node, path, bad);
      }
      break;
    }
    case ParamKind::string: {
      if (spec.identifier) {
        const bool ok = !text.empty() && text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") ==
                                            std::string::npos;
        if (!ok) error(node, path, "got '" + text + "', expected a name made of letters, digits, '_' or '-'");
      }
      break;
    }
    case ParamKind::datetime: {
      try {
        v.number = parse_datetime(text);
      } catch (const std::invalid_argument& e) {
        error(node, path, std::string("got ") + e.what());
      }
      break;
    }
    case ParamKind::choice: {
      bool ok = false;
      for (const auto& c : spec.choices) ok = ok || c == text;
      if (!ok) {
        const std::string near = nearest(text, spec.choices);
        error(node, path, bad + (near.empty() ? "" : "; did you mean '" + near + "'?"));
      }
      break;
    }
  }
  return v;
}

void Validator::params(const YAML::Node& node, const std::vector<ParamSpec>& specs, const std::string& path,
                       const Location& loc, Config& cfg) {
  for (const auto& spec : specs) {
    const std::string ppath = join_path(path, spec.name);
    const YAML::Node n = node.IsMap() ? node[spec.name] : YAML::Node();
    if (n.IsDefined() && !n.IsNull()) {
      cfg.set_value(spec.name, value(n, spec, ppath));
      continue;
    }
    Value v;
    v.kind = spec.kind;
    v.where = loc;
    if (spec.required) {
      diags_.error(loc, path, "missing required key '" + spec.name + "' (" + expected_text(spec) + ")");
    } else if (!spec.default_text.empty()) {
      v.text = spec.default_text;
      v.defaulted = true;
      v.present = true;
      if (spec.kind == ParamKind::quantity) {
        v.number = units::parse(spec.default_text, spec.quantity);  // a bad default is a programming error
      } else if (spec.kind == ParamKind::integer) {
        v.number = std::stod(spec.default_text);
      } else if (spec.kind == ParamKind::boolean) {
        v.number = spec.default_text == "true" ? 1 : 0;
      } else if (spec.kind == ParamKind::datetime) {
        v.number = parse_datetime(spec.default_text);
      }
    }
    cfg.set_value(spec.name, std::move(v));
  }
}

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
    const std::string near = nearest(name, known);
    std::string msg = "unknown " + spec.category + " model '" + name + "'";
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

// ---- resolved YAML ----

void emit_block(YAML::Emitter& out, const Config& cfg);

void emit_value(YAML::Emitter& out, const Value& v) {
  if (v.kind == ParamKind::integer || v.kind == ParamKind::boolean) {
    out << v.text;
  } else {
    out << YAML::DoubleQuoted << v.text;
  }
}

void emit_block(YAML::Emitter& out, const Config& cfg) {
  out << YAML::BeginMap;
  if (!cfg.model().empty()) out << YAML::Key << "model" << YAML::Value << cfg.model();
  const Schema* schema = cfg.schema();
  if (schema) {
    for (const auto& p : schema->params) {
      if (!cfg.has(p.name)) continue;
      out << YAML::Key << p.name << YAML::Value;
      emit_value(out, cfg.value(p.name));
    }
    for (const auto& c : schema->children) {
      if (c.kind == ChildKind::raw && !cfg.child(c.key).raw()) continue;  // absent: nothing to keep
      out << YAML::Key << c.key << YAML::Value;
      if (c.kind == ChildKind::list) {
        out << YAML::BeginSeq;
        for (const auto& e : cfg.list(c.key)) emit_block(out, e);
        out << YAML::EndSeq;
      } else if (c.kind == ChildKind::raw) {
        out << *cfg.child(c.key).raw();
      } else {
        emit_block(out, cfg.child(c.key));
      }
    }
  }
  out << YAML::EndMap;
}

LoadedScenario finish(YAML::Node root, const std::string& name, const Schema& schema,
                      const std::vector<std::string>& overrides, const SemanticCheck& check, Diagnostics& diags) {
  for (const auto& o : overrides) apply_override(root, o, diags);
  LoadedScenario out;
  out.path = name;
  out.root = validate(root, schema, name, diags);
  if (diags.ok() && check) check(out.root, diags);
  diags.throw_if_errors();
  out.resolved_yaml = to_yaml(out.root);
  return out;
}

}  // namespace

Config validate(const YAML::Node& node, const Schema& schema, const std::string& file, Diagnostics& diags) {
  Validator v(file, diags);
  if (node.IsDefined() && !node.IsNull() && !node.IsMap()) {
    diags.error(v.at(node), "", "got " + show(node) + ", expected a scenario: a mapping of keys (" + quoted_list(schema.keys(), ", ") + ")");
    return Config(&schema, "", v.at(node));
  }
  return v.block(node, schema, "", Location{file, 1, 1});
}

std::string to_yaml(const Config& root) {
  YAML::Emitter out;
  emit_block(out, root);
  return std::string(out.c_str()) + "\n";
}

LoadedScenario load_text(const std::string& text, const std::string& display_name, const Schema& schema,
                         const std::vector<std::string>& overrides, const SemanticCheck& check) {
  Diagnostics diags;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw InputError(Location{display_name, e.mark.line + 1, e.mark.column + 1}, "", "YAML syntax error: " + e.msg);
  }
  return finish(root, display_name, schema, overrides, check, diags);
}

LoadedScenario load_file(const std::string& path, const Schema& schema, const std::vector<std::string>& overrides,
                         const SemanticCheck& check) {
  std::ifstream in(path);
  if (!in) throw InputError(Location{path, 0, 0}, "", "cannot open the scenario file (does it exist and is it readable?)");
  std::stringstream ss;
  ss << in.rdbuf();
  return load_text(ss.str(), path, schema, overrides, check);
}

}  // namespace dcsim::scenario
