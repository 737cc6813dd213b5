// The catalog's Reader (catalog_internal.hpp): one value of a catalog file read as a quantity with
// units (positive or non-negative, 'none' where allowed), an integer with a minimum or a non-empty
// string, every problem reported with file:line:column; and the message helpers ("unknown GPU
// 'h100'; did you mean 'h100-sxm'?", where a unique prefix match beats the nearest name).
#include <charconv>
#include <string>
#include <system_error>
#include <vector>

#include "models/catalog/catalog_internal.hpp"
#include "sim/util/text.hpp"

namespace dcsim::catalog::internal {

// "'text'" for a scalar, else what the node is.
std::string show(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return "nothing";
  if (n.IsScalar()) return "'" + n.Scalar() + "'";
  if (n.IsSequence()) return "a list";
  return "a mapping";
}

namespace {

// A suggestion for a misspelt name: the only candidate that starts with it, else the nearest one.
std::string suggest(const std::string& word, const std::vector<std::string>& candidates) {
  std::string prefixed;
  int count = 0;
  for (const auto& c : candidates) {
    if (c.rfind(word, 0) == 0) {
      prefixed = c;
      ++count;
    }
  }
  return count == 1 ? prefixed : nearest(word, candidates);
}

}  // namespace

// "unknown GPU 'h100'; did you mean 'h100-sxm'? (known: 'a100-sxm-80gb', ... or 'h200')"
std::string unknown_name(const std::string& what, const std::string& word, const std::vector<std::string>& known) {
  std::string msg = "unknown " + what + " '" + word + "'";
  const std::string guess = suggest(word, known);
  if (!guess.empty()) msg += "; did you mean '" + guess + "'?";
  return msg + " (known: " + quoted_list(known) + ")";
}

bool parse_int(const std::string& s, int& out) {
  const char* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, out);
  return ec == std::errc() && ptr == end && !s.empty();
}

std::string expected_quantity(Quantity q, bool positive, bool allow_none) {
  const auto& qi = units::info(q);
  std::string s = q == Quantity::dimensionless ? std::string(positive ? "a positive number" : "a number >= 0")
                                               : std::string(positive ? "a positive " : "a non-negative ") + qi.name +
                                                     " such as '" + qi.example + "'";
  return allow_none ? s + " or 'none'" : s;
}

bool Reader::quantity(const YAML::Node& n, const std::string& path, Quantity q, bool positive, bool allow_none,
                      double& out) {
  const std::string expected = expected_quantity(q, positive, allow_none);
  if (!n.IsScalar()) {
    error(n, path, "got " + show(n) + ", expected " + expected);
    return false;
  }
  const std::string& s = n.Scalar();
  if (allow_none && s == "none") {
    out = 0;
    return true;
  }
  double v = 0;
  try {
    v = units::parse(s, q);
  } catch (const units::UnitError& e) {
    // UnitError's text may repeat the value ("'3.35 TB': unit 'TB' is a data, ..."): keep the reason only.
    std::string reason = e.what();
    const std::string echo = "'" + s + "': ";
    if (reason.rfind(echo, 0) == 0) reason.erase(0, echo.size());
    error(n, path, "got '" + s + "', expected " + expected + " (" + reason + ")");
    return false;
  }
  if (v < 0 || (positive && v == 0)) {
    error(n, path, "got '" + s + "', expected " + expected);
    return false;
  }
  out = v;
  return true;
}

bool Reader::integer(const YAML::Node& n, const std::string& path, int min, int& out) {
  int v = 0;
  if (!n.IsScalar() || !parse_int(n.Scalar(), v) || v < min) {
    error(n, path, "got " + show(n) + ", expected an integer >= " + std::to_string(min));
    return false;
  }
  out = v;
  return true;
}

bool Reader::text(const YAML::Node& n, const std::string& path, std::string& out) {
  if (!n.IsScalar() || n.Scalar().empty()) {
    error(n, path, "got " + show(n) + ", expected a non-empty string");
    return false;
  }
  out = n.Scalar();
  return true;
}

}  // namespace dcsim::catalog::internal
