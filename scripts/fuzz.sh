#!/usr/bin/env bash
# Runs the fuzz targets for a while each (default 60 s), under ASan + UBSan (the fuzz
# preset): the health-record reader seeded with the test records, and the C interface driven
# by random call sequences. A finding stops it with a non-zero status and leaves the input in
# build/fuzz/ as crash-*.
#   scripts/fuzz.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
cmake --preset fuzz > /dev/null
cmake --build build/fuzz --target fuzz_health_record fuzz_c_api
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
mkdir "$corpus/records" "$corpus/calls"
cp tests/data/fhir/*.json tests/data/streams/*.ndjson tests/data/streams/*.csv "$corpus/records/"
./build/fuzz/fuzz_health_record -max_total_time="$seconds" -max_len=400000 -timeout=10 \
  -print_final_stats=1 -artifact_prefix=build/fuzz/ "$corpus/records"
./build/fuzz/fuzz_c_api -max_total_time="$seconds" -max_len=512 -timeout=20 \
  -print_final_stats=1 -artifact_prefix=build/fuzz/ "$corpus/calls"
