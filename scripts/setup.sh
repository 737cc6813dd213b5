#!/usr/bin/env bash
# Install what dcsim needs on Debian 12 (only the packages that are missing) and build it.
# Usage: scripts/setup.sh [build-dir]     (default: build; set DCSIM_WERROR=ON to fail on warnings)
#        scripts/setup.sh --deps-only       (install the packages, build nothing)
#        DCSIM_CLANG=1 scripts/setup.sh ...  (clang-14 and its runtimes as well)
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  cmake g++ make pkg-config
  libsimgrid-dev libboost-graph-dev libhdf5-dev hdf5-tools catch2 libyaml-cpp-dev libcli11-dev
  python3 python3-h5py python3-numpy python3-pandas python3-matplotlib python3-xarray python3-h5netcdf
  python3-yaml python3-pytest chromium
  openmpi-bin libopenmpi-dev
)
# The sanitized build and the libFuzzer target (scripts/configure-sanitized.sh) are made with clang.
if [ "${DCSIM_CLANG:-0}" = 1 ]; then PACKAGES+=(clang-14 libclang-rt-14-dev); fi
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ "${1:-}" = "--deps-only" ] && exit 0   # (scripts/test-sanitizers.sh: packages only)
BUILD_DIR="${1:-build}"
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDCSIM_WERROR="${DCSIM_WERROR:-OFF}" >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
