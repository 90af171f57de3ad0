"""Forks and snapshots from Python (docs/snapshots.md): a fork shares the past and its results,
a restored snapshot continues bit for bit as the twin that took it, another model is refused."""

import os
import subprocess

import h5py
import numpy as np
import pytest

import physiotwin as pt


@pytest.fixture(scope="module")
def bleeding():
    """The reference adult bleeding 1 L from 5 s at 1 L/min, with a heart-rate change to come."""
    twin = pt.Twin(patient=pt.reference_patient("adult_male"))
    twin.schedule(5.0, "hemorrhage", rate=1000, volume=1000)
    twin.schedule(40.0, "set", parameter="heart.rate", value=95)
    twin.advance(20.0)
    return twin


def test_a_fork_shares_the_past_and_continues_identically(bleeding):
    fork = bleeding.fork()
    assert fork.time == bleeding.time
    # Its results include the shared past.
    assert np.array_equal(fork.results().time, bleeding.results().time)
    original = bleeding.fork()  # leave the fixture as it is
    original.advance(25.0)
    fork.advance(25.0)
    assert np.array_equal(fork.results()["aorta.pressure"], original.results()["aorta.pressure"])
    assert fork.parameters["heart.rate"].value == 95.0
    # The futures are separate.
    fork.set_parameter("heart.rate", 60.0)
    fork.advance(5.0)
    original.advance(5.0)
    assert fork.current() != original.current()


def test_a_restored_snapshot_continues_bit_for_bit(bleeding):
    original = bleeding.fork()
    snapshot = original.snapshot()
    assert isinstance(snapshot, bytes) and len(snapshot) > 1000
    restored = pt.Twin.restore(snapshot)
    assert restored.time == original.time
    original.advance(30.0)  # the bleeding ends at 65 s, the heart rate changes at 40 s
    restored.advance(30.0)
    ours = original.results()
    theirs = restored.results()
    # The restored twin's results begin at the snapshot: compare where both have samples.
    start = np.searchsorted(ours.time, theirs.time[0])
    assert np.array_equal(ours.time[start:], theirs.time)
    for name in ("aorta.pressure", "lv.volume"):
        assert np.array_equal(ours[name][start:], theirs[name])
    assert restored.parameters["heart.rate"].value == 95.0


def test_another_model_is_refused(bleeding):
    smith = pt.models_directory() / "circulation" / "smith2004.json"
    with pytest.raises(ValueError, match="taken of model"):
        pt.Twin.restore(bleeding.snapshot(), model=smith)
    with pytest.raises(ValueError, match="not a physiotwin snapshot"):
        pt.Twin.restore(b"not a snapshot")


@pytest.mark.skipif("PHYSIOTWIN_CLI" not in os.environ, reason="needs the command-line tool")
def test_a_snapshot_stored_by_the_command_line_restores_in_python(tmp_path):
    """physiotwin run --snapshot-at stores /snapshots/<t>; Python restores its bytes and
    continues as the command line's own continuation (run --from) does."""
    cli = os.environ["PHYSIOTWIN_CLI"]
    run = tmp_path / "run.h5"
    subprocess.run([cli, "run", "--duration", "6", "--snapshot-at", "5", "--out", str(run)],
                   check=True, capture_output=True)
    subprocess.run([cli, "run", "--from", f"{run}:5", "--duration", "3",
                    "--out", str(tmp_path / "resumed.h5")], check=True, capture_output=True)
    with h5py.File(run, "r") as f:
        snapshot = bytes(f["snapshots/5"][:])
        assert f["snapshots/5"].attrs["time"] == 5.0
    twin = pt.Twin.restore(snapshot)
    assert twin.time == 5.0
    twin.advance(3.0)
    with h5py.File(tmp_path / "resumed.h5", "r") as f:
        resumed = f["timeseries/aorta.pressure"][:]
    assert np.array_equal(twin.results()["aorta.pressure"], resumed)
