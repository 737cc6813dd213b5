#!/usr/bin/env bash
# Configure the sanitized build that scripts/test-sanitizers.sh tests and scripts/fuzz-loader.sh
# --libfuzzer fuzzes (one build serves both; docs/reliability.md, "Sanitizers"): clang-14,
# AddressSanitizer + UndefinedBehaviorSanitizer (undefined behaviour stops the process), libFuzzer's
# coverage instrumentation (`fuzzer-no-link`: free in effect for the tests, whose binaries get the
# sanitizer runtime's empty coverage callbacks), `-O1 -gline-tables-only` (about half the compile
# time of the -O2 -g build; reports keep file:line), the tests and the fuzz targets, no benchmarks.
# Installs clang-14 and libclang-rt-14-dev (clang's runtimes, libFuzzer among them) when missing.
#
# Usage: scripts/configure-sanitized.sh [build-dir (default: build-asan)]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${1:-build-asan}"
DCSIM_CLANG=1 scripts/setup.sh --deps-only
# A build dir configured with another compiler (an older build-asan made with g++) is started over:
# CMake cannot change the compiler of an existing cache.
if [ -f "$BUILD_DIR/CMakeCache.txt" ] && ! grep -q "^CMAKE_CXX_COMPILER:[A-Z]*=.*clang++-14$" "$BUILD_DIR/CMakeCache.txt"; then
  rm -rf "$BUILD_DIR"
fi
# -Wno-unknown-warning-option: DCSIM_WARNINGS holds a GCC-only option (-Wno-dangling-pointer).
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=None \
      -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only -Wno-unknown-warning-option" \
      -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
      -DDCSIM_SANITIZE=ON -DDCSIM_FUZZ=ON -DDCSIM_TESTS=ON -DDCSIM_BENCH=OFF \
      -DDCSIM_WERROR="${DCSIM_WERROR:-OFF}" >/dev/null
