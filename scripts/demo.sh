#!/usr/bin/env bash
# The first run: set up, build, run the flagship study (scenarios/ghibli-wave.yaml: the GPT-4o
# image wave of March 2025 on three sites, 12 simulated days, ~20 s of CPU) into
# out/ghibli-wave.h5 and write its HTML report to out/ghibli-wave-report/ (index.html, report.md,
# the figures beside them). docs/studies/ghibli-wave.md is the same study with its sources.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
mkdir -p out
./build/dcsim run scenarios/ghibli-wave.yaml -o out/ghibli-wave.h5
PYTHONPATH=analysis /usr/bin/python3 -m dcsim_analysis report out/ghibli-wave.h5 -o out/ghibli-wave-report
echo "demo: open out/ghibli-wave-report/index.html (first: Key facts, then the Demand figure)"
