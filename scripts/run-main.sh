#!/usr/bin/env bash
# The main job for a new user: install dependencies, build (release), and simulate the
# default twin (reference adult male) for 60 s, writing twin.h5 and printing a summary.
# Configures the same preset as scripts/test.sh, with the same options (CMakePresets.json
# sets every one), and builds only the command-line tool: the two scripts run in either order
# on one checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cmake --preset release > /dev/null
cmake --build build/release --target physiotwin_cli
./build/release/physiotwin run --duration 60 --out twin.h5 "$@"
