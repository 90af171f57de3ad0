#!/usr/bin/python3
"""`physiotwin run --live` as a viewer meets it (issue 14 item 6; docs/hdf5-format.md, "Live files").

  test_live.py PHYSIOTWIN_CLI MODELS_DIR FOLLOWER_EXAMPLE

- A follower process (examples/python/follow_live.py, the documented one, an h5py SWMR reader)
  follows a paced live run and sees simulated time advance, then the run complete.
- A finished live file holds what the same run written whole holds: every object, every
  attribute (but `created`), every value, the actions and snapshots included.
- An interrupted live run (SIGINT) leaves a file marked incomplete that h5py opens, holding the
  run up to the interruption; one killed outright (SIGKILL) too, opened as a SWMR reader (and by
  `physiotwin info`). `--from` continues from a live file's snapshot and refuses one the run
  never reached.
- A finished live file is signed (`physiotwin verify`: verified) unless `--unsigned`; an h5py
  reader that held it open through the end still reads the whole run; an interrupted one is
  unsigned (docs/security.md, "Live files").
- Bad options: exit 2, named.
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

from checks import check, failures, finish  # tests/cli/checks.py

CLI, MODELS, FOLLOWER = (Path(p).resolve() for p in sys.argv[1:4])
TMP = Path(tempfile.mkdtemp(prefix="live-test-"))
# `created` fixed too; the signing key made in the temporary folder, not the user's.
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1764806400", PHYSIOTWIN_KEYS=str(TMP / "keys"))


def run(*args, **kwargs):
    return subprocess.run([str(CLI), "run", *map(str, args)], capture_output=True, text=True,
                          env=ENV, cwd=TMP, **kwargs)


def start(*args):
    return subprocess.Popen([str(CLI), "run", *map(str, args)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=ENV, cwd=TMP)


def wait_for(path, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    return path.exists()


def objects(f):
    """Every object but /signature and /audit: a whole file is signed, a live one not yet
    (docs/security.md, "Where issue 17 stands"), and a live file's trail ends at its start."""
    found = {}
    f.visititems(lambda name, obj: found.__setitem__(name, obj))
    return {k: v for k, v in found.items()
            if k.split("/")[0] not in ("signature", "audit")}


def same_values(a, b):
    """Equal arrays, NaN equal to NaN (heart rate variability is NaN for a run's first minute)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind == "f" and b.dtype.kind == "f":
        return np.array_equal(a, b, equal_nan=True)
    return np.array_equal(a, b)


def differences(whole, live):
    """What differs between two files' content: objects, attributes (but `created`), values."""
    out = []

    def attributes(a, b, where):
        if set(a.attrs) != set(b.attrs):
            out.append(f"{where}: attributes {sorted(set(a.attrs) ^ set(b.attrs))}")
        for key in set(a.attrs) & set(b.attrs) - {"created"}:
            if not np.array_equal(np.asarray(a.attrs[key]), np.asarray(b.attrs[key])):
                out.append(f"{where} attribute {key}: {a.attrs[key]!r} != {b.attrs[key]!r}")

    attributes(whole, live, "/")
    a, b = objects(whole), objects(live)
    if set(a) != set(b):
        out.append(f"objects in one file only: {sorted(set(a) ^ set(b))[:5]}")
    for name in sorted(set(a) & set(b)):
        attributes(a[name], b[name], name)
        if isinstance(a[name], h5py.Dataset) and not same_values(a[name][()], b[name][()]):
            out.append(f"{name}: values differ ({a[name].shape} against {b[name].shape})")
    return out


scenario = TMP / "scenario.json"
scenario.write_text('{"duration": 12, "actions": [{"time": 3, "action": "hemorrhage", '
                    '"rate": 50, "volume": 300}, {"time": 8.5, "action": "set", '
                    '"parameter": "heart.rate", "value": 80}]}')

# ---- a follower sees the run as it happens ----------------------------------------------------
writer = start("--duration", 8, "--pace", 4, "--live", "--flush-interval", 0.1, "--out", "followed.h5")
check(wait_for(TMP / "followed.h5"), "the live file never appeared")
follower = subprocess.run([sys.executable, str(FOLLOWER), str(TMP / "followed.h5")],
                          capture_output=True, text=True, timeout=120)
writer.wait(timeout=120)
times = [float(line.split()[2]) for line in follower.stdout.splitlines() if line.startswith("t =")]
check(follower.returncode == 0, f"the follower failed: {follower.stderr[-500:]}")
check(len(times) >= 4 and all(b > a for a, b in zip(times, times[1:])),
      f"the follower should see time advance in several steps: {times}")
check(times and times[0] < 6.0 and abs(times[-1] - 8.0) < 1e-9,
      f"the follower should see the run early and its end: {times}")
check(writer.returncode == 0, f"the live run failed: {writer.stderr}")

# ---- a finished live file holds what a file written whole holds -------------------------------
common = ["--scenario", scenario, "--snapshot-at", 2.5, "--snapshot-at", 10]
whole, live = run(*common, "--out", "whole.h5"), run(*common, "--live", "--out", "live.h5")
check(whole.returncode == 0 and live.returncode == 0, f"runs failed: {whole.stderr} {live.stderr}")
with h5py.File(TMP / "whole.h5") as a, h5py.File(TMP / "live.h5") as b:
    found = differences(a, b)
    check(not found, "a live file's content differs from the whole file's: " + "; ".join(found[:5]))
    check(a.attrs["complete"] == 1 and b.attrs["complete"] == 1, "finished files say complete = 1")
    check(len(b["actions/time"]) == 2 and b["actions/action"][0] == b"hemorrhage",
          "the live file holds both actions")
    check(b.libver[0] != "earliest", "a live file is in the 1.10 format SWMR needs")

# ---- signed once finished, under its name; a reader holding it open keeps the whole run ---------


def verdict(path):
    r = subprocess.run([str(CLI), "verify", str(path)], capture_output=True, text=True, env=ENV)
    return r.returncode, r.stdout + r.stderr


code, said = verdict(TMP / "live.h5")
check(code == 0 and "verified" in said, f"a finished live file verifies: exit {code}, {said}")


def trail(path):
    """The audit trail's entries but the invocation (the options differ) and the output."""
    with h5py.File(path) as f:
        entries = [json.loads(e) for e in f["audit/entries"].asstr()[()]]
    return [e for e in entries if e["entry"] not in ("invocation", "output")]


whole_trail, live_trail = trail(TMP / "whole.h5"), trail(TMP / "live.h5")
check(whole_trail == live_trail and [e["entry"] for e in live_trail].count("action") == 2,
      f"the signed live file's trail holds the run's actions as the whole file's does: "
      f"{live_trail} against {whole_trail}")
writer = start("--duration", 4, "--pace", 4, "--live", "--out", "held.h5")
check(wait_for(TMP / "held.h5"), "the held run's file never appeared")
with h5py.File(TMP / "held.h5", "r", swmr=True) as held:
    writer.wait(timeout=120)
    held["timeseries/time"].refresh()
    check(len(held["timeseries/time"]) == 401 and "signature" not in held,
          f"a reader open through the end reads the whole run, unsigned: "
          f"{len(held['timeseries/time'])} samples")
code, said = verdict(TMP / "held.h5")
check(writer.returncode == 0 and code == 0, f"then opened anew it verifies: exit {code}, {said}")
r = run("--duration", 1, "--live", "--unsigned", "--out", "unsigned.h5")
code, said = verdict(TMP / "unsigned.h5")
check(r.returncode == 0 and code == 1 and "unsigned" in said,
      f"--live --unsigned: an unsigned file ({r.returncode}, {code}, {said})")
check(sorted(p.name for p in TMP.iterdir() if p.name.startswith(".")) == [],
      "no temporary file is left beside the live files")

# ---- interrupted: marked incomplete, holding the run so far -----------------------------------
writer = start("--duration", 30, "--pace", 10, "--live", "--snapshot-at", 1, "--snapshot-at", 25,
               "--out", "interrupted.h5")
check(wait_for(TMP / "interrupted.h5"), "the interrupted run's file never appeared")
time.sleep(1.0)
writer.send_signal(signal.SIGINT)
stderr = writer.communicate(timeout=60)[1]
check(writer.returncode == -signal.SIGINT, f"SIGINT: the run dies of the signal ({writer.returncode})")
check("marked incomplete (complete = 0)" in stderr, f"SIGINT: says the file is incomplete: {stderr}")
with h5py.File(TMP / "interrupted.h5") as f:  # closed properly: opens without SWMR
    n = len(f["timeseries/time"])
    check(f.attrs["complete"] == 0, "an interrupted live file says complete = 0")
    check(0 < n < 3001 and len(f["timeseries/aorta.pressure"]) == n,
          f"an interrupted live file holds the run so far ({n} samples)")
    check(len(f["snapshots/1"]) > 0 and len(f["snapshots/25"]) == 0,
          "the snapshot taken is there, the one not reached is empty")
code, said = verdict(TMP / "interrupted.h5")
check(code == 1 and "unsigned" in said, f"an interrupted live file is unsigned: {code}, {said}")
r = run("--from", "interrupted.h5", "--duration", 1, "--out", "continued.h5")
check(r.returncode == 0, f"--from an interrupted live file uses its latest snapshot: {r.stderr}")
r = run("--from", "interrupted.h5:25", "--duration", 1, "--out", "never.h5")
check(r.returncode == 2 and "ended before its time" in r.stderr and not (TMP / "never.h5").exists(),
      f"--from a snapshot never reached: exit 2, said: {r.stderr}")

# ---- killed outright: still incomplete, read as a SWMR reader and by `physiotwin info` ---------
writer = start("--duration", 30, "--pace", 10, "--live", "--out", "killed.h5")
check(wait_for(TMP / "killed.h5"), "the killed run's file never appeared")
time.sleep(1.0)
writer.kill()
writer.wait(timeout=60)
with h5py.File(TMP / "killed.h5", "r", swmr=True) as f:
    check(f.attrs["complete"] == 0 and len(f["timeseries/time"]) > 0,
          "a killed live run's file: complete = 0, the flushed samples readable")
info = subprocess.run([str(CLI), "info", str(TMP / "killed.h5")], capture_output=True, text=True)
check(info.returncode == 0 and "complete             0" in info.stdout,
      f"physiotwin info reads a killed live file: {info.stderr}")

# ---- bad options --------------------------------------------------------------------------------
for args, said in [(["--flush-interval", 1], "--flush-interval without --live"),
                   (["--live", "--flush-interval", 0], "--flush-interval 0: allowed range"),
                   (["--pace", -1], "--pace -1: allowed range")]:
    r = run("--duration", 1, *args, "--out", "bad.h5")
    check(r.returncode == 2 and said in r.stderr and not (TMP / "bad.h5").exists(),
          f"{args}: exit {r.returncode}, {r.stderr}")

if not failures:
    shutil.rmtree(TMP)
finish()
