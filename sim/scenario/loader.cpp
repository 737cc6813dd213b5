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
