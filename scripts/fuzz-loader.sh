#!/usr/bin/env bash
# The long fuzz runs of the scenario loader (docs/reliability.md).
#
#   scripts/fuzz-loader.sh [cases (default 1000000)] [seed (default 7)] [dcsim_fuzz_batch options...]
#     The in-process batch validator (tests/fuzz/fuzz_batch.cpp): mutated scenarios loaded,
#     validated and built without running, no process start per case. Builds build/ (the normal
#     build) and prints cases/s, the outcome counts and every finding; findings are written to
#     build/fuzz-findings/caseN.yaml in the crash corpus's format. Exit 1 on any finding.
#
#   scripts/fuzz-loader.sh --libfuzzer [seconds (default 600)] [libFuzzer flags, e.g. -runs=1000000]
#     libFuzzer on load_text (tests/fuzz/fuzz_loader.cpp): builds its target in the sanitized build
#     (scripts/configure-sanitized.sh: clang-14, ASan + UBSan + coverage; build-asan, or
#     $DCSIM_SANITIZED_BUILD), seeds a corpus with tests/fuzz/corpus, scenarios/*.yaml and
#     tests/fuzz/crashes, and fuzzes. A finding is written as crash-*/timeout-*/oom-* in
#     BUILD/findings; at exit the target prints how many inputs it ran and their outcomes.
#
# A finding goes to tests/fuzz/crashes/ (with a "# crash:" line saying what it did), where the
# normal suite replays it (tests/unit/hostile_input_test.cpp, tests/python/test_reliability.py).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" != "--libfuzzer" ]; then
  CASES="${1:-1000000}"
  SEED="${2:-7}"
  shift $(( $# > 2 ? 2 : $# ))
  scripts/setup.sh --deps-only
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build build -j"$(nproc)" --target dcsim_fuzz_batch
  exec build/tests/dcsim_fuzz_batch --cases "$CASES" --seed "$SEED" --progress 50000 \
       --save build/fuzz-findings "$@"
fi

shift
SECONDS_TO_RUN="${1:-600}"
shift || true
BUILD_DIR="${DCSIM_SANITIZED_BUILD:-build-asan}"
scripts/configure-sanitized.sh "$BUILD_DIR"
cmake --build "$BUILD_DIR" -j"$(nproc)" --target fuzz_loader
CORPUS="$BUILD_DIR/corpus"
mkdir -p "$CORPUS" "$BUILD_DIR/findings"
cp tests/fuzz/corpus/* scenarios/*.yaml tests/fuzz/crashes/*.yaml "$CORPUS"/
# The loader never creates the SimGrid engine: no context-stack warnings here. Leaks are not
# findings (yaml-cpp and the registries keep their globals). At exit the target prints its
# outcome counts (tests/fuzz/fuzz_loader.cpp); libFuzzer prints execs/s (-print_final_stats).
ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}" \
  "$BUILD_DIR/tests/fuzz/fuzz_loader" -max_total_time="$SECONDS_TO_RUN" -timeout=10 -rss_limit_mb=4096 \
  -max_len=65536 -print_final_stats=1 -artifact_prefix="$BUILD_DIR/findings/" "$@" "$CORPUS"
