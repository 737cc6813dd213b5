#include "sim/output/sink.hpp"

namespace dcsim::output {

const char* to_string(Aggregation a) {
  switch (a) {
    case Aggregation::sum: return "sum";
    case Aggregation::mean: return "mean";
    case Aggregation::last: return "last";
    case Aggregation::max: return "max";
    case Aggregation::quantile: return "quantile";
  }
  return "?";
}

}  // namespace dcsim::output
