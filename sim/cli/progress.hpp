// The progress line of long runs, on stderr when it is a terminal: simulated time and horizon in
// one unit chosen from the horizon (s, min, h, d), % of the horizon, simulated seconds per wall
// second and the ETA, each with 3-4 significant digits. When the run ends the line is cleared:
// the summary that follows says where the run ended.
#pragma once

#include <string>

#include "sim/engine/engine.hpp"

namespace dcsim::cli {

// One line, e.g. "  sim 1.25 / 2 h  62.5 %  3.4e+04 sim-s/s  ETA 0:00:12"
std::string format_progress(const Progress& p);

class ProgressLine {
 public:
  explicit ProgressLine(bool enabled) : enabled_(enabled) {}
  bool enabled() const { return enabled_; }
  void update(const Progress& p);
  void finish();  // clears the line if one was printed

 private:
  bool enabled_;
  bool printed_ = false;
};

}  // namespace dcsim::cli
