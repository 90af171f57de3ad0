#!/usr/bin/env bash
# The one list of system packages physiotwin needs (Debian 12). Safe to run twice:
# it installs only what is missing, and runs apt-get update only when it has to install.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libeigen3-dev libsundials-dev libhdf5-dev hdf5-tools
  libfmt-dev nlohmann-json3-dev libcli11-dev libsodium-dev libboost-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  pybind11-dev python3-dev python3-numpy python3-h5py python3-pytest python3-venv
  python3-matplotlib python3-pandas python3-setuptools python3-pip python3-wheel python3-tqdm
  python3-distributed libopenmpi-dev openmpi-bin
  clang clang-format libclang-rt-14-dev
  mono-mcs mono-runtime
  libcairo2-dev libcpp-httplib-dev
  chromium
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
else
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The JavaScript packages, from npm, the versions in each lockfile: tests/js (h5wasm and jsfive,
# the file tests) and bindings/web (the browser viewer: three.js, h5wasm; puppeteer-core drives
# Debian's chromium in its tests), whose page is then built into bindings/web/dist (docs/viewer.md).
# Node 20 and npm come with the machine (Debian's npm is not needed).
repo="$(cd "$(dirname "$0")/.." && pwd)"
if ! command -v npm > /dev/null; then
  echo "setup: npm not found: install Node 20 (with npm) for tests/js and bindings/web" >&2
  exit 1
fi
for folder in tests/js bindings/web; do
  dir="$repo/$folder"
  if [ ! -f "$dir/node_modules/.package-lock.json" ] ||
     [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "setup: npm ci in $folder"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
(cd "$repo/bindings/web" && node scripts/build.mjs)
