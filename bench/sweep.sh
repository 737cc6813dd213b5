#!/usr/bin/env bash
# Sweep benchmark: runs per minute of `dcsim sweep` on a small scenario (tests/data/sweeps/tiny.yaml
# over 10 simulated seconds, N seeds) with -j 1 and -j 2, forked (the default) and spawned
# (--spawn) children, and the overhead per run: the sweep's wall time minus the runs' own engine
# time (their files' wall_seconds), per run, at -j 1 — process start, scenario load and build, HDF5
# file set-up and close, output collection and index rewrite. CPU seconds per run (user + sys of
# the whole sweep / N) are less sensitive to other load on the machine. Goal: overhead < 50 ms.
#   bench/sweep.sh             (BUILD=build-rel by default; N=60 runs)
#   SKIP_BUILD=1 BUILD=build N=100 bench/sweep.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build-rel}
N=${N:-60}
if [[ -z "${SKIP_BUILD:-}" ]]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DDCSIM_TESTS=OFF >/dev/null
  cmake --build "$BUILD" -j2 --target dcsim >/dev/null
fi
DCSIM=$(realpath "$BUILD/dcsim")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cat > "$WORK/bench.yaml" <<YAML
name: bench-sweep
scenario: $(realpath tests/data/sweeps/tiny.yaml)
set: {horizon: 10 s}
seeds: {count: $N}
outputs:
  - requests_completed
  - {name: p99_max, series: workloads/req/latency_p99_s, stat: max}
YAML

# case LABEL ARGS...: prints runs/min, overhead per run (ms) and CPU per run (ms)
case_() {
  local label=$1; shift
  rm -rf "$WORK/out"
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f "%U %S" -o "$WORK/cpu" "$DCSIM" sweep "$WORK/bench.yaml" -o "$WORK/out" -q "$@" >/dev/null
  t1=$(date +%s.%N)
  /usr/bin/python3 - "$label" "$t0" "$t1" "$N" "$WORK/out/index.csv" "$WORK/cpu" <<'PY'
import sys, pandas as pd
label, t0, t1, n, index, cpu = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
idx = pd.read_csv(index)
assert len(idx) == n and (idx["status"] == "ok").all()
wall = t1 - t0
u, s = map(float, open(cpu).read().split())
print(f"{label:22s} {n / wall * 60:8.0f} runs/min   wall {wall:6.2f} s   engine {idx['wall_s'].sum():6.3f} s   "
      f"overhead {(wall - idx['wall_s'].sum()) / n * 1e3:6.1f} ms/run   CPU {(u + s) / n * 1e3:6.1f} ms/run")
PY
}
echo "dcsim sweep: $N runs of tiny.yaml (10 s simulated), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
case_ "-j 1 (fork)" -j 1
case_ "-j 2 (fork)" -j 2
case_ "-j 1 --spawn" -j 1 --spawn
case_ "-j 2 --spawn" -j 2 --spawn
