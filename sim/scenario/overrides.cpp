// --set key.path=value: edits the YAML tree before validation, so an override is checked exactly
// like the same text written in the file.
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/scenario/loader.hpp"
#include "sim/util/text.hpp"

namespace dcsim::scenario {

namespace {

struct Segment {
  std::string key;   // map key or list element name
  long index = -1;   // list index when written key[3]
};

bool split_path(const std::string& path, std::vector<Segment>& out, std::string& problem) {
  size_t i = 0;
  while (i < path.size()) {
    size_t dot = path.find('.', i);
    std::string part = path.substr(i, dot == std::string::npos ? std::string::npos : dot - i);
    if (part.empty()) {
      problem = "empty key in path " + quote_value(path);
      return false;
    }
    Segment seg;
    const size_t br = part.find('[');
    if (br != std::string::npos) {
      if (part.back() != ']') {
        problem = "malformed index in " + quote_value(part);
        return false;
      }
      const std::string idx = part.substr(br + 1, part.size() - br - 2);
      if (idx.empty() || idx.find_first_not_of("0123456789") != std::string::npos) {
        problem = "list index in " + quote_value(part) + " must be a non-negative integer";
        return false;
      }
      // Longer than 9 digits is beyond any list a scenario can hold (std::stol would throw).
      if (idx.size() > 9) {
        problem = "list index in " + quote_value(part) + " is out of range";
        return false;
      }
      seg.key = part.substr(0, br);
      seg.index = std::stol(idx);
      if (!seg.key.empty()) out.push_back(Segment{seg.key, -1});
      out.push_back(Segment{"", seg.index});
    } else {
      out.push_back(Segment{part, -1});
    }
    if (dot == std::string::npos) break;
    i = dot + 1;
  }
  return true;
}

// A copy of `n` without source marks: the loader locates nodes without a mark at "--set".
// A value that contains itself through an alias (`&a [*a]`) or expands to more than kMaxNodes
// nodes (nested aliases) is refused: `problem` says why and the copy is cut short.
constexpr int kMaxNodes = 100000;

struct Unmarker {
  std::vector<YAML::Node> ancestors;
  int budget = kMaxNodes;
  std::string problem;

  YAML::Node copy(const YAML::Node& n) {
    for (const auto& a : ancestors) {
      if (a.is(n)) problem = "it contains itself through an alias";
    }
    if (--budget < 0) problem = "it expands to more than " + std::to_string(kMaxNodes) + " values";
    if (!problem.empty()) return YAML::Node(YAML::NodeType::Null);
    switch (n.Type()) {
      case YAML::NodeType::Scalar:
        return YAML::Node(n.Scalar());
      case YAML::NodeType::Sequence: {
        ancestors.push_back(n);
        YAML::Node out(YAML::NodeType::Sequence);
        for (const auto& e : n) {
          out.push_back(copy(e));
          if (!problem.empty()) break;
        }
        ancestors.pop_back();
        return out;
      }
      case YAML::NodeType::Map: {
        ancestors.push_back(n);
        YAML::Node out(YAML::NodeType::Map);
        for (const auto& kv : n) {
          out[copy(kv.first)] = copy(kv.second);
          if (!problem.empty()) break;
        }
        ancestors.pop_back();
        return out;
      }
      default:
        return YAML::Node(YAML::NodeType::Null);
    }
  }
};

// "; did you mean 'chat'?" or "; its elements are named 'a', 'b'" (or "; its elements have no names").
std::string element_names(const YAML::Node& list, const std::string& wanted) {
  std::vector<std::string> names;
  for (size_t j = 0; j < list.size(); ++j) {
    if (list[j].IsMap() && list[j]["name"] && list[j]["name"].IsScalar()) names.push_back(list[j]["name"].Scalar());
  }
  if (names.empty()) return list.size() == 0 ? "; the list is empty" : "; its elements have no names (use an index, e.g. [0])";
  const std::string near = nearest(wanted, names);
  if (!near.empty()) return "; did you mean '" + near + "'?";
  return "; its elements are named " + quoted_list(names, ", ");
}

}  // namespace

void apply_override(YAML::Node& root, const std::string& assignment, Diagnostics& diags) {
  const Location where{"--set", 0, 0};
  const size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    diags.error(where, "", "got " + quote_value(assignment) + ", expected key.path=value (e.g. sites[0].pools[0].servers=8)");
    return;
  }
  const std::string path = assignment.substr(0, eq);
  const std::string value_text = assignment.substr(eq + 1);
  std::vector<Segment> segs;
  std::string problem;
  if (!split_path(path, segs, problem)) {
    diags.error(where, path, problem);
    return;
  }
  YAML::Node value;
  Unmarker unmarker;
  try {
    value = unmarker.copy(YAML::Load(value_text));
  } catch (const YAML::Exception& e) {
    diags.error(where, path, "value " + quote_value(value_text) + " is not valid YAML: " + e.msg);
    return;
  }
  if (!unmarker.problem.empty()) {
    diags.error(where, path, "value " + quote_value(value_text) + " is refused: " + unmarker.problem);
    return;
  }
  if (!root.IsDefined() || root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  // yaml-cpp nodes are handles: assigning through `cur` edits the tree in place.
  YAML::Node cur = root;
  std::string walked;
  for (size_t k = 0; k < segs.size(); ++k) {
    const Segment& s = segs[k];
    const bool last = (k + 1 == segs.size());
    YAML::Node next;
    if (s.index >= 0) {
      if (!cur.IsSequence()) {
        diags.error(where, walked, "is not a list; cannot apply index [" + std::to_string(s.index) + "]");
        return;
      }
      if (static_cast<size_t>(s.index) >= cur.size()) {
        const size_t n = cur.size();
        diags.error(where, walked, "index [" + std::to_string(s.index) + "] is out of range (" +
                                       (n == 0   ? std::string("the list is empty")
                                        : n == 1 ? std::string("the list has 1 element, [0]")
                                                 : "the list has " + std::to_string(n) + " elements, [0] to [" +
                                                       std::to_string(n - 1) + "]") +
                                       ")");
        return;
      }
      walked += "[" + std::to_string(s.index) + "]";
      if (last) {
        cur[static_cast<size_t>(s.index)] = value;
        return;
      }
      next.reset(cur[static_cast<size_t>(s.index)]);
    } else if (cur.IsSequence()) {
      // Address a list element by its name.
      bool found = false;
      for (size_t j = 0; j < cur.size(); ++j) {
        if (cur[j].IsMap() && cur[j]["name"] && cur[j]["name"].IsScalar() && cur[j]["name"].Scalar() == s.key) {
          next.reset(cur[j]);
          walked += "[" + std::to_string(j) + "]";
          found = true;
          break;
        }
      }
      if (!found) {
        diags.error(where, walked, "no element named " + quote_value(s.key) + " in this list" + element_names(cur, s.key));
        return;
      }
      if (last) {
        diags.error(where, path, "cannot replace a whole list element; set one of its keys");
        return;
      }
    } else {
      if (cur.IsNull() || !cur.IsDefined()) cur = YAML::Node(YAML::NodeType::Map);
      if (!cur.IsMap()) {
        diags.error(where, walked, "is a single value; cannot set " + quote_value(s.key) + " inside it");
        return;
      }
      walked += (walked.empty() ? "" : ".") + s.key;
      if (last) {
        cur[s.key] = value;
        return;
      }
      if (!cur[s.key]) cur[s.key] = YAML::Node(YAML::NodeType::Map);
      next.reset(cur[s.key]);
    }
    cur.reset(next);
  }
}

}  // namespace dcsim::scenario
