// Site routing `single`: the service has exactly one pool, which takes every request. The front
// end of a one-pool service never calls a router; a service that lists several pools with this
// router is an input error (it must name how to choose).
#include "models/scheduling/site_router.hpp"
#include "sim/scenario/diagnostics.hpp"

namespace dcsim::scheduling {

namespace {

class SinglePool final : public SiteRouter {
 public:
  uint32_t choose(const workload::Request&, double) override { return 0; }
  bool has_flow_form() const override { return true; }
  void split_flows(const double*, double, double, double*) override {}  // one pool: the flow front end routes none
};

}  // namespace

void register_site_single() {
  site_router_registry().add(
      "single", "The service's only pool takes every request (a service of several pools must name another router).", {},
      [](const scenario::Config& c, const PolicyContext& ctx) -> std::unique_ptr<SiteRouter> {
        if (ctx.service.pools.size() > 1) {
          throw scenario::InputError(c.where(), c.path(),
                                     "service '" + ctx.service.name + "' has " + std::to_string(ctx.service.pools.size()) +
                                         " pools, expected a routing model that chooses between them (e.g. "
                                         "{model: nearest}); 'single' is for a service of one pool");
        }
        return std::make_unique<SinglePool>();
      });
}

}  // namespace dcsim::scheduling
