#!/usr/bin/env bash
# physiotwin's files read in Node by h5wasm and jsfive from npm (tests/js/read_files.mjs), as a
# browser front end reads them: a twin's file written whole and live, and a cohort's file.
#   test_js_readers.sh PHYSIOTWIN_CLI MODELS_DIR
# The packages come from tests/js/package-lock.json (scripts/setup.sh runs npm ci here).
set -euo pipefail
cli=$1 models=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$here/node_modules/h5wasm" ] || [ ! -d "$here/node_modules/jsfive" ]; then
  echo "FAIL: h5wasm and jsfive are not installed in $here (scripts/setup.sh runs npm ci there)"
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/scenario.json" <<'JSON'
{"duration": 4, "actions": [{"time": 1, "action": "hemorrhage", "rate": 50, "volume": 100},
                            {"time": 2, "action": "set", "parameter": "heart.rate", "value": 80}]}
JSON
cat > "$work/cohort.json" <<JSON
{"format": "physiotwin-cohort", "version": 1, "model": "$models/circulation/adult.json",
 "duration": 4, "population": {"size": 2, "seed": 5,
   "age": {"distribution": "uniform", "min": 30, "max": 60},
   "parameters": {"heart.rate": {"distribution": "uniform", "min": 60, "max": 80}}},
 "outputs": {"summaries": [{"metric": "mean_arterial_pressure", "window": [1, 4]}]}}
JSON
"$cli" run --scenario "$work/scenario.json" --out "$work/twin.h5" > /dev/null
"$cli" run --scenario "$work/scenario.json" --live --out "$work/live.h5" > /dev/null
"$cli" cohort "$work/cohort.json" --out "$work/cohort.h5" > /dev/null
node "$here/read_files.mjs" "$here/../../docs/hdf5-format.md" "$work/twin.h5" "$work/live.h5" \
  "$work/cohort.h5" 4
