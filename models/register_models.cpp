#include "models/register_models.hpp"

#include "models/arrivals/arrival_process.hpp"
#include "models/catalog/catalog.hpp"
#include "models/scheduling/capacity.hpp"
#include "models/scheduling/register.hpp"
#include "models/serving/pool_kind.hpp"
#include "models/site/site_component.hpp"
#include "models/grid/grid_schema.hpp"
#include "models/serving/service_time.hpp"
#include "models/weather/weather.hpp"
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
    scheduling::register_scheduling_models();
    serving::register_pool_kinds();
    scheduling::register_capacity();  // the pools' capacity block, after the kinds' own keys
    weather::register_weather_models();
    site::register_site_components();
    return true;
  }();
  (void)done;
}

void preload_builtin_data() { (void)catalog::Catalog::builtin(); }

}  // namespace dcsim
