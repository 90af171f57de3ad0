"""Encrypted twins from Python (docs/security.md, "Encrypted twins"): key pairs made as the tool
makes them; twin parameter files and snapshots written encrypted and read back with the private
key (given, or the key folder's), bit for bit as the plain ones and as the command line reads
them; any file encrypted and decrypted; and every refusal naming what is wrong, nothing
written."""

import os
import stat
import subprocess

import h5py
import numpy as np
import pytest

import physiotwin as pt


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    """Two encryption key pairs in their own folders: the recipient's and somebody else's."""
    root = tmp_path_factory.mktemp("encryption-keys")
    mine = pt.new_encryption_key(root / "mine")
    other = pt.new_encryption_key(root / "other")
    return mine, mine.with_name("encryption.pub"), other


@pytest.fixture(scope="module")
def twin_files(tmp_path_factory, keys):
    """The reference man's model saved plain and encrypted to `mine`."""
    _, public, _ = keys
    folder = tmp_path_factory.mktemp("twins")
    model = pt.personalise(pt.reference_patient("adult_male"))
    model.save(folder / "twin.json")
    model.save(folder / "twin.sealed", encrypt_to=public)
    return folder / "twin.json", folder / "twin.sealed"


def pressure_after(twin, seconds=3.0):
    return twin.advance(seconds).results()["aorta.pressure"]


def test_a_key_pair_is_made_private_and_never_replaced(keys):
    private, public, _ = keys
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert stat.S_IMODE(private.parent.stat().st_mode) == 0o700
    assert public.exists()
    before = private.read_bytes()
    with pytest.raises(ValueError, match="encryption.key"):
        pt.new_encryption_key(private.parent)
    assert private.read_bytes() == before


def test_an_encrypted_twin_holds_nothing_readable_and_runs_as_the_plain_one(keys, twin_files):
    private, _, _ = keys
    plain, sealed = twin_files
    content = sealed.read_bytes()
    assert content.startswith(b"PTSEALED")
    assert b"heart.rate" in plain.read_bytes() and b"heart.rate" not in content
    expected = pressure_after(pt.Twin(patient=plain, sample_rate=50))
    opened = pt.Twin(patient=sealed, decryption_key=private, sample_rate=50)
    assert opened.patient.id == "adult_male"
    assert np.array_equal(pressure_after(opened), expected)


def test_the_key_folder_s_key_opens_it_when_none_is_given(keys, twin_files, monkeypatch):
    private, _, _ = keys
    _, sealed = twin_files
    monkeypatch.setenv("PHYSIOTWIN_KEYS", str(private.parent))
    assert pt.personalise(sealed).patient.id == "adult_male"
    empty = private.parent.parent / "no-keys-here"
    empty.mkdir(exist_ok=True)
    monkeypatch.setenv("PHYSIOTWIN_KEYS", str(empty))
    with pytest.raises(ValueError, match="holds no encryption.key: give its private key with "
                                         "decryption_key="):
        pt.personalise(sealed)


def test_the_command_line_runs_a_twin_python_encrypted(keys, twin_files, tmp_path):
    private, _, _ = keys
    _, sealed = twin_files
    cli = os.environ["PHYSIOTWIN_CLI"]
    out = tmp_path / "run.h5"
    subprocess.run([cli, "run", "--patient", str(sealed), "--decryption-key", str(private),
                    "--duration", "2", "--out", str(out)], check=True, capture_output=True)
    assert pt.verify(out)


def test_wrong_keys_and_plain_inputs_are_refused_by_name(keys, twin_files):
    private, public, other = keys
    plain, sealed = twin_files
    with pytest.raises(ValueError, match="encrypted to key [0-9a-f]{16}, not to key"):
        pt.personalise(sealed, decryption_key=other)
    with pytest.raises(ValueError, match="not encrypted, but decryption_key= was given"):
        pt.personalise(plain, decryption_key=private)
    with pytest.raises(ValueError, match="not a Patient|Patient object"):
        pt.Twin(patient=pt.reference_patient("adult_male"), decryption_key=private)
    with pytest.raises(ValueError, match="public key"):
        pt.personalise(sealed, decryption_key=public)


def test_an_encrypted_snapshot_continues_bit_for_bit(keys):
    private, public, other = keys
    twin = pt.Twin(sample_rate=50).advance(2.0)
    state = twin.snapshot()
    sealed = twin.snapshot(encrypt_to=public)
    assert sealed.startswith(b"PTSEALED") and state not in sealed
    expected = pressure_after(pt.Twin.restore(state))
    assert np.array_equal(pressure_after(pt.Twin.restore(sealed, decryption_key=private)),
                          expected)
    changed = bytearray(sealed)
    changed[-20] ^= 1
    with pytest.raises(ValueError, match="the snapshot: chunk 1 .* fails its authentication"):
        pt.Twin.restore(bytes(changed), decryption_key=private)
    with pytest.raises(ValueError, match="not to key"):
        pt.Twin.restore(sealed, decryption_key=other)
    with pytest.raises(ValueError, match="the snapshot is not encrypted, but decryption_key="):
        pt.Twin.restore(state, decryption_key=private)


def test_a_snapshot_the_command_line_encrypted_restores_in_python(keys, tmp_path):
    private, public, _ = keys
    cli = os.environ["PHYSIOTWIN_CLI"]
    run = tmp_path / "run.h5"
    subprocess.run([cli, "run", "--duration", "6", "--snapshot-at", "5", "--encrypt-to",
                    str(public), "--out", str(run)], check=True, capture_output=True)
    subprocess.run([cli, "run", "--from", f"{run}:5", "--decryption-key", str(private),
                    "--duration", "3", "--out", str(tmp_path / "resumed.h5")], check=True,
                   capture_output=True)
    with h5py.File(run, "r") as f:
        stored = bytes(f["snapshots/5"][:])
    assert stored.startswith(b"PTSEALED")
    twin = pt.Twin.restore(stored, decryption_key=private)
    assert twin.time == 5.0
    twin.advance(3.0)
    with h5py.File(tmp_path / "resumed.h5", "r") as f:
        resumed = f["timeseries/aorta.pressure"][:]
    assert np.array_equal(twin.results()["aorta.pressure"], resumed)


@pytest.mark.parametrize("size", [0, 1, 64 * 1024, 3 * 64 * 1024 + 5])
def test_any_file_round_trips(keys, tmp_path, size):
    private, public, _ = keys
    original = tmp_path / "data.bin"
    original.write_bytes(os.urandom(size))
    sealed = pt.encrypt(original, to=public, out=tmp_path / "data.sealed")
    assert sealed.read_bytes().startswith(b"PTSEALED")
    opened = pt.decrypt(sealed, out=tmp_path / "data.opened", decryption_key=private)
    assert opened.read_bytes() == original.read_bytes()
    assert stat.S_IMODE(opened.stat().st_mode) == 0o600


def test_file_refusals_leave_nothing_behind(keys, tmp_path):
    private, public, _ = keys
    original = tmp_path / "data.bin"
    original.write_bytes(os.urandom(200_000))
    sealed = pt.encrypt(original, to=public, out=tmp_path / "data.sealed")
    with pytest.raises(ValueError, match="already encrypted"):
        pt.encrypt(sealed, to=public, out=tmp_path / "twice.sealed")
    with pytest.raises(ValueError, match="not encrypted"):
        pt.decrypt(original, out=tmp_path / "plain.out", decryption_key=private)
    truncated = tmp_path / "truncated.sealed"
    truncated.write_bytes(sealed.read_bytes()[:-30])
    with pytest.raises(ValueError, match="fails its authentication|truncated"):
        pt.decrypt(truncated, out=tmp_path / "truncated.out", decryption_key=private)
    with pytest.raises(OSError, match="input"):
        pt.encrypt(original, to=public, out=original)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(OSError):
        pt.decrypt(sealed, out=fifo, decryption_key=private)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    left = {p.name for p in tmp_path.iterdir()}
    assert left == {"data.bin", "data.sealed", "truncated.sealed", "fifo"}, left
