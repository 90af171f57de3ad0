#!/usr/bin/env bash
# The main job for a new user: install dependencies, build (release), and simulate the
# default twin (reference adult male) for 60 s, writing twin.h5 and printing a summary.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cmake --preset release -DPHYSIOTWIN_BUILD_TESTS=OFF -DPHYSIOTWIN_BUILD_BENCHMARKS=OFF > /dev/null
cmake --build build/release --target physiotwin_cli
./build/release/physiotwin run --duration 60 --out twin.h5 "$@"
