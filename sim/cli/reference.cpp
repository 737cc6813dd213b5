#include "sim/cli/reference.hpp"

#include <set>
#include <sstream>

#include "sim/registry/registry.hpp"
#include "sim/scenario/param.hpp"
#include "sim/scenario/scenario_schema.hpp"
#include "sim/scenario/units.hpp"

namespace dcsim::cli {

namespace {

using scenario::ChildKind;
using scenario::ParamSpec;
using scenario::Schema;

std::string default_text(const ParamSpec& p) {
  if (p.required) return "required";
  if (p.default_text.empty()) return "optional";
  return p.default_text;
}

std::string escape_md(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else out += c;
  }
  return out;
}

void params_md(std::ostringstream& os, const std::vector<ParamSpec>& params) {
  if (params.empty()) {
    os << "_No parameters._\n\n";
    return;
  }
  os << "| key | kind | unit | default | range | description |\n|---|---|---|---|---|---|\n";
  for (const auto& p : params) {
    std::string help = p.help;
    if (!p.source.empty()) help += " Source: " + p.source + ".";
    os << "| `" << p.name << "` | " << p.kind_text() << " | " << (p.unit_text().empty() ? "" : "`" + p.unit_text() + "`")
       << " | " << (default_text(p) == "required" || default_text(p) == "optional" ? default_text(p) : "`" + default_text(p) + "`")
       << " | " << escape_md(p.range_text()) << " | " << escape_md(help) << " |\n";
  }
  os << "\n";
}

void params_text(std::ostringstream& os, const std::vector<ParamSpec>& params, const std::string& indent) {
  for (const auto& p : params) {
    os << indent << p.name << "  [" << p.kind_text();
    if (!p.unit_text().empty()) os << ", " << p.unit_text();
    os << "]  default: " << default_text(p);
    if (!p.range_text().empty()) os << "  range: " << p.range_text();
    os << "\n" << indent << "    " << p.help;
    if (!p.source.empty()) os << " (source: " << p.source << ")";
    os << "\n";
  }
}

// The sub-blocks of a block (or of a model): one line each, then each block's own section.
void children_md(std::ostringstream& os, const Schema& s, const std::string& path, std::set<const Schema*>& seen,
                 const std::string& heading);

void schema_md(std::ostringstream& os, const Schema& s, const std::string& path, std::set<const Schema*>& seen,
               const std::string& heading = "###") {
  os << heading << " `" << (path.empty() ? "(top level)" : path) << "` — " << s.name << "\n\n" << s.help << "\n\n";
  params_md(os, s.params);
  children_md(os, s, path, seen, heading);
}

void children_md(std::ostringstream& os, const Schema& s, const std::string& path, std::set<const Schema*>& seen,
                 const std::string& heading) {
  if (s.children.empty()) return;
  for (const auto& c : s.children) {
    const std::string cpath = path.empty() ? c.key : path + "." + c.key;
    if (c.kind == ChildKind::raw) {
      os << "- `" << cpath << "`: " << c.help << "\n";
    } else if (c.kind == ChildKind::model || c.kind == ChildKind::models) {
      os << "- `" << cpath << "`: a `" << c.category << "` model (`model: NAME` plus that model's parameters; see "
         << "[" << c.category << "](#models-" << c.category << "))"
         << (c.kind == ChildKind::models ? ", or a list of them" : "") << ". " << c.help << "\n";
    } else {
      os << "- `" << cpath << (c.kind == ChildKind::list ? "[]" : "") << "`: "
         << (c.kind == ChildKind::list ? "a list of " : "a ") << c.schema->name << " block"
         << (c.required ? " (required)" : "") << ". " << c.help << "\n";
    }
  }
  os << "\n";
  for (const auto& c : s.children) {
    if (c.kind == ChildKind::model || c.kind == ChildKind::models || c.kind == ChildKind::raw ||
        !seen.insert(c.schema).second)
      continue;
    const std::string cpath = (path.empty() ? c.key : path + "." + c.key) + (c.kind == ChildKind::list ? "[]" : "");
    schema_md(os, *c.schema, cpath, seen, heading);
  }
}

void schema_text(std::ostringstream& os, const Schema& s, const std::string& path, std::set<const Schema*>& seen) {
  os << (path.empty() ? "scenario" : path) << "  (" << s.name << ")\n";
  params_text(os, s.params, "  ");
  for (const auto& c : s.children) {
    const std::string cpath = path.empty() ? c.key : path + "." + c.key;
    if (c.kind == ChildKind::model) os << "  " << c.key << ": a '" << c.category << "' model\n";
    if (c.kind == ChildKind::models) os << "  " << c.key << ": a '" << c.category << "' model or a list of them\n";
    if (c.kind == ChildKind::raw) os << "  " << c.key << ": " << c.help << "\n";
  }
  os << "\n";
  for (const auto& c : s.children) {
    if (c.kind == ChildKind::model || c.kind == ChildKind::models || c.kind == ChildKind::raw ||
        !seen.insert(c.schema).second)
      continue;
    schema_text(os, *c.schema, (path.empty() ? c.key : path + "." + c.key) + (c.kind == ChildKind::list ? "[]" : ""), seen);
  }
}

// The largest magnitude of every quantity and of integers (param.hpp, magnitude_limit).
void limits(std::ostream& os, bool markdown) {
  using units::Quantity;
  if (markdown) {
    os << "## Limits\n\nWhatever a parameter's own range, dcsim refuses a value beyond the largest magnitude of its "
          "quantity (a typo, or a run that could not end or fit in memory); see docs/reliability.md.\n\n"
          "| quantity | largest magnitude |\n|---|---|\n| integer | "
       << units::format(scenario::kIntegerLimit, Quantity::dimensionless) << " |\n";
  } else {
    os << "LIMITS (largest magnitude of any value)\n  integer: " << units::format(scenario::kIntegerLimit, Quantity::dimensionless)
       << "\n";
  }
  for (int i = 0; i <= static_cast<int>(Quantity::energy_price); ++i) {  // every quantity, in order
    const auto q = static_cast<Quantity>(i);
    const std::string shown = units::format(scenario::magnitude_limit(q), q);
    if (markdown) {
      os << "| " << units::info(q).name << " | " << shown << " |\n";
    } else {
      os << "  " << units::info(q).name << ": " << shown << "\n";
    }
  }
  os << "\n";
}

}  // namespace

std::string parameter_reference(bool markdown) {
  const auto& index = RegistryIndex::global();
  std::ostringstream os;
  std::set<const Schema*> seen;
  if (markdown) {
    os << "# Scenario reference\n\n"
       << "Generated by `dcsim list --markdown` from the parameter declarations; do not edit by hand.\n"
       << "Quantities accept units (\"700 W\", \"2.9 Wh\", \"15 min\", \"1.2e6 /h\", \"80 GiB\", \"3.35 TB/s\"); a bare "
       << "number is in the unit shown.\n\n## Scenario blocks\n\n";
    schema_md(os, scenario::scenario_schema(), "", seen);
    limits(os, true);
    os << "## Models\n\n";
    for (const auto& cat : index.categories()) {
      os << "<a id=\"models-" << cat << "\"></a>\n### " << cat << "\n\n" << index.category_help(cat) << "\n\n";
      for (const auto& name : index.names(cat)) {
        const ModelInfo* m = index.find(cat, name);
        os << "#### `model: " << name << "`\n\n" << m->help << "\n\n";
        params_md(os, m->schema.params);
        // Its sub-blocks (nhpp's points, csv, surges, ...; the llm class's token models), as
        // paths inside the model block.
        children_md(os, m->schema, "(" + name + ")", seen, "#####");
      }
    }
  } else {
    os << "SCENARIO BLOCKS\n\n";
    schema_text(os, scenario::scenario_schema(), "", seen);
    limits(os, false);
    os << "MODELS\n";
    for (const auto& cat : index.categories()) {
      os << "\n[" << cat << "] " << index.category_help(cat) << "\n";
      for (const auto& name : index.names(cat)) {
        const ModelInfo* m = index.find(cat, name);
        os << "  model: " << name << " — " << m->help << "\n";
        params_text(os, m->schema.params, "    ");
        for (const auto& c : m->schema.children) {
          os << "    " << c.key << ": "
             << (c.kind == ChildKind::list ? "a list of " + c.schema->name + " blocks"
                 : c.kind == ChildKind::block ? "a " + c.schema->name + " block"
                 : c.kind == ChildKind::raw   ? std::string("any YAML")
                                              : "a '" + c.category + "' model")
             << ". " << c.help << "\n";
        }
      }
    }
  }
  return os.str();
}

}  // namespace dcsim::cli
