#include "models/register_models.hpp"

#include "models/arrivals/arrival_process.hpp"
#include "models/serving/service_time.hpp"

namespace dcsim {

void register_builtin_models() {
  static const bool done = [] {
    arrivals::register_arrival_models();
    serving::register_service_time_models();
    return true;
  }();
  (void)done;
}

}  // namespace dcsim
