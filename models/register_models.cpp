#include "models/register_models.hpp"

#include "models/arrivals/arrival_process.hpp"
#include "models/grid/grid_schema.hpp"
#include "models/serving/service_time.hpp"
#include "models/workload/request_class.hpp"
#include "models/workload/token_count.hpp"

namespace dcsim {

void register_builtin_models() {
  static const bool done = [] {
    arrivals::register_arrival_models();
    serving::register_service_time_models();
    workload::register_token_count_models();
    workload::register_request_class_models();
    grid::register_grid_models();
    return true;
  }();
  (void)done;
}

}  // namespace dcsim
