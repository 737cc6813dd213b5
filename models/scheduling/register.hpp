// Registers the built-in admission and routing policies (called by register_builtin_models).
#pragma once

namespace dcsim::scheduling {
void register_scheduling_models();
}
