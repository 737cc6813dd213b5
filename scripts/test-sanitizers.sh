#!/usr/bin/env bash
# Build with AddressSanitizer + UndefinedBehaviorSanitizer (-O2 -g, the project's RelWithDebInfo
# flags) and pass every test: the second test command of the README, separate from CI's .ci/run
# until its time on CI's 2 cores is measured (docs/reliability.md says why each option is set).
# Usage: scripts/test-sanitizers.sh [build-dir (default: build-asan)]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${1:-build-asan}"
scripts/setup.sh --deps-only
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DDCSIM_SANITIZE=ON -DDCSIM_BENCH=OFF -DDCSIM_WERROR="${DCSIM_WERROR:-OFF}" >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
LOGS="$PWD/$BUILD_DIR/sanitizer-logs"
rm -rf "$LOGS" && mkdir -p "$LOGS"
# - log_path: ASan and UBSan write to files, not to stderr (SimGrid's context switches make ASan
#   warn about stacks it does not know; tests that read stderr must not see that).
# - detect_stack_use_after_return=0: fake stacks do not mix with SimGrid's own actor stacks.
# - detect_leaks=0: SimGrid and HDF5 keep their globals until exit.
export ASAN_OPTIONS="log_path=$LOGS/asan:detect_stack_use_after_return=0:detect_leaks=0:abort_on_error=0:exitcode=99"
export UBSAN_OPTIONS="log_path=$LOGS/ubsan:print_stacktrace=1:halt_on_error=1:exitcode=98"
cd "$BUILD_DIR"
status=0
ctest --output-on-failure -j"$(nproc)" --timeout 1800 || status=$?
# A report in the logs is a failure even if the test that caused it did not notice.
if grep -l -E "ERROR: AddressSanitizer|runtime error:" "$LOGS"/* >/dev/null 2>&1; then
  echo "sanitizer reports:" >&2
  grep -h -A30 -E "ERROR: AddressSanitizer|runtime error:" "$LOGS"/* | head -200 >&2
  status=1
fi
exit $status
