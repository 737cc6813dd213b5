// Scenario loading (loader.hpp): YAML text or file -> --set overrides -> schema validation
// (Validator, loader_params.cpp and loader_blocks.cpp) -> semantic check -> one InputError with every
// problem, or the Config tree and its resolved YAML (defaults filled in) emitted here.
#include "sim/scenario/loader.hpp"

#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "sim/scenario/loader_internal.hpp"
#include "sim/util/text.hpp"

namespace dcsim::scenario {

using namespace validation;

namespace {

// ---- resolved YAML ----
// What a scenario says, with defaults filled in, such that validating it again gives the same
// Config (tests/python/test_resolved_scenarios.py runs every shipped scenario both ways):
//  - every value is written, as given or as its declared default (checks whose rule depends on a
//    key being left out compare with the default instead: config_defaults.hpp);
//  - a block the scenario leaves out stays out (a kind's block, a rate curve's csv or diurnal
//    block, a facility component: their presence means something), and so do absent optional
//    models and empty lists; a model block is written with its `model:` name.

void emit_block(YAML::Emitter& out, const Config& cfg);

void emit_value(YAML::Emitter& out, const Value& v) {
  if (v.kind == ParamKind::integer || v.kind == ParamKind::boolean) {
    out << v.text;
  } else {
    out << YAML::DoubleQuoted << v.text;
  }
}

bool given(const Config& parent, const Config& child);

// Something in the block was written (a value, a block or model given, a list element).
bool has_content(const Config& c) {
  for (const auto& [k, v] : c.values()) {
    if (v.present && !v.defaulted) return true;
  }
  const Schema* s = c.schema();
  if (s == nullptr) return false;
  for (const auto& ch : s->children) {
    switch (ch.kind) {
      case ChildKind::raw:
        if (c.child(ch.key).raw()) return true;
        break;
      case ChildKind::block:
      case ChildKind::model:
        if (given(c, c.child(ch.key))) return true;
        break;
      case ChildKind::list:
        if (!c.list(ch.key).empty()) return true;
        break;
      case ChildKind::models:
        for (const auto& m : c.list(ch.key))
          if (given(c, m)) return true;
        break;
    }
  }
  return false;
}

// A sub-block left out is made at its parent's location (Validator::block); one written has its
// own, or (made by --set inside a block --set made) holds what --set wrote.
bool given(const Config& parent, const Config& child) {
  const Location& a = parent.where();
  const Location& b = child.where();
  if (a.file != b.file || a.line != b.line || a.column != b.column) return true;
  return has_content(child);
}

bool written(const Config& parent, const ChildSpec& c) {
  switch (c.kind) {
    case ChildKind::raw: return parent.child(c.key).raw() != nullptr;
    case ChildKind::block: return given(parent, parent.child(c.key));
    case ChildKind::model: return !parent.child(c.key).model().empty();
    case ChildKind::list:
    case ChildKind::models: return !parent.list(c.key).empty();
  }
  return false;
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
      if (!written(cfg, c)) continue;
      out << YAML::Key << c.key << YAML::Value;
      if (c.kind == ChildKind::list || c.kind == ChildKind::models) {
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

// `a` is `b` or a key inside it ("workloads[0].pool" in "workloads[0]"), or the other way round.
bool nested(const std::string& a, const std::string& b) {
  if (a.size() < b.size()) return nested(b, a);
  return a.compare(0, b.size(), b) == 0 && (a.size() == b.size() || a[b.size()] == '.' || a[b.size()] == '[');
}

bool overlaps(const Diagnostics& diags, const std::string& path) {
  for (const Issue& i : diags.issues()) {
    if (!i.path.empty() && !path.empty() && nested(i.path, path)) return true;
  }
  return false;
}

LoadedScenario finish(YAML::Node root, const std::string& name, const Schema& schema,
                      const std::vector<std::string>& overrides, const SemanticCheck& check, Diagnostics& diags) {
  for (const auto& o : overrides) apply_override(root, o, diags);
  LoadedScenario out;
  out.path = name;
  out.root = validate(root, schema, name, diags);
  if (check && diags.ok()) {
    check(out.root, diags);
  } else if (check) {
    // The checks across blocks run too, so that a bad value does not hide the other problems;
    // what they find about a key already blamed (or the block around it) is left out, and a
    // block too broken to read (a refused value, an unknown model) stops them.
    Diagnostics more;
    try {
      check(out.root, more);
    } catch (const std::exception&) {
    }
    for (const Issue& i : more.issues()) {
      if (!overlaps(diags, i.path)) diags.error(i.where, i.path, i.message);
    }
  }
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
