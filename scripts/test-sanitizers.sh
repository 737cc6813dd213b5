#!/usr/bin/env bash
# Build with AddressSanitizer + UndefinedBehaviorSanitizer (clang-14, -O1; the build of
# scripts/configure-sanitized.sh, which scripts/fuzz-loader.sh --libfuzzer shares) and pass the
# tests under it: the README's second test command, which .ci/run runs with --ci after
# scripts/test.sh (docs/reliability.md says why each option is set, what it costs and what --ci
# leaves out).
#
# Usage: scripts/test-sanitizers.sh [--ci] [build-dir (default: build-asan)]
#   (no option)  the whole suite: every ctest entry, as scripts/test.sh runs it.
#   --ci         the subset .ci/run runs after scripts/test.sh: every C++ unit test (ctest unit/*),
#                the batch fuzzer's fixed-seed run (fuzz/batch_mutations) and the Python tests that
#                load scenarios and run them through the sanitized dcsim (test_reliability.py,
#                test_cli.py, test_scenarios.py).
# Prints the time of each phase. Exit 1 if a test fails or a sanitizer log holds a report.
set -euo pipefail
exec </dev/null   # nothing here reads a terminal (CI has none; a test must not wait on one)
cd "$(dirname "$0")/.."
SUBSET=full
if [ "${1:-}" = "--ci" ]; then SUBSET=ci; shift; fi
BUILD_DIR="${1:-build-asan}"
JOBS="$(nproc)"
start=$SECONDS
scripts/configure-sanitized.sh "$BUILD_DIR"
cmake --build "$BUILD_DIR" -j"$JOBS"
echo "test-sanitizers: build took $((SECONDS - start)) s" >&2
LOGS="$PWD/$BUILD_DIR/sanitizer-logs"
rm -rf "$LOGS" && mkdir -p "$LOGS"
# - log_path: ASan and UBSan write to files, not to stderr (SimGrid's context switches make ASan
#   warn about stacks it does not know; tests that read stderr must not see that).
# - detect_stack_use_after_return=0: fake stacks do not mix with SimGrid's own actor stacks.
# - detect_leaks=0: SimGrid and HDF5 keep their globals until exit.
export ASAN_OPTIONS="log_path=$LOGS/asan:detect_stack_use_after_return=0:detect_leaks=0:abort_on_error=0:exitcode=99"
export UBSAN_OPTIONS="log_path=$LOGS/ubsan:print_stacktrace=1:halt_on_error=1:exitcode=98"
status=0
start=$SECONDS
if [ "$SUBSET" = full ]; then
  (cd "$BUILD_DIR" && ctest --output-on-failure -j"$JOBS" --timeout 1800) || status=$?
else
  (cd "$BUILD_DIR" && ctest --output-on-failure -j"$JOBS" --timeout 1800 -R '^(unit/|fuzz/batch_mutations$)') || status=$?
  DCSIM_BIN="$PWD/$BUILD_DIR/dcsim" PYTHONPATH="$PWD/analysis" PYTHONDONTWRITEBYTECODE=1 \
    /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/python/test_reliability.py \
    tests/python/test_cli.py tests/python/test_scenarios.py || status=$?
fi
echo "test-sanitizers: the $SUBSET suite took $((SECONDS - start)) s" >&2
# A report in the logs is a failure even if the test that caused it did not notice. ASan's
# warnings about SimGrid's stack switches ("WARNING: ASan ...") are not reports: they stay in the logs.
if grep -l -E "ERROR: AddressSanitizer|runtime error:" "$LOGS"/* >/dev/null 2>&1; then
  echo "sanitizer reports:" >&2
  grep -h -A30 -E "ERROR: AddressSanitizer|runtime error:" "$LOGS"/* | head -200 >&2
  status=1
fi
exit $status
