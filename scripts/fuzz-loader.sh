#!/usr/bin/env bash
# libFuzzer on the scenario loader (docs/reliability.md). Builds build-fuzz with clang-14 (ASan +
# UBSan + coverage), seeds a corpus with the shipped scenarios and the crash corpus, and fuzzes.
# Usage: scripts/fuzz-loader.sh [seconds (default 600)] [extra libFuzzer flags...]
# A finding is written as crash-*/leak-*/timeout-* in the current directory: add it (with a
# "# crash:" line saying what it did) to tests/fuzz/crashes/, where the normal suite replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN="${1:-600}"
shift || true
for p in clang-14 libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || MISSING="${MISSING:-} $p"
done
if [ -n "${MISSING:-}" ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $MISSING >/dev/null
fi
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang-14 \
      -DCMAKE_CXX_COMPILER=clang++-14 -DDCSIM_FUZZ=ON -DDCSIM_TESTS=OFF -DDCSIM_BENCH=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_loader
CORPUS=build-fuzz/corpus
mkdir -p "$CORPUS"
cp scenarios/*.yaml tests/fuzz/crashes/* "$CORPUS"/
# The SimGrid engine is never created by the loader: no context-stack warnings here.
ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}" \
  build-fuzz/tests/fuzz/fuzz_loader -max_total_time="$SECONDS_TO_RUN" -timeout=10 -rss_limit_mb=4096 \
  -max_len=65536 -print_final_stats=1 "$@" "$CORPUS"
