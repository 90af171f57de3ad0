#!/usr/bin/python3
"""Calibration on a corpus of health records, judged as a user meets it (issue 11).

For every FHIR record given (files or folders of *.json):
  physiotwin calibrate RECORD --out twin.json
  physiotwin run --patient twin.json --duration 1800 --sample-rate 1 --out twin.h5
then the run's own beats are averaged over 30-60 s and over 1770-1800 s and compared with
the record's systolic and diastolic pressure (the values the twin file stored as measured).
Prints, per systolic band, how many adult records land within 3 mmHg at 60 s and at 30 min,
and the calibration's wall-clock times; writes one CSV row per record (--csv).

  scripts/evaluate-calibration.py --cli build/release/physiotwin --jobs 2 \\
      --csv build/calibration.csv /path/to/R4/SYNTHEA

Records the model refuses (children, a record without a patient) are counted as refused,
with the reason; they are not adults with a blood pressure. Uses Debian's python3 and h5py.
"""
import argparse
import csv
import json
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np

BANDS = [(0, 120, "< 120"), (120, 140, "120-140"), (140, 160, "140-160"), (160, 180, "160-180"),
         (180, 200, "180-200"), (200, 1000, ">= 200")]


def band_of(systolic):
    for low, high, name in BANDS:
        if low <= systolic < high:
            return name
    return "?"


def beat_means(h5, start, end):
    beats = h5["beats"]
    t = beats["time"][:]
    chosen = (t >= start) & (t <= end)
    return (float(np.mean(beats["systolic_pressure"][:][chosen])),
            float(np.mean(beats["diastolic_pressure"][:][chosen])))


def evaluate(args):
    cli, record, duration = args
    row = {"record": Path(record).name}
    with tempfile.TemporaryDirectory() as work:
        twin, out = Path(work) / "twin.json", Path(work) / "twin.h5"
        # Codes from a table in the run's own folder, not the user's (the corpus is synthetic).
        env = dict(os.environ, PHYSIOTWIN_RECORD_CODES=str(Path(work) / "record-codes.tsv"))
        done = subprocess.run([cli, "calibrate", record, "--out", str(twin)],
                              capture_output=True, text=True, env=env)
        if done.returncode == 2:  # bad input: a child, a record without a patient
            row["refused"] = (done.stderr.strip().splitlines() or ["?"])[-1]
            return row
        if done.returncode != 0:  # a failure of ours: a miss, never left out
            row["failed"] = f"calibrate exited {done.returncode}: " + \
                (done.stderr.strip().splitlines() or ["?"])[-1]
            return row
        report = done.stdout
        seconds = re.findall(r"([0-9.]+) s$", report, re.MULTILINE)
        row["calibration_s"] = float(seconds[-1]) if seconds else float("nan")
        stored = json.loads(twin.read_text())
        measured = stored["patient"].get("measurements", {})
        if "systolic_pressure" not in measured or "diastolic_pressure" not in measured:
            row["refused"] = "no blood pressure"
            return row
        row["systolic"] = measured["systolic_pressure"]["value"]
        row["diastolic"] = measured["diastolic_pressure"]["value"]
        row["band"] = band_of(row["systolic"])
        done = subprocess.run([cli, "run", "--patient", str(twin), "--duration", str(duration),
                               "--sample-rate", "1", "--out", str(out)],
                              capture_output=True, text=True, env=env)
        if done.returncode != 0:
            row["failed"] = f"run exited {done.returncode}: " + \
                (done.stderr.strip().splitlines() or ["?"])[-1]
            return row
        with h5py.File(out, "r") as h5:
            row["sbp_60"], row["dbp_60"] = beat_means(h5, 30.0, 60.0)
            row["sbp_end"], row["dbp_end"] = beat_means(h5, duration - 30.0, duration)
    for when in ("60", "end"):
        row[f"within_{when}"] = (abs(row[f"sbp_{when}"] - row["systolic"]) <= 3.0 and
                                 abs(row[f"dbp_{when}"] - row["diastolic"]) <= 3.0)
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", help="record files or folders of them")
    parser.add_argument("--cli", default="build/release/physiotwin")
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--duration", type=float, default=1800.0)
    parser.add_argument("--csv", help="write one row per record here")
    args = parser.parse_args()
    records = []
    for p in args.paths:
        path = Path(p)
        records += sorted(str(f) for f in path.glob("*.json")) if path.is_dir() else [str(path)]
    with multiprocessing.Pool(args.jobs) as pool:
        rows = []
        for i, row in enumerate(pool.imap(evaluate, [(args.cli, r, args.duration) for r in records])):
            rows.append(row)
            print(f"\r{i + 1}/{len(records)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    if args.csv:
        fields = sorted({k for r in rows for k in r})
        with open(args.csv, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
    refused = [r for r in rows if "refused" in r]
    failed = [r for r in rows if "failed" in r]
    ran = [r for r in rows if "refused" not in r and "failed" not in r]
    print(f"{len(records)} records: {len(ran)} calibrated and run, {len(failed)} failed "
          f"(counted as misses), {len(refused)} refused as input the model is not for")
    for r in failed:
        print(f"  FAILED {r['record']}: {r['failed']}")
    reasons = {}
    for r in refused:
        reason = re.sub(r"sha256 [0-9a-f]+", "sha256 ...", r["refused"])
        reason = re.sub(r"\b\d+ years old", "N years old", reason)
        reasons[reason] = reasons.get(reason, 0) + 1
    for reason, n in sorted(reasons.items(), key=lambda x: -x[1]):
        print(f"  refused x{n}: {reason}")
    print(f"\n{'systolic band':>14} {'records':>8} {'within 3 mmHg at 60 s':>22} "
          f"{'at ' + format(args.duration / 60, 'g') + ' min':>12} {'both':>6}")
    for _, _, name in BANDS:
        group = [r for r in ran if r["band"] == name]
        if not group:
            continue
        at60 = sum(r["within_60"] for r in group)
        atend = sum(r["within_end"] for r in group)
        both = sum(r["within_60"] and r["within_end"] for r in group)
        print(f"{name:>14} {len(group):>8} {at60:>15} ({100 * at60 / len(group):3.0f} %) "
              f"{atend:>5} ({100 * atend / len(group):3.0f} %) {both:>6}")
    both = sum(r["within_60"] and r["within_end"] for r in ran)
    total = len(ran) + len(failed)
    print(f"{'all':>14} {total:>8} {'':>22} {'':>12} {both:>6} "
          f"({100 * both / max(total, 1):.1f} % of adults with a blood pressure, failures "
          f"counted as misses)")
    times = [r["calibration_s"] for r in ran]
    if times:
        print(f"\ncalibration wall clock (report): median {statistics.median(times):.2f} s, "
              f"max {max(times):.2f} s, {sum(t > 5 for t in times)} over 5 s "
              f"({args.jobs} jobs at once on {os.cpu_count()} cores)")
    worst = sorted(ran, key=lambda r: -max(abs(r["sbp_end"] - r["systolic"]),
                                           abs(r["dbp_end"] - r["diastolic"])))[:5]
    for r in worst:
        print(f"  largest miss: measured {r['systolic']:.1f}/{r['diastolic']:.1f}, "
              f"60 s {r['sbp_60']:.1f}/{r['dbp_60']:.1f}, end {r['sbp_end']:.1f}/{r['dbp_end']:.1f}")


if __name__ == "__main__":
    main()
