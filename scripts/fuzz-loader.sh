#!/usr/bin/env bash
# The long fuzz runs of the scenario loader (docs/reliability.md).
#
#   scripts/fuzz-loader.sh [cases (default 1000000)] [seed (default 7)] [dcsim_fuzz_batch options...]
#     The in-process batch validator (tests/fuzz/fuzz_batch.cpp): mutated scenarios loaded,
#     validated and built without running, no process start per case. Builds build/ (the normal
#     build) and prints cases/s, the outcome counts and every finding; findings are written to
#     build/fuzz-findings/caseN.yaml in the crash corpus's format. Exit 1 on any finding.
#
#   scripts/fuzz-loader.sh --libfuzzer [seconds (default 600)] [libFuzzer flags...]
#     libFuzzer on load_text (tests/fuzz/fuzz_loader.cpp): builds build-fuzz with clang-14 (ASan +
#     UBSan + coverage; installs clang-14 and libclang-rt-14-dev, which holds libFuzzer, when
#     missing), seeds a corpus with tests/fuzz/corpus, scenarios/*.yaml and tests/fuzz/crashes, and
#     fuzzes. A finding is written as crash-*/timeout-* in build-fuzz/findings.
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
MISSING=""
for p in clang-14 libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || MISSING="$MISSING $p"
done
if [ -n "$MISSING" ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  # shellcheck disable=SC2086
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $MISSING >/dev/null
fi
# -O1 -gline-tables-only (build type None: CMAKE_CXX_FLAGS alone), libFuzzer's usual flags: the
# sanitized, instrumented library then builds in about half the time of -O2 -g, and reports keep
# their file:line.
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" \
      -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 -DDCSIM_FUZZ=ON -DDCSIM_TESTS=OFF \
      -DDCSIM_BENCH=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_loader
CORPUS=build-fuzz/corpus
mkdir -p "$CORPUS" build-fuzz/findings
cp tests/fuzz/corpus/* scenarios/*.yaml tests/fuzz/crashes/*.yaml "$CORPUS"/
# The loader never creates the SimGrid engine: no context-stack warnings here. Leaks are not
# findings (yaml-cpp and the registries keep their globals).
ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}" \
  build-fuzz/tests/fuzz/fuzz_loader -max_total_time="$SECONDS_TO_RUN" -timeout=10 -rss_limit_mb=4096 \
  -max_len=65536 -print_final_stats=1 -artifact_prefix=build-fuzz/findings/ "$@" "$CORPUS"
