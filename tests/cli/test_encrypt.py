#!/usr/bin/python3
"""Encrypted twins at rest as a user meets them (issue 17 item 3; docs/security.md).

  test_encrypt.py PHYSIOTWIN_CLI MODELS_DIR

- `keys new --for encryption` makes an X25519 key pair (private 0600, public beside it), never
  replaces one, and shares the key folder with a signing key without disturbing `verify`.
- `calibrate --encrypt-to` writes a sealed twin that holds nothing of the twin in the clear;
  `run --patient` opens it with the private key and runs exactly the plain twin.
- `run --snapshot-at --encrypt-to` seals the snapshots; `run --from` opens them and continues
  exactly as from a plain snapshot.
- `encrypt` and `decrypt` round-trip content of every size around the 64 KiB chunk (0, 1,
  chunk - 1, chunk, chunk + 1, three chunks); a changed byte, a reordered, removed or added
  chunk, a truncated file: each refused, said so, exit 2, nothing written.
- The wrong private key, a signing key, a public key, a corrupt key file, a key readable by
  others, a missing recipient key: exit 2, the file named, nothing written.
- An encrypted file where a plain one is expected (a model, a scenario, `verify`) and a plain
  one where an encrypted one is expected (`--decryption-key` with a plain twin or snapshot,
  `decrypt` of a plain file): exit 2, said so.
All in a temporary folder (PHYSIOTWIN_KEYS points there: the user's own keys are not touched).
"""
import json
import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np

from checks import check, finish  # tests/cli/checks.py

CLI = Path(sys.argv[1]).resolve()
MODELS = Path(sys.argv[2]).resolve()
TMP = Path(tempfile.mkdtemp(prefix="encrypt-test-"))
KEYS = TMP / "keys"
OTHER = TMP / "other"
ENV = dict(os.environ, PHYSIOTWIN_KEYS=str(KEYS))
CHUNK = 64 * 1024
HEADER = 121  # trust/sealed.hpp
ABYTES = 17   # libsodium's secret stream: bytes each chunk adds


def cli(*arguments, env=ENV):
    return subprocess.run([str(CLI), *map(str, arguments)], capture_output=True, text=True,
                          cwd=TMP, env=env)


def refused(result, words, what, never=None):
    """Exit 2 with all of `words` in the one-line message, and `never` not written."""
    ok = result.returncode == 2 and all(w in result.stderr for w in words)
    if never is not None:
        ok = ok and not (TMP / never).exists()
    check(ok, f"{what}: exit 2 naming {words}, nothing written "
              f"({result.returncode}: {result.stdout[-300:]}{result.stderr})")


def same_series(a_path, b_path):
    """Whether two run files hold the same time series and beats, bit for bit (NaN = NaN)."""
    with h5py.File(a_path) as a, h5py.File(b_path) as b:
        differ = []

        def compare(name, obj):
            if isinstance(obj, h5py.Dataset) and name.split("/")[0] in ("timeseries", "beats"):
                if not np.array_equal(obj[()], b[name][()], equal_nan=obj.dtype.kind == "f"):
                    differ.append(name)
        a.visititems(compare)
        return not differ and "timeseries" in a


# ---- keys ----
made = cli("keys", "new", "--for", "encryption")
check(made.returncode == 0, f"keys new --for encryption: exit {made.returncode}: {made.stderr}")
private, public = KEYS / "encryption.key", KEYS / "encryption.pub"
check(private.is_file() and stat.S_IMODE(private.stat().st_mode) == 0o600,
      "the private encryption key is mode 0600")
check(stat.S_IMODE(KEYS.stat().st_mode) == 0o700, "the key folder is mode 0700")
key_id = json.loads(public.read_text())["key_id"]
check(key_id in made.stdout, "keys new names the key id")
check("secret_key" not in public.read_text(), "the public key file holds no private part")
again = cli("keys", "new", "--for", "encryption")
refused(again, ["already there"], "keys new --for encryption over an existing key")
check(cli("keys", "new").returncode == 0, "a signing key beside the encryption key")
check(cli("keys", "new", "--for", "encryption", "--dir", OTHER).returncode == 0
      and cli("keys", "new", "--dir", OTHER).returncode == 0, "another user's keys")

# ---- a sealed twin parameter file ----
patient = MODELS / "patients" / "adult_male.json"
plain_twin = cli("calibrate", patient, "--out", "twin.json")
check(plain_twin.returncode == 0, f"calibrate, plain: {plain_twin.stderr}")
sealed_twin = cli("calibrate", patient, "--out", "twin.sealed", "--encrypt-to", public)
check(sealed_twin.returncode == 0 and key_id in sealed_twin.stdout,
      f"calibrate --encrypt-to: exit 0, the key named ({sealed_twin.returncode}: "
      f"{sealed_twin.stderr})")
sealed_bytes = (TMP / "twin.sealed").read_bytes()
check(sealed_bytes.startswith(b"PTSEALED\x01"), "the sealed twin begins with its magic")
check(b"adult_circulation" not in sealed_bytes and b"parameters" not in sealed_bytes,
      "nothing of the twin is in the clear")
opened = cli("decrypt", "twin.sealed", "--out", "opened.json")
check(opened.returncode == 0, f"decrypt: {opened.stderr}")
check(len(sealed_bytes) == HEADER + (TMP / "opened.json").stat().st_size + ABYTES,
      "one chunk: the opened twin's size + the header + one chunk's 17 bytes")
check(stat.S_IMODE((TMP / "opened.json").stat().st_mode) == 0o600, "decrypted: mode 0600")
# The same twin as the plain one; only its audit trail (which records --encrypt-to as given)
# and so its signature differ.
plain_document = json.loads((TMP / "twin.json").read_text())
opened_document = json.loads((TMP / "opened.json").read_text())
invocation = opened_document["audit"]["entries"][1]
check({k: v for k, v in opened_document.items() if k not in ("audit", "signature")}
      == {k: v for k, v in plain_document.items() if k not in ("audit", "signature")},
      "decrypt gives back the twin the plain calibration wrote")
check(invocation["options"].get("--encrypt-to") == "(given)",
      f"the sealed twin's trail records --encrypt-to, not the key's path ({invocation})")
verified = cli("verify", "opened.json")
check(verified.returncode == 0, f"the opened twin verifies: {verified.stdout}{verified.stderr}")
a = cli("run", "--patient", "twin.json", "--duration", 3, "--out", "plain-twin.h5")
b = cli("run", "--patient", "twin.sealed", "--duration", 3, "--out", "sealed-twin.h5")
check(a.returncode == 0 and b.returncode == 0, f"run both twins: {a.stderr}{b.stderr}")
check(same_series(TMP / "plain-twin.h5", TMP / "sealed-twin.h5"),
      "the sealed twin runs exactly as the plain one")

# ---- keys that cannot open it: exit 2, the file named, nothing written ----
refused(cli("run", "--patient", "twin.sealed", "--duration", 1, "--out", "never.h5",
            "--decryption-key", OTHER / "encryption.key"),
        ["encrypted to key " + key_id, "not to key"], "the wrong private key", "never.h5")
refused(cli("run", "--patient", "twin.sealed", "--duration", 1, "--out", "never.h5",
            "--decryption-key", OTHER / "signing.key"),
        ["signing.key", "a signing key (Ed25519), where an encryption key"],
        "a signing key as the decryption key", "never.h5")
refused(cli("run", "--patient", "twin.sealed", "--duration", 1, "--out", "never.h5",
            "--decryption-key", public),
        ["encryption.pub", "a public key, where a private encryption key"],
        "a public key as the decryption key", "never.h5")
corrupt = TMP / "corrupt.key"
corrupt.write_text("{ not a key")
corrupt.chmod(0o600)
refused(cli("run", "--patient", "twin.sealed", "--duration", 1, "--out", "never.h5",
            "--decryption-key", corrupt), ["corrupt.key", "not a physiotwin key file"],
        "a corrupt key file", "never.h5")
exposed = TMP / "exposed.key"
exposed.write_bytes(private.read_bytes())
exposed.chmod(0o644)
refused(cli("run", "--patient", "twin.sealed", "--duration", 1, "--out", "never.h5",
            "--decryption-key", exposed), ["exposed.key", "readable by others"],
        "a private key readable by others", "never.h5")
refused(cli("run", "--patient", "twin.sealed", "--duration", 1, "--out", "never.h5",
            env=dict(os.environ, PHYSIOTWIN_KEYS=str(TMP / "empty"))),
        ["encrypted to key " + key_id, "holds no encryption.key"],
        "no private key in the key folder", "never.h5")
refused(cli("calibrate", patient, "--out", "never.sealed", "--encrypt-to",
            OTHER / "signing.pub"), ["signing.pub", "a signing key (Ed25519)"],
        "--encrypt-to a signing key", "never.sealed")
refused(cli("calibrate", patient, "--out", "never.sealed", "--encrypt-to", TMP / "missing.pub"),
        ["missing.pub"], "--encrypt-to a missing key", "never.sealed")

# ---- plain where encrypted is expected, and the reverse ----
refused(cli("run", "--patient", "twin.json", "--duration", 1, "--out", "never.h5",
            "--decryption-key", private), ["not encrypted", "--decryption-key"],
        "--decryption-key with a plain twin", "never.h5")
refused(cli("decrypt", "twin.json", "--out", "never.json"), ["twin.json", "not encrypted"],
        "decrypt a plain file", "never.json")
check(cli("encrypt", MODELS / "circulation" / "adult.json", "--to", public, "--out",
          "model.sealed").returncode == 0, "encrypt a model file")
refused(cli("run", "--model", "model.sealed", "--duration", 1, "--out", "never.h5"),
        ["model.sealed", "an encrypted file", "where a plain one is expected"],
        "an encrypted model file", "never.h5")
(TMP / "scenario.json").write_text(json.dumps({"duration": 2, "actions": []}))
check(cli("encrypt", "scenario.json", "--to", public, "--out", "scenario.sealed").returncode == 0,
      "encrypt a scenario")
refused(cli("run", "--scenario", "scenario.sealed", "--out", "never.h5"),
        ["scenario.sealed", "an encrypted file"], "an encrypted scenario", "never.h5")
refused(cli("verify", "twin.sealed"), ["twin.sealed", "encrypted", "decrypt"],
        "verify an encrypted file")
refused(cli("encrypt", "twin.sealed", "--to", public, "--out", "never.sealed"),
        ["already encrypted"], "encrypting twice", "never.sealed")

# ---- every size around the chunk, and each way a stream can be broken ----
rng = np.random.default_rng(17)
for size in (0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5):
    content = rng.integers(0, 256, size, dtype=np.uint8).tobytes()
    (TMP / "content.bin").write_bytes(content)
    for f in ("content.sealed", "content.out"):
        (TMP / f).unlink(missing_ok=True)
    e = cli("encrypt", "content.bin", "--to", public, "--out", "content.sealed")
    d = cli("decrypt", "content.sealed", "--out", "content.out")
    chunks = size // CHUNK + 1 if size % CHUNK or size == 0 else size // CHUNK
    check(e.returncode == 0 and d.returncode == 0
          and (TMP / "content.out").read_bytes() == content
          and (TMP / "content.sealed").stat().st_size == HEADER + size + chunks * ABYTES,
          f"{size} bytes: sealed in {chunks} chunk(s) and opened unchanged "
          f"({e.stderr}{d.stderr})")

sealed = (TMP / "content.sealed").read_bytes()  # 3 * CHUNK + 5 bytes: four chunks
full = CHUNK + ABYTES
body = [sealed[HEADER + i * full:HEADER + (i + 1) * full] for i in range(4)]
broken = {
    "one byte changed in the second chunk": sealed[:HEADER + full + 9]
    + bytes([sealed[HEADER + full + 9] ^ 1]) + sealed[HEADER + full + 10:],
    "one byte changed in the header's key id": sealed[:10] + bytes([sealed[10] ^ 1])
    + sealed[11:],
    "one byte changed in the sealed file key": sealed[:40] + bytes([sealed[40] ^ 1])
    + sealed[41:],
    "two chunks swapped": sealed[:HEADER] + body[1] + body[0] + body[2] + body[3],
    "a chunk removed": sealed[:HEADER] + body[0] + body[2] + body[3],
    "a chunk repeated": sealed[:HEADER] + body[0] + body[0] + body[1] + body[2] + body[3],
    "the final chunk removed": sealed[:HEADER] + body[0] + body[1] + body[2],
    "bytes added after the end": sealed + b"\0" * 5,
    "cut short inside a chunk": sealed[:HEADER + 100],
    "cut short inside the header": sealed[:60],
}
# Bytes added after a short final chunk are read with it and fail its authentication; after
# a full one they are seen as following the end (checked below).
words = {"the final chunk removed": "truncated",
         "one byte changed in the header's key id": "not to key",
         "one byte changed in the sealed file key": "header was modified",
         "cut short inside the header": "truncated"}
for what, data in broken.items():
    (TMP / "broken.sealed").write_bytes(data)
    refused(cli("decrypt", "broken.sealed", "--out", "never.bin"),
            ["broken.sealed", words.get(what, "fails its authentication")], what, "never.bin")

exact = rng.integers(0, 256, CHUNK, dtype=np.uint8).tobytes()
(TMP / "exact.bin").write_bytes(exact)
check(cli("encrypt", "exact.bin", "--to", public, "--out", "exact.sealed").returncode == 0,
      "encrypt one full chunk")
(TMP / "broken.sealed").write_bytes((TMP / "exact.sealed").read_bytes() + b"\0")
refused(cli("decrypt", "broken.sealed", "--out", "never.bin"), ["broken.sealed", "extended"],
        "a byte added after a full final chunk", "never.bin")

# ---- sealed snapshots ----
r1 = cli("run", "--duration", 6, "--snapshot-at", 3, "--out", "plain-snap.h5")
r2 = cli("run", "--duration", 6, "--snapshot-at", 3, "--encrypt-to", public, "--out",
         "sealed-snap.h5")
check(r1.returncode == 0 and r2.returncode == 0, f"runs with snapshots: {r1.stderr}{r2.stderr}")
with h5py.File(TMP / "sealed-snap.h5") as f:
    snapshot = f["snapshots/3"][()].tobytes()
check(snapshot.startswith(b"PTSEALED") and b"physiotwin-snapshot" not in snapshot,
      "the stored snapshot is sealed, nothing of it in the clear")
check(cli("verify", "sealed-snap.h5").returncode == 0, "the file with a sealed snapshot verifies")
c1 = cli("run", "--from", "plain-snap.h5:3", "--duration", 2, "--out", "from-plain.h5")
c2 = cli("run", "--from", "sealed-snap.h5:3", "--duration", 2, "--out", "from-sealed.h5")
check(c1.returncode == 0 and c2.returncode == 0, f"continue both: {c1.stderr}{c2.stderr}")
check(same_series(TMP / "from-plain.h5", TMP / "from-sealed.h5"),
      "continued from the sealed snapshot exactly as from the plain one")
refused(cli("run", "--from", "sealed-snap.h5:3", "--duration", 1, "--out", "never.h5",
            "--decryption-key", OTHER / "encryption.key"),
        ["the snapshot at 3 s in sealed-snap.h5", "not to key"], "a sealed snapshot, wrong key",
        "never.h5")
refused(cli("run", "--from", "plain-snap.h5:3", "--duration", 1, "--out", "never.h5",
            "--decryption-key", private), ["the snapshot at 3 s", "not encrypted"],
        "--decryption-key with a plain snapshot", "never.h5")
refused(cli("run", "--duration", 1, "--encrypt-to", public, "--out", "never.h5"),
        ["--encrypt-to", "--snapshot-at"], "--encrypt-to with no snapshot to encrypt", "never.h5")

# ---- the signing keys' folder still verifies with an encryption key in it ----
check(cli("verify", "plain-twin.h5").returncode == 0,
      "verify trusts the signing key beside encryption.pub")

finish()
