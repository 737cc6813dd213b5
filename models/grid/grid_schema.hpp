// The `grid:` block of a site, declared once (models/grid/grid_config.cpp), and the registration
// of the grid's models (registries grid_supply and grid_price).
#pragma once

#include "sim/scenario/config.hpp"
#include "sim/scenario/param.hpp"

namespace dcsim::grid {

// The site's `grid:` block (scenario_schema.cpp adds it to the site block).
const scenario::Schema& grid_schema();
// True if the site's grid block names a supply other than none: the World builds a SiteGrid only then.
bool grid_configured(const scenario::Config& grid);
// The site-component kind "grid" (grid_component.cpp): the `grid:` block of every site, and a
// SiteGrid on the control step of the sites that configure one.
void register_grid_component();
// Registers the grid_supply and grid_price models (register_builtin_models calls it; idempotent).
void register_grid_models();

}  // namespace dcsim::grid
