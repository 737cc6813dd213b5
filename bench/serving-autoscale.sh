#!/usr/bin/env bash
# Autoscaling benchmark (issue 9): bench/serving.yaml with and without a capacity controller on
# its chat-8b pool (capacity changed every 3 minutes, an autoscaler evaluating every 15 s, 30 s
# provisioning, the weights loaded again over the model store),
# simulated requests per wall-clock second of each, RUNS times (default 3), with the spread.
# Goal: the autoscaled run within 10 % of the fixed-size run. See docs/benchmarks.md.
#   bench/serving-autoscale.sh                  build (Release, build-rel) and run
#   SKIP_BUILD=1 RUNS=5 bench/serving-autoscale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build-rel}
RUNS=${RUNS:-3}
UNTIL=${UNTIL:-20min}
if [[ -z "${SKIP_BUILD:-}" ]]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DDCSIM_TESTS=OFF >/dev/null
  cmake --build "$BUILD" -j2 --target dcsim >/dev/null
fi
DCSIM="$BUILD/dcsim"
SCEN=bench/serving.yaml
OUT=/tmp/bench-autoscale-$$.h5
# Both runs give chat-8b 100 servers (800 replicas, ~68 % load, so that the autoscaled pool has
# room) and set the server links to the store's 2 TB/s: with the default 50 GB/s links SimGrid
# lets a weight load with a nonzero route latency run faster than its server link (reported in
# docs/benchmarks.md), which the engine's lookahead bounds then reject on a mid-run scale-out.
# The autoscaled run: every 3 min the schedule takes 40 replicas out (they drain) or puts them
# back (30 s provisioning, then the weight load over the store), and a queue_length autoscaler
# evaluates every 15 s within [760, 800].
NET='sites[0].network.server_link=2 TB/s'
SIZE='sites[0].pools[0].servers=100'
SCHED=""
for k in 1 2 3 4 5 6; do
  r=$(( k % 2 == 1 ? 760 : 800 ))
  SCHED="$SCHED{after: $(( 3 * k )) min, replicas: $r}, "
done
AUTOSCALE="sites[0].pools[0].capacity={provisioning_delay: 30 s, schedule: [${SCHED%, }], autoscaler: {model: queue_length, target_per_replica: 60, interval: 15 s, min_replicas: 760, max_replicas: 800, cooldown_out: 60 s, cooldown_in: 120 s}}"

run_once() {  # prints: requests wall_s scale_events
  "$DCSIM" run "$SCEN" -o "$OUT" --until "$UNTIL" "$@" >/dev/null
  /usr/bin/python3 - "$OUT" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
kinds = [k.decode() if isinstance(k, bytes) else k for k in f["/events"]["kind"]]
print(f["/summary"].attrs["requests_arrived"], f.attrs["wall_seconds"],
      sum(k in ("scale_out", "scale_in") for k in kinds))
PY
}

report() {  # LABEL then lines "requests wall events"
  /usr/bin/python3 -c '
import sys, statistics as st
label = sys.argv[1]
rows = [tuple(map(float, l.split())) for l in sys.stdin if l.strip()]
rate = [r / w for r, w, _ in rows]
print(f"{label:10s} requests {rows[0][0]:.0f}  scale events {rows[0][2]:.0f}  "
      f"requests/wall-s: median {st.median(rate):,.0f}  min {min(rate):,.0f}  max {max(rate):,.0f}  "
      f"(runs: {len(rate)}: " + ", ".join(f"{x:,.0f}" for x in rate) + ")")
print(f"RATE {label} {st.median(rate)}")
' "$1"
}

# Alternate the two cases so that the load of a shared machine falls on both alike.
F=$(mktemp); A=$(mktemp)
for _ in $(seq "$RUNS"); do
  run_once --set "$NET" --set "$SIZE" >>"$F"
  run_once --set "$NET" --set "$SIZE" --set "$AUTOSCALE" >>"$A"
done
fixed=$(report fixed <"$F")
auto=$(report autoscaled <"$A")
rm -f "$F" "$A"
echo "$fixed" | grep -v '^RATE'
echo "$auto" | grep -v '^RATE'
f=$(echo "$fixed" | awk '/^RATE/ {print $3}')
a=$(echo "$auto" | awk '/^RATE/ {print $3}')
/usr/bin/python3 -c "import sys; f, a = map(float, sys.argv[1:]); print(f'autoscaled / fixed (medians): {a / f:.3f}')" "$f" "$a"
rm -f "$OUT"
