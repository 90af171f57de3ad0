#!/usr/bin/env bash
# The viewer in headless Chromium (browser_test.mjs) against `physiotwin view` serving a
# reference run and a plan, and files it cannot show (docs/viewer.md, "Tests").
#   test_viewer.sh PHYSIOTWIN_CLI MODELS_DIR [SCREENSHOT_DIR]
# Needs bindings/web's packages (npm ci: scripts/setup.sh) and Debian's chromium; builds dist/.
set -euo pipefail
cli=$1 models=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
screenshots=${3:-$work/screenshots}
servers=()
cleanup() {
  for pid in "${servers[@]}"; do kill -INT "$pid" 2> /dev/null || true; done
  wait 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for need in "$here/node_modules/three/package.json" "$here/node_modules/puppeteer-core/package.json" /usr/bin/chromium; do
  if [ ! -e "$need" ]; then
    echo "FAIL: $need is missing (scripts/setup.sh installs chromium and builds bindings/web)"
    exit 1
  fi
done

# The page as the sources are now (dist/ is what `physiotwin view` serves).
(cd "$here" && node scripts/build.mjs > /dev/null)

# A reference run (the adult at rest), and a plan: severe aortic stenosis, no intervention or TAVR.
"$cli" run --duration 8 --out "$work/reference_adult.h5" > /dev/null
cat > "$work/aortic_stenosis.json" <<JSON
{"format": "physiotwin-plan", "version": 1, "model": "$models/circulation/adult.json",
 "description": "Severe aortic stenosis (0.7 cm2): no intervention or TAVR (1.8 cm2)",
 "set": {"aortic_valve.max_area": 0.7}, "baseline": {"duration": 8},
 "branches": [
  {"name": "no_intervention", "duration": 12},
  {"name": "tavr", "description": "TAVR, effective orifice area 1.8 cm2", "duration": 12,
   "interventions": [{"time": 8, "action": "aortic_valve_replacement", "approach": "transcatheter",
                      "effective_orifice_area": 1.8}]}],
 "outcomes": [{"metric": "aortic_valve_mean_gradient", "window": [14, 20]}]}
JSON
"$cli" plan "$work/aortic_stenosis.json" --out "$work/aortic_stenosis.h5" --no-figure > /dev/null
mkdir "$work/bad"
printf 'not an HDF5 file\n' > "$work/bad/not_hdf5.h5"
/usr/bin/python3 - "$work/bad" "$work/reference_adult.h5" <<'PY'
import shutil, sys
import h5py
bad, twin = sys.argv[1:]
with h5py.File(f"{bad}/foreign.h5", "w") as f:
    f.attrs["format"] = "someone-else"
    f["x"] = [1.0, 2.0]
shutil.copy(twin, f"{bad}/version2.h5")
with h5py.File(f"{bad}/version2.h5", "r+") as f:
    f.attrs["format_version"] = 2
with h5py.File(f"{bad}/cohort.h5", "w") as f:
    f.attrs["format"] = "physiotwin-cohort"
    f.attrs["format_version"] = 1
# The signature badge: a signed copy opened from disk (not checked there), and a tampered one
# served by `physiotwin view` (one heart rate changed).
shutil.copy(twin, f"{bad}/signed_from_disk.h5")
shutil.copy(twin, f"{bad}/../tampered_adult.h5")
with h5py.File(f"{bad}/../tampered_adult.h5", "r+") as f:
    f["beats/heart_rate"][0] += 1.0
PY

# serve FILE: starts `physiotwin view` and sets $url to the address it prints.
serve() {
  local log=$work/view-$#-$RANDOM.log
  "$cli" view "$1" --viewer "$here/dist" > "$log" 2>&1 &
  servers+=($!)
  for _ in $(seq 100); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*/[^ ]*' "$log" || true)
    [ -n "$url" ] && return 0
    sleep 0.1
  done
  echo "FAIL: physiotwin view printed no address: $(cat "$log")"
  exit 1
}
serve "$work/reference_adult.h5"
twin_url=$url
serve "$work/aortic_stenosis.h5"
plan_url=$url
serve "$work/tampered_adult.h5"
tampered_url=$url
node "$here/test/browser_test.mjs" "$twin_url" "$plan_url" "$work/bad" "$screenshots" "$tampered_url"
