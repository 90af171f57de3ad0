#!/usr/bin/env bash
# `physiotwin monitor` as a gateway's operator meets it (docs/monitoring.md): alerts as FHIR
# DetectedIssue JSON lines on standard output, read from a file and from standard input as
# lines arrive; warnings per bad line on standard error (its number, nothing quoted); a stream
# that cannot be opened is one line and exit 2; --out never replaces an input or a non-file.
set -u
cli="$1"
data="$2"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
passes=0
pass() { passes=$((passes + 1)); }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
fast=(--members 3 --settle 10 --forecast-interval 0)

# A stream whose heart rate rises to 120 /min from minute 5: the band alert must come, once.
/usr/bin/python3 - "$work/tachy.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("# heart rate from a wearable, then a bad line, an unknown measure and a cuff reading\n")
    f.write("time,measure,value,unit\n")
    for minute in range(1, 13):
        hr = 72 if minute < 5 else 120
        f.write(f"2026-01-01T00:{minute:02d}:00Z,heart_rate,{hr},/min\n")
    f.write("2026-01-01T00:12:30Z,heart_rate,not-a-number,/min\n")
    f.write("2026-01-01T00:12:40Z,glucose,5.5,mmol/L\n")
    f.write("2026-01-01T00:12:50Z,systolic_pressure,118,mm[Hg]\n")
PY
"$cli" monitor --twin "$data/../../models/patients/adult_male.json" --observations "$work/tachy.csv" \
  "${fast[@]}" --out "$work/tachy.h5" > "$work/tachy.out" 2> "$work/tachy.err"
status=$?
[ $status -eq 0 ] && pass || { fail "monitor on a file exited $status"; cat "$work/tachy.err"; }
"$cli" verify "$work/tachy.h5" > "$work/tachy.verify" && pass || { fail "the monitor's file is signed and verifies"; cat "$work/tachy.verify"; }
# (The ensemble may also explain the tachycardia, e.g. by a fall in resistance: other alerts
# may follow; the band alert comes once.)
[ "$(grep -c '"code":"vital-sign-above-band"' "$work/tachy.out")" -eq 1 ] && pass || { fail "one heart-rate band alert expected"; cat "$work/tachy.out"; }
grep -q "line 15: " "$work/tachy.err" && grep -q "line 16: " "$work/tachy.err" && ! grep -q "not-a-number\|glucose" "$work/tachy.err" && pass || { fail "warnings must name lines 15 and 16 and quote nothing"; cat "$work/tachy.err"; }
/usr/bin/python3 - "$work/tachy.out" "$work/tachy.h5" <<'PY' && pass || fail "the alert's JSON or the file"
import json, re, sys, h5py
alerts = [json.loads(line) for line in open(sys.argv[1])]
assert all(a["resourceType"] == "DetectedIssue" for a in alerts)
a = next(a for a in alerts if a["code"]["coding"][0]["code"] == "vital-sign-above-band")
assert a["code"]["text"] == "heart_rate", a
assert a["resourceType"] == "DetectedIssue" and a["status"] == "preliminary", a
# HIPAA Safe Harbor: the year only; the time as time since monitoring began.
assert a["identifiedDateTime"] == "2026", a["identifiedDateTime"]
assert not re.search(r"\d{4}-\d{2}-\d{2}", json.dumps(a)), "a date finer than the year"
elapsed = a["extension"][0]["valueQuantity"]["value"]
assert 240 <= elapsed <= 720, elapsed  # raised once the median of 10 minutes passed 97.6 /min
with h5py.File(sys.argv[2], "r") as f:
    assert f.attrs["format"] == "physiotwin-monitor"
    assert [json.loads(r) for r in f["alerts/fhir"].asstr()[:]] == alerts
    assert "vital-sign-above-band" in list(f["alerts/code"].asstr()[:])
    assert len(f["estimates/time"]) == len(f["estimates/blood_volume/mean"]) >= 12
    assert abs(f["bands/resting"][0] - 72.6) < 3
    # The readings each band's median needs with the default devices' errors (alert_rules.hpp).
    assert list(f["bands/readings_needed"][:]) == [3, 5, 5, 3, 6], f["bands/readings_needed"][:]
    # 12 minutes: within the trend test's 4-hour baseline, so no patterns yet.
    assert list(f["trend/measure"].asstr()[:])[0] == "heart_rate"
    assert len(f["trend/time"]) == len(f["estimates/time"])
    assert "blood_loss" not in f["trend"] and f["trend"].attrs["threshold"] == 8
    # The devices' error SDs the monitor assumed: the defaults (a wrist and a cuff).
    assert [f["observations"][m].attrs["error_sd"] for m in
            ("heart_rate", "spo2", "respiratory_rate", "systolic_pressure",
             "diastolic_pressure")] == [5, 2, 3, 8, 8]
PY

# The trend test with a 4-minute baseline (heart rate 72) and h 2: the tachycardia after it
# lies along the bleeding pattern (each reading counting as 3 error SDs at most); its
# 15-minute block is still under way when the stream ends, and counts then: the trend alert
# comes, and the file holds the test's sums.
"$cli" monitor --twin "$data/../../models/patients/adult_male.json" --observations "$work/tachy.csv" \
  "${fast[@]}" --trend-baseline 4 --trend-threshold 2 --out "$work/trend.h5" > "$work/trend.out" 2> /dev/null
[ $? -eq 0 ] && pass || fail "monitor with --trend-baseline 4"
/usr/bin/python3 - "$work/trend.out" "$work/trend.h5" <<'PY' && pass || fail "the trend alert and /trend"
import json, sys, h5py
alerts = [json.loads(line) for line in open(sys.argv[1])]
trend = [a for a in alerts if a["code"]["coding"][0]["code"] == "trend-deterioration"]
assert len(trend) == 1, alerts
assert trend[0]["code"]["coding"][0]["display"] == "trend", trend[0]
with h5py.File(sys.argv[2], "r") as f:
    t = f["trend"]
    assert abs(t["baseline"][0] - 72) < 1, t["baseline"][0]
    assert t["blood_loss/change"][0] > 0  # heart rate rises as the twin bleeds
    assert max(t["blood_loss/statistic"][:]) >= 2
    assert len(t["variability"]) == 5 and t.attrs["block"] == 900
PY

# A chest patch's heart rate (--observation-sd heart_rate=2): the file records it, and the
# trend test weighs the heart rate by it. Every tested heart rate (120 against a baseline of
# 72) counts as 3 error SDs, so each adds mu (3 sd - mu / 2) / var to the one block's sum
# (mu: 0.8 of the pattern's change; var: sd^2 plus the rounding's 1/12): the patch's sum over
# the wrist's is that ratio for sd 2 against 5 (2.39; the systolic reading adds < 0.5 %).
"$cli" monitor --twin "$data/../../models/patients/adult_male.json" --observations "$work/tachy.csv" \
  "${fast[@]}" --trend-baseline 4 --trend-threshold 2 --observation-sd heart_rate=2 \
  --out "$work/patch.h5" > /dev/null 2> /dev/null
[ $? -eq 0 ] && pass || fail "monitor with --observation-sd heart_rate=2"
/usr/bin/python3 - "$work/trend.h5" "$work/patch.h5" <<'PY' && pass || fail "--observation-sd in the file and the test"
import sys, h5py
with h5py.File(sys.argv[1], "r") as wrist, h5py.File(sys.argv[2], "r") as patch:
    assert patch["observations/heart_rate"].attrs["error_sd"] == 2
    assert patch["observations/systolic_pressure"].attrs["error_sd"] == 8
    mu = wrist["trend"].attrs["shift"] * wrist["trend/blood_loss/change"][0]
    def per_reading(sd):
        return mu * (3 * sd - mu / 2) / (sd * sd + 1 / 12)
    expected = per_reading(2) / per_reading(5)
    a, b = wrist["trend/blood_loss/statistic"][-1], patch["trend/blood_loss/statistic"][-1]
    assert a > 0 and abs(b / a - expected) < 0.02 * expected, (a, b, expected)
PY

# Standard input, as a gateway's pipe: the same alert.
"$cli" monitor --twin "$data/../../models/patients/adult_male.json" --observations - "${fast[@]}" \
  < "$work/tachy.csv" > "$work/stdin.out" 2> /dev/null
[ $? -eq 0 ] && grep -q '"code":"vital-sign-above-band"' "$work/stdin.out" && pass || fail "monitor on standard input"

# NDJSON: the example stream is read (its times are in the past of any run of this test).
"$cli" monitor --twin "$data/../../models/patients/adult_male.json" --observations "$data/streams/wearable.ndjson" \
  "${fast[@]}" > /dev/null 2> "$work/ndjson.err"
[ $? -eq 0 ] && ! grep -q "line " "$work/ndjson.err" && pass || { fail "the example NDJSON stream"; cat "$work/ndjson.err"; }

# Bad input: exit 2, one line naming what and where, nothing written.
expect_exit_2() {  # NAME TEXT ARGS...
  local name="$1" text="$2"; shift 2
  "$cli" monitor "$@" > "$work/$name.out" 2> "$work/$name.err"
  local status=$?
  [ $status -eq 2 ] && grep -qF -- "$text" "$work/$name.err" && pass || { fail "$name: exit $status"; cat "$work/$name.err"; }
}
expect_exit_2 no_stream "--observations $work/none.csv: cannot be opened" --twin "$data/../../models/patients/adult_male.json" --observations "$work/none.csv"
expect_exit_2 stream_folder "cannot be opened" --twin "$data/../../models/patients/adult_male.json" --observations "$work"
expect_exit_2 no_twin "monitor needs --twin" --observations "$work/tachy.csv"
expect_exit_2 trend_threshold "--trend-threshold -1: allowed range [0, 50]" --twin "$data/../../models/patients/adult_male.json" --observations "$work/tachy.csv" --trend-threshold -1
expect_exit_2 members "--members 1: allowed range [2, 256]" --twin "$data/../../models/patients/adult_male.json" --observations "$work/tachy.csv" --members 1
expect_exit_2 sd_range "--observation-sd heart_rate=0: observation SD of heart_rate 0: allowed range [0.1, 50] 1/min" --twin "$data/../../models/patients/adult_male.json" --observations "$work/tachy.csv" --observation-sd heart_rate=0
expect_exit_2 sd_measure "--observation-sd glucose=1: observation SD of \"glucose\": not a measure the monitor takes (heart_rate, spo2, respiratory_rate, systolic_pressure, diastolic_pressure)" --twin "$data/../../models/patients/adult_male.json" --observations "$work/tachy.csv" --observation-sd glucose=1
expect_exit_2 sd_form "--observation-sd heart_rate: expected MEASURE=SD" --twin "$data/../../models/patients/adult_male.json" --observations "$work/tachy.csv" --observation-sd heart_rate
expect_exit_2 sd_number "--observation-sd heart_rate=two: \"two\" is not a decimal number" --twin "$data/../../models/patients/adult_male.json" --observations "$work/tachy.csv" --observation-sd heart_rate=two
cp "$work/tachy.csv" "$work/keep.csv"
expect_exit_2 out_is_input "keep.csv" --twin "$data/../../models/patients/adult_male.json" --observations "$work/keep.csv" --out "$work/keep.csv" "${fast[@]}"
cmp -s "$work/tachy.csv" "$work/keep.csv" && pass || fail "the stream was changed"
mkfifo "$work/fifo"
expect_exit_2 out_is_fifo "fifo" --twin "$data/../../models/patients/adult_male.json" --observations "$work/tachy.csv" --out "$work/fifo" "${fast[@]}"
[ -p "$work/fifo" ] && pass || fail "the fifo was replaced"
printf 'time,measure,value\n' > "$work/empty.csv"
expect_exit_2 no_observations "no usable observation in 1 lines" --twin "$data/../../models/patients/adult_male.json" --observations "$work/empty.csv" "${fast[@]}"

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
