#include "sim/scenario/diagnostics.hpp"

#include <algorithm>

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

std::string clip(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  return std::string(text.substr(0, max)) + "... (" + std::to_string(text.size()) + " characters)";
}

std::string quote_value(std::string_view text) { return "'" + clip(text) + "'"; }

namespace {

// A message longer than kMaxMessageChars keeps its head and its tail (what was expected).
std::string clip_message(std::string m) {
  if (m.size() <= kMaxMessageChars) return m;
  constexpr std::size_t kTail = 160;
  const std::size_t cut = m.size() - (kMaxMessageChars - kTail) - kTail;
  return m.substr(0, kMaxMessageChars - kTail) + " [... " + std::to_string(cut) + " characters cut ...] " +
         m.substr(m.size() - kTail);
}

Issue clipped(Issue i) {
  return Issue{std::move(i.where), clip(i.path, kMaxPathChars), clip_message(std::move(i.message))};
}

}  // namespace

void Diagnostics::error(Location where, std::string path, std::string message) {
  ++count_;
  if (issues_.size() < kMaxIssues) issues_.push_back(clipped(Issue{std::move(where), std::move(path), std::move(message)}));
}

void Diagnostics::throw_if_errors() const {
  if (count_ > 0) throw InputError(issues_, count_);
}

InputError::InputError(std::vector<Issue> issues, std::size_t total)
    : std::runtime_error(join(issues, std::max(total, issues.size()))),
      issues_(std::move(issues)),
      total_(std::max(total, issues_.size())) {
  for (auto& i : issues_) i = clipped(std::move(i));
}

InputError::InputError(Location where, std::string path, std::string message)
    : InputError(std::vector<Issue>{Issue{std::move(where), std::move(path), std::move(message)}}) {}

std::string InputError::join(const std::vector<Issue>& issues, std::size_t total) {
  std::string s;
  for (size_t i = 0; i < issues.size(); ++i) {
    if (i) s += "\n";
    s += "error: " + clipped(issues[i]).str();
  }
  if (total > issues.size()) {
    s += "\nerror: ... and " + std::to_string(total - issues.size()) + " more problem" +
         (total - issues.size() == 1 ? "" : "s") + " (fix these first)";
  }
  return s;
}

}  // namespace dcsim::scenario
