"""Signed files from Python (docs/security.md): every writer signs as the tool does, with the
default key or a chosen one, unsigned only when asked; pt.verify reports as `physiotwin verify`
does, naming what changed; encrypted inputs are refused with what to do."""

import json
import os
import subprocess

import h5py
import numpy as np
import pytest

import physiotwin as pt


@pytest.fixture(scope="module")
def run_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("trust")
    twin = pt.Twin(patient=pt.reference_patient("adult_male"))
    twin.advance(3.0)
    path = folder / "run.h5"
    twin.save(path)
    return twin, path


def default_key_id():
    public = os.path.join(os.environ["PHYSIOTWIN_KEYS"], "signing.pub")
    with open(public) as f:
        return json.load(f)["key_id"]


def test_a_saved_run_is_signed_with_the_default_key_and_verifies(run_file):
    _, path = run_file
    v = pt.verify(path)
    assert v, str(v)
    assert v.status == "verified" and v.key_id == default_key_id()
    assert v.problems == [] and str(path) in str(v)


def test_a_changed_value_is_named(run_file, tmp_path):
    _, path = run_file
    copy = tmp_path / "changed.h5"
    copy.write_bytes(path.read_bytes())
    with h5py.File(copy, "r+") as f:
        name = next(k for k in f["timeseries"] if f["timeseries"][k].dtype.kind == "f")
        data = f["timeseries"][name][()]
        data[0] = np.nextafter(data[0], np.inf)
        f["timeseries"][name][...] = data
    v = pt.verify(copy)
    assert not v and v.status == "tampered"
    assert any(f"/timeseries/{name}" in p and p.startswith("changed") for p in v.problems), \
        v.problems


def test_unsigned_only_when_asked_and_another_key_is_untrusted(run_file, tmp_path):
    twin, _ = run_file
    twin.save(tmp_path / "unsigned.h5", signed=False)
    assert pt.verify(tmp_path / "unsigned.h5").status == "unsigned"
    other = tmp_path / "other-keys"
    cli = os.environ["PHYSIOTWIN_CLI"]
    subprocess.run([cli, "keys", "new", "--dir", str(other)], check=True, capture_output=True)
    twin.save(tmp_path / "other.h5", signing_key=other / "signing.key")
    v = pt.verify(tmp_path / "other.h5")
    assert v.status == "untrusted" and v.key_id != default_key_id(), str(v)
    assert pt.verify(tmp_path / "other.h5", trusted_keys=other).status == "verified"


def test_a_bad_key_writes_nothing(run_file, tmp_path):
    twin, _ = run_file
    bad = tmp_path / "bad.key"
    bad.write_text("{ not a key")
    bad.chmod(0o600)
    with pytest.raises(ValueError, match="bad.key"):
        twin.save(tmp_path / "never.h5", signing_key=bad)
    assert not (tmp_path / "never.h5").exists()


def test_the_other_writers_sign(tmp_path):
    cohort = pt.Cohort.from_patients([pt.reference_patient("adult_male")], duration=2.0,
                                     calibrate=False)
    cohort.run(tmp_path / "cohort.h5")
    assert pt.verify(tmp_path / "cohort.h5"), str(pt.verify(tmp_path / "cohort.h5"))
    plan = pt.Plan({"format": "physiotwin-plan", "version": 1, "baseline": {"duration": 2},
                    "branches": [{"name": "a", "duration": 2}],
                    "outcomes": [{"metric": "heart_rate", "window": [2, 4]}]})
    plan.run(tmp_path / "plan.h5")
    assert pt.verify(tmp_path / "plan.h5"), str(pt.verify(tmp_path / "plan.h5"))


def test_a_saved_twin_carries_its_audit_trail(tmp_path):
    model = pt.personalise()
    model.save(tmp_path / "twin.json")
    v = pt.verify(tmp_path / "twin.json")
    assert v and v.audit_entries == 5, str(v)
    document = json.loads((tmp_path / "twin.json").read_text())
    entries = document["audit"]["entries"]
    assert [e["entry"] for e in entries] == ["program", "invocation", "model", "personalisation",
                                             "output"]
    assert entries[1]["interface"] == "python" and str(tmp_path) not in json.dumps(entries)
    entries[2]["sha256"] = "0" * 64  # the model claimed another file
    (tmp_path / "edited.json").write_text(json.dumps(document))
    edited = pt.verify(tmp_path / "edited.json")
    assert edited.status == "tampered"
    assert "audit: entry 3 does not follow entry 2: an entry was changed, deleted, inserted or " \
        "moved there" in edited.problems, edited.problems


def test_an_encrypted_file_is_refused_with_what_to_do(run_file, tmp_path):
    _, path = run_file
    cli = os.environ["PHYSIOTWIN_CLI"]
    keys = tmp_path / "keys"
    subprocess.run([cli, "keys", "new", "--for", "encryption", "--dir", str(keys)], check=True,
                   capture_output=True)
    sealed = tmp_path / "run.sealed"
    subprocess.run([cli, "encrypt", str(path), "--to", str(keys / "encryption.pub"), "--out",
                    str(sealed)], check=True, capture_output=True)
    with pytest.raises(ValueError, match="encrypted"):
        pt.verify(sealed)
    with pytest.raises(ValueError, match="encrypted"):
        pt.Twin.restore(sealed.read_bytes())
