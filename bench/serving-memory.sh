#!/usr/bin/env bash
# Memory benchmark (issue 16): bench/serving.yaml over a long horizon, with its peak RSS and wall time.
# At 11,262 requests per simulated second, 25 h is ~1.01e9 requests (the issue's 10^9-request run,
# goal: peak RSS under 2 GiB and flat in the horizon) and 2.5 h ~1.0e8. The run is also made over
# HORIZON/10 so that the two peaks can be compared (flat: ratio ~1). Not a test: hours of wall time
# for the full case on one core; run it on an idle machine.
#   bench/serving-memory.sh                       build (Release, build-rel), HORIZON=25h
#   SKIP_BUILD=1 HORIZON=2.5h bench/serving-memory.sh   the 10^8 version
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build-rel}
HORIZON=${HORIZON:-25h}
if [[ -z "${SKIP_BUILD:-}" ]]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DDCSIM_TESTS=OFF >/dev/null
  cmake --build "$BUILD" -j2 --target dcsim >/dev/null
fi
DCSIM="$BUILD/dcsim"
OUT=/tmp/bench-memory-$$.h5
trap 'rm -f "$OUT"' EXIT
horizon_s=$(/usr/bin/python3 -c "
import re, sys
m = re.fullmatch(r'([0-9.]+)\s*(s|min|h)', sys.argv[1].strip())
if not m: sys.exit('HORIZON: expected e.g. 25h, 90min or 3600s, got ' + sys.argv[1])
print(float(m.group(1)) * {'s': 1, 'min': 60, 'h': 3600}[m.group(2)])" "$HORIZON")

run() {  # run HORIZON_SECONDS: prints "requests wall_s peak_rss_kib"
  local log; log=$(mktemp)
  local step; step=$(awk -v h="$1" 'BEGIN {print (h < 60 ? h : 60)}')
  /usr/bin/time -v "$DCSIM" run bench/serving.yaml -o "$OUT" -q --set "horizon=$1 s" --set "record.step=$step s" \
    >/dev/null 2>"$log" ||
    { cat "$log" >&2; exit 1; }
  local wall rss n
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {k=split($2,a,":"); s=0; for(i=1;i<=k;i++) s=s*60+a[i]; print s}' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  rm -f "$log"
  n=$("$DCSIM" inspect --summary "$OUT" | awk '$1=="requests_arrived" {print $2}')
  echo "$n $wall $rss"
}

echo "bench/serving-memory.sh: $("$DCSIM" --version), horizon $HORIZON ($horizon_s s) and a tenth of it; load: $(uptime | sed 's/.*load average: //')"
read -r n1 w1 r1 < <(run "$(awk -v h="$horizon_s" 'BEGIN {print h / 10}')")
printf 'H/10  requests %12s  wall %9.1f s  %9.0f req/s  peak RSS %9s KiB\n' "$n1" "$w1" "$(awk -v n="$n1" -v w="$w1" 'BEGIN {print n / w}')" "$r1"
read -r n2 w2 r2 < <(run "$horizon_s")
printf 'H     requests %12s  wall %9.1f s  %9.0f req/s  peak RSS %9s KiB\n' "$n2" "$w2" "$(awk -v n="$n2" -v w="$w2" 'BEGIN {print n / w}')" "$r2"
awk -v a="$r1" -v b="$r2" 'BEGIN {
  printf "peak RSS H / (H/10): %.2f %s; goal peak RSS < 2 GiB: %s\n", b / a, (b / a < 1.2 ? "(flat)" : "(GROWS with the horizon)"),
         (b < 2 * 1024 * 1024 ? "PASS" : "FAIL") }'
