#!/usr/bin/env bash
# Set up, build, run the shipped smoke scenario into out/smoke.h5 and write a report in out/report/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
mkdir -p out
./build/dcsim run scenarios/smoke.yaml -o out/smoke.h5
/usr/bin/python3 analysis/report.py out/smoke.h5 --out out/report
