// Registers every built-in model in its registry. Explicit (not static initialisers) so that the
// static library keeps them and the order is known. Idempotent.
#pragma once

namespace dcsim {
void register_builtin_models();
}
