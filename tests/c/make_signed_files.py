#!/usr/bin/python3
"""Files for the C interface's pt_verify_file() and pt_open_sealed() checks
(tests/c/test_c_api.c), made as a user makes them: `physiotwin run` signs with the default key
(PHYSIOTWIN_KEYS), `--unsigned` does not, a copy of the signed file with one value changed
through h5py, a text file that is neither HDF5 nor JSON; an encryption key pair
(encryption-keys/) and the reference man's twin written plain (twin.json) and encrypted to it
(twin.sealed) by `physiotwin calibrate`.

  make_signed_files.py PHYSIOTWIN_CLI OUT_DIR
"""
import shutil
import subprocess
import sys
from pathlib import Path

import h5py

cli, out = sys.argv[1], Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
for name, extra in (("signed.h5", []), ("unsigned.h5", ["--unsigned"])):
    (out / name).unlink(missing_ok=True)
    subprocess.run([cli, "run", "--duration", "3", "--out", str(out / name), *extra], check=True,
                   capture_output=True)
shutil.copyfile(out / "signed.h5", out / "tampered.h5")
with h5py.File(out / "tampered.h5", "r+") as f:
    f["beats/heart_rate"][0] += 1.0
(out / "not_a_twin.txt").write_text("neither HDF5 nor JSON\n")
keys = out / "encryption-keys"
shutil.rmtree(keys, ignore_errors=True)
subprocess.run([cli, "keys", "new", "--for", "encryption", "--dir", str(keys)], check=True,
               capture_output=True)
patient = Path(__file__).resolve().parents[2] / "models" / "patients" / "adult_male.json"
for name, extra in (("twin.json", []),
                    ("twin.sealed", ["--encrypt-to", str(keys / "encryption.pub")])):
    (out / name).unlink(missing_ok=True)
    subprocess.run([cli, "calibrate", str(patient), "--out", str(out / name), *extra],
                   check=True, capture_output=True)
print(f"signed, unsigned, tampered and encrypted files in {out}")
