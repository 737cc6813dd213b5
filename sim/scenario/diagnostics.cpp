#include "sim/scenario/diagnostics.hpp"

namespace dcsim::scenario {

std::string Location::str() const {
  std::string s = file.empty() ? "<input>" : file;
  if (line > 0) {
    s += ":" + std::to_string(line);
    if (column > 0) s += ":" + std::to_string(column);
  }
  return s;
}

std::string Issue::str() const {
  std::string s = where.str() + ": ";
  if (!path.empty()) s += path + ": ";
  return s + message;
}

void Diagnostics::error(Location where, std::string path, std::string message) {
  issues_.push_back(Issue{std::move(where), std::move(path), std::move(message)});
}

void Diagnostics::throw_if_errors() const {
  if (!issues_.empty()) throw InputError(issues_);
}

InputError::InputError(std::vector<Issue> issues) : std::runtime_error(join(issues)), issues_(std::move(issues)) {}

InputError::InputError(Location where, std::string path, std::string message)
    : InputError(std::vector<Issue>{Issue{std::move(where), std::move(path), std::move(message)}}) {}

std::string InputError::join(const std::vector<Issue>& issues) {
  std::string s;
  for (size_t i = 0; i < issues.size(); ++i) {
    if (i) s += "\n";
    s += "error: " + issues[i].str();
  }
  return s;
}

}  // namespace dcsim::scenario
