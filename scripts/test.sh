#!/usr/bin/env bash
# Set up, build with warnings as errors, and run every test (C++ unit tests and Python tests).
set -euo pipefail
cd "$(dirname "$0")/.."
DCSIM_WERROR=ON scripts/setup.sh build
cd build
ctest --output-on-failure -j"$(nproc)" --timeout 900
