#!/usr/bin/python3
"""`physiotwin cohort` as a user meets it (issue 13; docs/cohorts.md).

  test_cohort.py PHYSIOTWIN_CLI MODELS_DIR DATA_DIR [mpi|no-mpi]

- Results are bit-identical for 1 and 2 threads: every dataset of every member and /summary.
- An interrupted run (SIGINT after its first members) keeps what finished; the rerun with the
  same --out says so, runs the rest, and gives the file an uninterrupted run gives.
- Listed members: patient files, a FHIR record, the same record as Bulk Data NDJSON (the same
  row), a member whose file is bad (its own failure: exit 4, its error in /failures without
  the file's path, the others written).
- Bad descriptions: exit 2, the JSON path named, nothing written.
- /summary in one call: pandas.DataFrame(f["summary"][()]), units in /summary_columns.
- With MPI: `mpirun -np 2 physiotwin cohort` writes the file one process writes; a bad output
  path stops every rank (exit 2, no hang).
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np
import pandas as pd

from checks import check, finish  # tests/cli/checks.py

CLI, MODELS, DATA = (Path(p).resolve() for p in sys.argv[1:4])
WITH_MPI = len(sys.argv) > 4 and sys.argv[4] == "mpi" and shutil.which("mpirun") is not None
TMP = Path(tempfile.mkdtemp(prefix="cohort-test-"))
ENV = dict(os.environ, PHYSIOTWIN_RECORD_CODES=str(TMP / "record-codes.tsv"))


def run(*args, **kwargs):
    return subprocess.run([str(CLI), "cohort", *map(str, args)], capture_output=True, text=True,
                          env=ENV, cwd=TMP, **kwargs)


def write(name, document):
    path = TMP / name
    path.write_text(json.dumps(document, indent=1))
    return path


def virtual(size, duration, **population):
    return {"format": "physiotwin-cohort", "version": 1, "model": str(MODELS / "circulation/adult.json"),
            "duration": duration,
            "population": {"size": size, "seed": 5,
                           "age": {"distribution": "uniform", "min": 25, "max": 85},
                           "parameters": {"heart.rate": {"distribution": "normal", "mean": 72,
                                                         "sd": 8, "min": 50, "max": 100}},
                           **population},
            "outputs": {"timeseries_rate": 5,
                        "summaries": [{"metric": "mean_arterial_pressure", "window": [10, 20]},
                                      {"metric": "heart_rate", "statistic": "sd",
                                       "window": [10, 20]}]}}


def datasets(path):
    """Every dataset's values, by path (attributes 'created' aside: a clock). /signature is left
    out: its digests cover the members' 'created' attributes too, which differ between runs;
    /audit too: it records how each file was asked for (threads, ranks, interface)."""
    out = {}
    with h5py.File(path) as f:
        f.visititems(lambda name, obj: out.__setitem__(name, obj[()])
                     if isinstance(obj, h5py.Dataset)
                     and not name.startswith(("signature/", "audit/"))
                     else None)
        out["attrs"] = {k: v for k, v in f.attrs.items()}
    return out


def same(a, b):
    if a.keys() != b.keys():
        return False
    for k in a:
        if k == "attrs":
            if a[k] != b[k]:
                return False
        elif isinstance(a[k], np.ndarray) and a[k].dtype.kind == "f":
            if not np.array_equal(a[k], b[k], equal_nan=True):
                return False
        elif isinstance(a[k], np.ndarray) and a[k].dtype.kind == "O":  # variable-length strings
            if a[k].tolist() != b[k].tolist():
                return False
        elif isinstance(a[k], np.ndarray):
            if a[k].tobytes() != b[k].tobytes():
                return False
        elif a[k] != b[k] and not (a[k] != a[k] and b[k] != b[k]):
            return False
    return True


# ---- threads: bit-identical -------------------------------------------------------------
description = write("virtual.json", virtual(6, 20))
one, two = run(description, "--out", "one.h5", "--threads", "1"), run(description, "--out", "two.h5", "--threads", "2")
check(one.returncode == 0 and two.returncode == 0, f"virtual cohort failed: {one.stderr}{two.stderr}")
check(same(datasets(TMP / "one.h5"), datasets(TMP / "two.h5")), "1 and 2 threads differ")
with h5py.File(TMP / "one.h5") as f:
    summary = pd.DataFrame(f["summary"][()])
    units = dict(zip(f["summary_columns/name"].asstr()[()], f["summary_columns/unit"].asstr()[()]))
    check(list(f["members"]) == [f"{i:06}" for i in range(6)], "member groups")
    member = f["members/000003"]
    check({"parameters", "model", "beats", "breaths", "timeseries"} <= set(member),
          "a member group lacks the single-twin layout")
    check(abs(member["timeseries/time"][-1] - 20.0) < 1e-9, "time series at the cohort's rate")
    # Compact members: the topology is the file's (a hard link), parameter values one array in
    # /parameter_table's order, metric units once in /beat_metrics.
    check(member["model"].id == f["model"].id, "a member's model is not the file's")
    names = list(f["parameter_table/name"].asstr()[()])
    check(len(member["parameters"]) == len(names), "one parameter value per table row")
    check(member["parameters"][names.index("heart.rate")] ==
          float(member.attrs["parameter_overrides"].split("=")[1]),
          "the drawn heart rate is the member's parameter")
    metric_names = list(f["beat_metrics/name"].asstr()[()])
    check(set(member["beats"]) == {"time", *metric_names}, "a member's beats and /beat_metrics")
    check(member.attrs["parameter_overrides"].startswith("heart.rate="),
          "drawn parameters are recorded as the member's overrides")
check(len(summary) == 6 and (summary.status == b"ok").all(), "summary rows")
check(summary["heart.rate"].between(50, 100).all(), "drawn heart rates in their range")
# The drawn heart rate is what the twin beats at (the baroreflex moves it little at rest).
check((abs(summary["heart_rate_sd"]) < 5).all(), "heart rate sd column")
check(units["mean_arterial_pressure_mean"] == "mmHg" and units["heart.rate"] == "1/min",
      f"units: {units}")

# ---- MPI: ranks share the members, rank 0 writes the one file ----------------------------
if WITH_MPI:
    mpirun = ["mpirun", "--allow-run-as-root", "--oversubscribe", "-np", "2"]
    ranks = subprocess.run([*mpirun, str(CLI), "cohort", str(description), "--out", "mpi.h5",
                            "--threads", "1"], capture_output=True, text=True, env=ENV, cwd=TMP,
                           timeout=300)
    check(ranks.returncode == 0 and "in each of 2 MPI ranks" in ranks.stdout,
          f"mpirun: {ranks.returncode} {ranks.stdout}{ranks.stderr}")
    check(same(datasets(TMP / "one.h5"), datasets(TMP / "mpi.h5")),
          "the file of 2 MPI ranks differs from one process's")
    check(subprocess.run([str(CLI), "verify", str(TMP / "mpi.h5")]).returncode == 0,
          "the file of 2 MPI ranks is signed (by rank 0) and verifies")
    (TMP / "a_folder").mkdir()
    stopped = subprocess.run([*mpirun, str(CLI), "cohort", str(description), "--out", "a_folder"],
                             capture_output=True, text=True, env=ENV, cwd=TMP, timeout=300)
    check(stopped.returncode == 2 and stopped.stderr.count("a_folder") >= 1,
          f"a bad --out under mpirun: {stopped.returncode} {stopped.stderr}")

# ---- interrupted and resumed ------------------------------------------------------------
slow = write("slow.json", virtual(12, 30))
reference = run(slow, "--out", "reference.h5", "--threads", "1")
check(reference.returncode == 0, reference.stderr)
process = subprocess.Popen([str(CLI), "cohort", str(slow), "--out", "resumed.h5", "--threads", "1"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV, cwd=TMP)
first_line = process.stderr.readline()  # the first member's progress line
process.send_signal(signal.SIGINT)
process.communicate(timeout=120)
check(process.returncode == -signal.SIGINT, f"interrupted run's status {process.returncode}")
check(not (TMP / "resumed.h5").exists(), "an interrupted run left its output")
check((TMP / ".resumed.h5.partial").exists(), "an interrupted run left nothing to resume")
again = run(slow, "--out", "resumed.h5", "--threads", "2")
check(again.returncode == 0 and "already done by an earlier run" in again.stdout,
      f"the rerun did not resume: {again.stdout}{again.stderr}")
check(same(datasets(TMP / "reference.h5"), datasets(TMP / "resumed.h5")),
      "the resumed file differs from an uninterrupted run's")
check(not (TMP / ".resumed.h5.partial").exists(), "the partial file outlived the finished run")

# ---- listed members ---------------------------------------------------------------------
record = DATA / "fhir" / "smart_Alberto_Atencio_fc712d1f-5a2e-4407-9c55-a2a2bad623c2.json"
bundle = json.loads(record.read_text())
resources = [e["resource"] for e in bundle["entry"]]
(TMP / "bulk").mkdir()
(TMP / "bulk/Patient.ndjson").write_text(
    "".join(json.dumps(r) + "\n" for r in resources if r["resourceType"] == "Patient"))
(TMP / "bulk/Observation.ndjson").write_text(
    "".join(json.dumps(r) + "\n" for r in resources if r["resourceType"] == "Observation"))
bad_patient = json.loads((MODELS / "patients/adult_male.json").read_text())
bad_patient["height"]["value"] = 999  # beyond the adult limit of 230 cm
write("John_Smith_bad.json", bad_patient)
shutil.copy(record, TMP / "record.json")
listed = write("listed.json", {
    "format": "physiotwin-cohort", "version": 1, "duration": 20, "calibrate": False,
    "members": [str(MODELS / "patients/adult_male.json"), "John_Smith_bad.json",
                {"file": "record.json"},
                {"fhir_ndjson": {"patients": "bulk/Patient.ndjson",
                                 "observations": "bulk/Observation.ndjson"}}]})
result = run(listed, "--out", "listed.h5")
check(result.returncode == 4, f"a failed member: exit {result.returncode} ({result.stderr})")
with h5py.File(TMP / "listed.h5") as f:
    s = pd.DataFrame(f["summary"][()])
    check(list(s.status) == [b"ok", b"input_error", b"ok", b"ok"], f"statuses {list(s.status)}")
    message = f["failures/message"].asstr()[0]
    check("members[1]" in message and "John_Smith" not in message,
          f"a failure names the member, not its file: {message}")
    numbers = s.drop(columns=["member"]).iloc[[2, 3]]
    check(numbers.iloc[0].equals(numbers.iloc[1]),
          "the record as NDJSON gives another row than the record as a file")
    check(s.patient_id[2].startswith(b"pt-"), "a record's member is named by its random code")
info = subprocess.run([str(CLI), "info", str(TMP / "listed.h5")], capture_output=True, text=True)
check(info.returncode == 0 and "/failures: 1" in info.stdout and "members[1]" in info.stdout,
      f"info on a cohort file: {info.stdout}{info.stderr}")
verified = subprocess.run([str(CLI), "verify", str(TMP / "listed.h5")], capture_output=True,
                          text=True)
check(verified.returncode == 0, f"a cohort file is signed and verifies: {verified.stdout}")
# Safe Harbor: nothing of the record's patient, nor a path of this machine, in the file's bytes.
raw = (TMP / "listed.h5").read_bytes()
patient = next(r for r in resources if r["resourceType"] == "Patient")
for word in [patient["name"][0]["family"], *patient["name"][0]["given"], patient["birthDate"],
             patient["id"], str(TMP), "John_Smith"]:
    check(word.encode() not in raw, f"the cohort file holds '{word}'")

# ---- sensitivity: the design run as a cohort, the indices in the file and as CSV ------------
spec = write("sensitivity.json", {
    "format": "physiotwin-cohort", "version": 1, "model": str(MODELS / "circulation/adult.json"),
    "duration": 20,
    "sensitivity": {"method": "sobol", "base_samples": 16, "seed": 3, "bootstrap": 200,
                    "inputs": {"systemic_arteries.compliance": {"min": 0.96, "max": 1.44},
                               "baroreflex.set_point": {"min": 75, "max": 100}}},
    "outputs": {"beats": False, "breaths": False,
                "summaries": [{"metric": "pulse_pressure", "window": [10, 20]},
                              {"metric": "mean_arterial_pressure", "window": [10, 20]}]}})
result = subprocess.run([str(CLI), "sensitivity", str(spec), "--out", "sensitivity.h5",
                         "--table", "indices.csv"], capture_output=True, text=True, env=ENV, cwd=TMP)
check(result.returncode == 0 and "Sobol indices" in result.stdout, result.stdout + result.stderr)
table = pd.read_csv(TMP / "indices.csv")
check(len(table) == 4, f"indices table: {table}")
total = {(r.output, r.input): r.total for r in table.itertuples()}
# Pulse pressure is the arteries' compliance's (Windkessel: PP ~ SV / C); the mean pressure the
# baroreflex's set point (it holds the mean there). Over these ranges the two are far apart.
check(total[("pulse_pressure_mean", "systemic_arteries.compliance")] >
      5 * total[("pulse_pressure_mean", "baroreflex.set_point")], f"pulse pressure: {total}")
check(total[("mean_arterial_pressure_mean", "baroreflex.set_point")] >
      5 * total[("mean_arterial_pressure_mean", "systemic_arteries.compliance")], f"MAP: {total}")
with h5py.File(TMP / "sensitivity.h5") as f:
    check(f.attrs["member_count"] == 16 * 4, "a Saltelli design of N (k + 2) runs")
    check(list(f["sensitivity/input"].asstr()[()]) == list(table.input), "indices in the file")
    check(np.allclose(f["sensitivity/total"][()], table.total), "the file's and the CSV's indices")

# ---- bad descriptions: exit 2, the path named, nothing written -----------------------------
def refused(name, document, expected):
    path = write(name, document)
    r = run(path, "--out", "refused.h5")
    check(r.returncode == 2 and expected in r.stderr,
          f"{name}: exit {r.returncode}, wanted '{expected}' in: {r.stderr.strip()}")
    check(not (TMP / "refused.h5").exists() and not (TMP / ".refused.h5.partial").exists(),
          f"{name}: something was written")


bad = virtual(4, 10)
bad["population"]["parameters"] = {"heart.rat": 70}
refused("unknown_parameter.json", bad, "population.parameters.heart.rat: model adult_circulation has no parameter")
bad = virtual(4, 10)
bad["population"]["age"] = {"distribution": "normal", "mean": 50, "sd": -3}
refused("negative_sd.json", bad, "population.age: the standard deviation must be positive")
bad = virtual(4, 10)
bad["population"]["age"] = {"distribution": "uniform", "min": 60, "max": 40}
refused("empty_range.json", bad, "population.age: the range [60, 40] is empty")
bad = virtual(50, 10)
bad["max_members"] = 20
refused("too_many.json", bad, "population.size: 50 members, more than max_members (20)")
refused("missing_member.json", {"format": "physiotwin-cohort", "version": 1,
                                 "members": ["nowhere.json"]},
        "members[0]: no such file")
bad = virtual(4, 10)
bad["outputs"]["summaries"][0]["metric"] = "mean_arterial_presure"
refused("unknown_metric.json", bad, "outputs.summaries[0].metric: model adult_circulation has no")

# The unfinished file's name taken by something else (a fifo here, never a real device):
# refused, the fifo left as it was.
os.mkfifo(TMP / ".fifo.h5.partial")
r = run(description, "--out", "fifo.h5")
check(r.returncode == 2 and "not a regular file" in r.stderr and
      (TMP / ".fifo.h5.partial").is_fifo(), f"a fifo in the partial file's place: {r.stderr}")

shutil.rmtree(TMP)
finish()
