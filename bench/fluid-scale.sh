#!/usr/bin/env bash
# Scale benchmark of the fluid fidelity (issue 17, docs/benchmarks.md): bench/fluid-scale.yaml,
# 99,984 H100s on 3 sites (an LLM and an image pool each, fluid at 1 s steps), one simulated week;
# prints the wall time, the time per pool-step and the peak RSS, then the same over 4 weeks (memory
# must stay flat in the horizon). Goal (issue 17): a week in under 30 s on one core.
#   bench/fluid-scale.sh            uses build/dcsim
#   DCSIM=build-rel/dcsim bench/fluid-scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DCSIM=${DCSIM:-build/dcsim}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
for weeks in 1 4; do
  log="$OUT/time-$weeks.txt"
  /usr/bin/time -v "$DCSIM" run bench/fluid-scale.yaml -o "$OUT/run.h5" --set "horizon=$((7 * weeks))d" \
    >"$OUT/run-$weeks.txt" 2>"$log"
  wall=$(grep -o 'in [0-9.]* s wall' "$OUT/run-$weeks.txt" | awk '{print $2}')
  events=$(grep -o '[0-9]* events' "$OUT/run-$weeks.txt" | awk '{print $1}')
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  awk -v w="$weeks" -v t="$wall" -v e="$events" -v r="$rss" 'BEGIN {
    steps = 6 * w * 7 * 86400;
    printf "%d week(s): %.2f s run wall, %d events, %.2f us per pool-step (6 pools x %d steps), peak RSS %.0f MB\n",
           w, t, e, 1e6 * t / steps, steps / 6, r / 1024 }'
done
