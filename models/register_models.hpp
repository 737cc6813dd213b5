// Registers every built-in model in its registry. Explicit (not static initialisers) so that the
// static library keeps them and the order is known. Idempotent.
#pragma once

namespace dcsim {
void register_builtin_models();
// Reads the built-in data files every run needs (the catalog) into their process-wide caches. A
// process that forks its runs (a sweep) calls it once before forking, so that the children share
// the parsed data instead of each parsing it again (~10 ms a run).
void preload_builtin_data();
}
