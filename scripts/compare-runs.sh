#!/usr/bin/env bash
# Runs the reference cases with two builds of the tool and compares their HDF5 files bit for
# bit (scripts/compare_h5.py): the check that a refactoring changes no output (issue 12,
# "Behaviour unchanged"). Same machine only: another processor's libm takes other solver steps.
#   scripts/compare-runs.sh BEFORE/physiotwin AFTER/physiotwin
# Build the "before" tool from a worktree: git worktree add /tmp/before <commit>; then
# cmake --preset release && ninja -C build/release physiotwin_cli there.
set -euo pipefail
cd "$(dirname "$0")/.."
before=$(realpath "$1")
after=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" SOURCE_DATE_EPOCH=1700000000  # one record-code table, one timestamp
mkdir -p "$HOME"
record=$(ls tests/data/fhir/smart_*.json | head -1)
status=0
for tool in before after; do
  bin=${!tool}
  mkdir -p "$work/$tool"
  "$bin" run --duration 60 --out "$work/$tool/adult_male.h5" > /dev/null
  "$bin" run --patient models/patients/adult_female.json --duration 60 \
    --out "$work/$tool/adult_female.h5" > /dev/null
  "$bin" run --model models/circulation/smith2004.json --duration 30 \
    --out "$work/$tool/smith2004.h5" > /dev/null
  for scenario in models/scenarios/*.json; do
    "$bin" run --scenario "$scenario" --out "$work/$tool/$(basename "$scenario" .json).h5" > /dev/null
  done
  "$bin" run --patient "$record" --duration 60 --out "$work/$tool/record_calibrated.h5" > /dev/null
  "$bin" run --patient models/patients/example_measured_male.json --duration 60 \
    --out "$work/$tool/measured_calibrated.h5" > /dev/null
done
for file in "$work"/before/*.h5; do
  name=$(basename "$file")
  if /usr/bin/python3 scripts/compare_h5.py "$file" "$work/after/$name"; then
    echo "identical: $name"
  else
    echo "DIFFERENT: $name"
    status=1
  fi
done
exit $status
