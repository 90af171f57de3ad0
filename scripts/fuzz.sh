#!/usr/bin/env bash
# Runs the health-record fuzz target for a while (default 60 s), seeded with the test
# records. A finding stops it with a non-zero status and leaves the input as crash-*.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
cmake --preset fuzz > /dev/null
cmake --build build/fuzz --target fuzz_health_record
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
cp tests/data/fhir/*.json "$corpus/"
./build/fuzz/fuzz_health_record -max_total_time="$seconds" -max_len=400000 -timeout=10 \
  -print_final_stats=1 -artifact_prefix=build/fuzz/ "$corpus"
