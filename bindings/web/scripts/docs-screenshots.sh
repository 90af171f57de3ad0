#!/usr/bin/env bash
# Remakes the viewer's pictures in docs/images (docs/viewer.md, README): a reference run of the
# adult at rest, and the shipped aortic stenosis plan in the clinician and the patient view.
#   bindings/web/scripts/docs-screenshots.sh PHYSIOTWIN_CLI
set -euo pipefail
cli=$(realpath "$1")
web=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$web/../.." && pwd)
work=$(mktemp -d)
trap 'kill -INT $(jobs -p) 2> /dev/null || true; wait; rm -rf "$work"' EXIT
(cd "$web" && node scripts/build.mjs > /dev/null)
"$cli" run --duration 30 --out "$work/reference_adult.h5" > /dev/null
"$cli" plan "$repo/models/plans/aortic_stenosis_tavr.json" --out "$work/aortic_stenosis_tavr.h5" --no-figure > /dev/null
serve() {
  "$cli" view "$1" --viewer "$web/dist" > "$work/$2.log" &
  for _ in $(seq 100); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*/[^ ]*' "$work/$2.log" || true)
    [ -n "$url" ] && return 0
    sleep 0.1
  done
  exit 1
}
serve "$work/reference_adult.h5" twin
twin=$url
serve "$work/aortic_stenosis_tavr.h5" plan
plan=$url
node "$web/scripts/screenshots.mjs" \
  "$twin" 20.3 "$repo/docs/images/viewer_twin.png" \
  "$plan" end-20 "$repo/docs/images/viewer_plan.png" \
  "$plan&mode=patient" end-3 "$repo/docs/images/viewer_patient.png"
