#!/usr/bin/python3
"""Signed files and `physiotwin verify` as a user meets them (issue 17; docs/security.md).

  test_verify.py PHYSIOTWIN_CLI

- `keys new` makes a key pair (private 0600 in a 0700 folder, public beside it) and never
  replaces one.
- `run` signs its file with the default key; `verify` says verified (exit 0).
- One byte changed in each kind of object (a float dataset, a string dataset, a root attribute,
  a dataset's attribute, a numeric array attribute of a group), a dataset or group deleted, a
  dataset or attribute added, the signed list edited: each is detected and named (exit 1).
- A file signed by a key that is not trusted, and an unsigned file: exit 1, said so.
- A twin parameter file's audit trail: its entries, no path; an entry deleted, edited or
  removed from the end, and the member damaged, each named in a signed and an unsigned twin.
- A file that is not HDF5: exit 2. A corrupt key file, a public key given as the signing key, a
  private key readable by others: exit 2, the file named, nothing written.
All in a temporary folder (PHYSIOTWIN_KEYS points there: the user's own keys are not touched).
"""
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np

from checks import check, finish  # tests/cli/checks.py

CLI = Path(sys.argv[1]).resolve()
TMP = Path(tempfile.mkdtemp(prefix="verify-test-"))
KEYS = TMP / "keys"
ENV = dict(os.environ, PHYSIOTWIN_KEYS=str(KEYS))


def cli(*arguments, env=ENV):
    return subprocess.run([str(CLI), *map(str, arguments)], capture_output=True, text=True,
                          cwd=TMP, env=env)


# ---- keys ----
made = cli("keys", "new")
check(made.returncode == 0, f"keys new: exit {made.returncode}: {made.stderr}")
private, public = KEYS / "signing.key", KEYS / "signing.pub"
check(private.is_file() and stat.S_IMODE(private.stat().st_mode) == 0o600,
      "the private key file is mode 0600")
check(stat.S_IMODE(KEYS.stat().st_mode) == 0o700, "the key folder is mode 0700")
key_id = json.loads(public.read_text())["key_id"]
check(key_id in made.stdout, "keys new names the key id")
check("seed" not in public.read_text(), "the public key file holds no private part")
again = cli("keys", "new")
check(again.returncode == 2 and "already there" in again.stderr,
      f"keys new over an existing key: exit 2, said so ({again.returncode}: {again.stderr})")

# ---- a signed run with an action (so that /actions holds strings) ----
scenario = TMP / "scenario.json"
scenario.write_text(json.dumps({"duration": 3, "actions": [
    {"time": 1, "action": "hemorrhage", "rate": 100, "volume": 10}]}))
run = cli("run", "--scenario", scenario, "--out", "signed.h5")
check(run.returncode == 0, f"run: exit {run.returncode}: {run.stderr}")
signed = TMP / "signed.h5"
with h5py.File(signed) as f:
    check(f["signature"].attrs["key_id"] == key_id, "the file names the signer's key id")
    check(f["signature"].attrs["public_key"] == json.loads(public.read_text())["public_key"],
          "the file carries the public key")
    text = "".join(f"{k}{v}" for k, v in f["signature"].attrs.items())
    check(json.loads(private.read_text())["seed"] not in text, "no private key in the file")
ok = cli("verify", signed)
check(ok.returncode == 0 and "verified" in ok.stdout and key_id in ok.stdout,
      f"verify a signed file: exit 0 ({ok.returncode}: {ok.stdout}{ok.stderr})")


def flip_byte(array):
    """The same values with one byte of the first element changed."""
    a = np.array(array)
    raw = a.view(np.uint8).reshape(-1).copy()
    raw[0] ^= 0x01
    return raw.view(a.dtype).reshape(a.shape)


def tampered(name, change, expected):
    """Copies the signed file, applies change(h5py file), and checks verify names `expected`."""
    path = TMP / f"{name}.h5"
    shutil.copy(signed, path)
    with h5py.File(path, "r+") as f:
        change(f)
    r = cli("verify", path)
    check(r.returncode == 1 and "TAMPERED" in r.stdout and expected in r.stdout,
          f"{name}: exit 1 naming '{expected}' ({r.returncode}: {r.stdout}{r.stderr})")


def set_dataset(path, f):
    f[path][...] = flip_byte(f[path][...])


def set_string(path, f):
    values = [s.decode() if isinstance(s, bytes) else s for s in f[path][...]]
    values[0] = values[0][:-1] + chr(ord(values[0][-1]) ^ 1)
    f[path][...] = values


def set_attribute(owner, key, f):
    value = f[owner].attrs[key]
    if isinstance(value, (str, bytes)):
        value = value.decode() if isinstance(value, bytes) else value
        f[owner].attrs[key] = value[:-1] + chr(ord(value[-1]) ^ 1)
    else:
        f[owner].attrs[key] = flip_byte(value)


tampered("float_dataset", lambda f: set_dataset("beats/heart_rate", f),
         "changed: dataset /beats/heart_rate")
tampered("string_dataset", lambda f: set_string("actions/action", f),
         "changed: dataset /actions/action")
tampered("root_attribute", lambda f: set_attribute("/", "model_name", f),
         "changed: attribute /@model_name")
tampered("dataset_attribute", lambda f: set_attribute("beats/heart_rate", "unit", f),
         "changed: attribute /beats/heart_rate@unit")
tampered("group_array_attribute",
         lambda f: set_attribute("model/compartments/lv", "position", f),
         "changed: attribute /model/compartments/lv@position")
tampered("deleted_dataset", lambda f: f.__delitem__("beats/heart_rate"),
         "removed: dataset /beats/heart_rate")
tampered("deleted_group", lambda f: f.__delitem__("model/compartments/lv"),
         "removed: group /model/compartments/lv")
tampered("added_dataset", lambda f: f.create_dataset("beats/extra", data=[1.0]),
         "added: dataset /beats/extra")
tampered("added_attribute", lambda f: f.attrs.__setitem__("note", "edited"),
         "added: attribute /@note")
tampered("edited_signed_list",
         lambda f: f["signature/digests"].__setitem__(0, "0" * 64),
         "the signature does not match")

# ---- the audit trail: what made the file, as a hash chain (issue 17 item 4) ----
def trail(f):
    return ([e.decode() if isinstance(e, bytes) else e for e in f["audit/entries"][()]],
            [h.decode() if isinstance(h, bytes) else h for h in f["audit/hashes"][()]])


with h5py.File(signed) as f:
    entries, hashes = trail(f)
    kinds = [json.loads(e)["entry"] for e in entries]
    check(kinds == ["program", "invocation", "model", "personalisation", "action", "output"],
          f"the trail: program, invocation, model, personalisation, the action, output ({kinds})")
    invocation = json.loads(entries[1])
    check(invocation["command"] == "run" and invocation["options"].get("--scenario") == "(given)",
          f"the command recorded, its file options never by path ({invocation})")
    check(not any(str(TMP) in e or "scenario.json" in e for e in entries),
          "no path in the trail")
    check(f.attrs["model_file"].endswith("sha256 " + json.loads(entries[2])["sha256"]),
          "the model's digest, as the file names its model")
    check(json.loads(entries[4])["action"] == "hemorrhage", "the action in the trail")
    check(len(json.loads(entries[0])["build_sha256"]) == 64, "the build's digest")
    check(f["audit"].attrs["head"] == hashes[-1], "the head is the last hash")
check("audit trail: 6 entries" in ok.stdout, f"verify reports the trail ({ok.stdout})")


def rewrite_trail(f, entries, hashes):
    """The trail replaced as an editor would: both lists rewritten, the head left."""
    del f["audit/entries"], f["audit/hashes"]
    string = h5py.string_dtype()
    f["audit"].create_dataset("entries", data=entries, dtype=string)
    f["audit"].create_dataset("hashes", data=hashes, dtype=string)


def drop(i):
    return lambda f: rewrite_trail(f, *[x[:i] + x[i + 1:] for x in trail(f)])


def swap(i, j):
    def change(f):
        e, h = trail(f)
        e[i], e[j], h[i], h[j] = e[j], e[i], h[j], h[i]
        rewrite_trail(f, e, h)
    return change


def edit_entry(i):
    def change(f):
        e, h = trail(f)
        e[i] = e[i].replace("hemorrhage", "infusion")
        rewrite_trail(f, e, h)
    return change


for kind, source in (("signed", signed), ("unsigned", None)):
    if source is None:
        check(cli("run", "--scenario", scenario, "--out", "trail-unsigned.h5",
                  "--unsigned").returncode == 0, "an unsigned run")
        signed_kept, signed = signed, TMP / "trail-unsigned.h5"
    # Checked on a file without a signature too: the chain alone names the break.
    tampered(f"audit_deleted_{kind}", drop(3), "audit: entry 4 does not follow entry 3")
    tampered(f"audit_reordered_{kind}", swap(3, 4), "audit: entry 4 does not follow entry 3")
    tampered(f"audit_edited_{kind}", edit_entry(4), "audit: entry 5 does not follow entry 4")
    tampered(f"audit_last_removed_{kind}",
             lambda f: rewrite_trail(f, *[x[:-1] for x in trail(f)]),
             "audit: the head does not match the last entry")
    if source is None:
        signed = signed_kept

# ---- a signed twin parameter file (JSON): each parameter a leaf ----
MODELS = Path(__file__).resolve().parents[2] / "models"
made_twin = cli("calibrate", MODELS / "patients" / "adult_male.json", "--out", "twin.json")
check(made_twin.returncode == 0, f"calibrate --out: {made_twin.stderr}")
twin_ok = cli("verify", "twin.json")
check(twin_ok.returncode == 0 and "verified" in twin_ok.stdout,
      f"verify a signed twin parameter file ({twin_ok.stdout}{twin_ok.stderr})")
document = json.loads((TMP / "twin.json").read_text())
check(document["signature"]["key_id"] == key_id and "/parameters/heart.rate"
      in document["signature"]["digests"], "the twin names its signer and digests each parameter")
document["parameters"]["heart.rate"]["value"] += 1
del document["parameters"]["blood.volume"]
document["patient"]["note"] = "edited"
(TMP / "twin-edited.json").write_text(json.dumps(document, indent=1))
edited = cli("verify", "twin-edited.json")
check(edited.returncode == 1 and "changed: /parameters/heart.rate" in edited.stdout
      and "removed: /parameters/blood.volume" in edited.stdout
      and "added: /patient/note" in edited.stdout,
      f"an edited twin: each change named, exit 1 ({edited.stdout})")
refused = cli("run", "--patient", "twin-edited.json", "--duration", 1, "--out", "never.h5")
check(refused.returncode == 2 and "changed since it was signed" in refused.stderr
      and not (TMP / "never.h5").exists(),
      f"an edited signed twin is not run: exit 2 ({refused.returncode}: {refused.stderr})")
check(cli("calibrate", MODELS / "patients" / "adult_male.json", "--out", "twin-unsigned.json",
          "--unsigned").returncode == 0, "calibrate --unsigned")
unsigned_twin = cli("verify", "twin-unsigned.json")
check(unsigned_twin.returncode == 1 and "unsigned" in unsigned_twin.stdout,
      "an unsigned twin parameter file: exit 1, said so")
check(cli("run", "--patient", "twin.json", "--duration", 1, "--out", "from-twin.h5").returncode
      == 0, "a signed twin runs")

# ---- the twin's audit trail: what made it, chained; a break named, signed or not ----
calibrated_with = cli("calibrate", MODELS / "patients" / "adult_male.json", "--out",
                      "twin-trail.json", "--unsigned")
check(calibrated_with.returncode == 0, f"calibrate --unsigned: {calibrated_with.stderr}")
audit = json.loads((TMP / "twin-trail.json").read_text())["audit"]
kinds = [e["entry"] for e in audit["entries"]]
check(kinds == ["program", "invocation", "model", "personalisation", "output"],
      f"a twin's trail: program, invocation, model, personalisation, output ({kinds})")
check(audit["entries"][1]["command"] == "calibrate"
      and audit["entries"][1]["options"]["--out"] == "(given)"
      and audit["entries"][3]["patient_source"].startswith("patient file, sha256 ")
      and str(TMP) not in json.dumps(audit) and str(MODELS) not in json.dumps(audit),
      f"the trail holds the command and its options, no path or file name ({audit['entries']})")
trail_ok = cli("verify", "twin-trail.json")
check(trail_ok.returncode == 1 and "unsigned" in trail_ok.stdout
      and "audit trail: 5 entries" in trail_ok.stdout,
      f"an unsigned twin's intact trail is reported ({trail_ok.stdout})")
check("audit trail: 5 entries" in twin_ok.stdout,
      f"a signed twin's trail is reported with its verdict ({twin_ok.stdout})")


def twin_tampered(name, source, change, said):
    document = json.loads((TMP / source).read_text())
    change(document["audit"])
    # Re-indented and keys reordered, as another tool would write it: only the change counts.
    (TMP / name).write_text(json.dumps(document, indent=4, sort_keys=True))
    r = cli("verify", name)
    check(r.returncode == 1 and "TAMPERED" in r.stdout and said in r.stdout,
          f"{name}: the trail's break named, exit 1 ({r.returncode}: {r.stdout})")
    return r


for source in ("twin-trail.json", "twin.json"):
    kind = "signed" if source == "twin.json" else "unsigned"
    twin_tampered(f"twin-audit-deleted-{kind}.json", source,
                  lambda a: (a["entries"].pop(2), a["hashes"].pop(2)),
                  "audit: entry 3 does not follow entry 2")
    twin_tampered(f"twin-audit-edited-{kind}.json", source,
                  lambda a: a["entries"][3].update(calibrated=not a["entries"][3]["calibrated"]),
                  "audit: entry 4 does not follow entry 3")
    twin_tampered(f"twin-audit-last-removed-{kind}.json", source,
                  lambda a: (a["entries"].pop(), a["hashes"].pop()),
                  "audit: the head does not match the last entry")
    twin_tampered(f"twin-audit-damaged-{kind}.json", source, lambda a: a.pop("hashes"),
                  'audit: the member "audit" is not a trail')
resorted = json.loads((TMP / "twin-trail.json").read_text())
(TMP / "twin-resorted.json").write_text(json.dumps(resorted, indent=4, sort_keys=True))
check(cli("verify", "twin-resorted.json").returncode == 1
      and "audit trail: 5 entries" in cli("verify", "twin-resorted.json").stdout,
      "a twin re-indented with its keys sorted keeps an intact trail")
check(cli("run", "--patient", "twin-audit-edited-unsigned.json", "--duration", 1, "--out",
          "from-edited-trail.h5").returncode == 0,
      "an unsigned twin with an edited trail still runs (reading ignores the trail)")

# ---- another signer, no signature, not HDF5 ----
other = TMP / "other-keys"
check(cli("keys", "new", "--dir", other).returncode == 0, "keys new --dir")
by_other = cli("run", "--duration", 1, "--out", "other.h5", "--signing-key",
               other / "signing.key")
check(by_other.returncode == 0, f"run --signing-key: {by_other.stderr}")
untrusted = cli("verify", TMP / "other.h5", "--trusted-keys", KEYS)
check(untrusted.returncode == 1 and "not among the trusted keys" in untrusted.stdout,
      f"a file signed by an untrusted key: exit 1 ({untrusted.returncode}: {untrusted.stdout})")
trusted = cli("verify", TMP / "other.h5", "--trusted-keys", other)
check(trusted.returncode == 0, "the same file against its signer's key: verified")
check(cli("run", "--duration", 1, "--out", "plain.h5", "--unsigned").returncode == 0,
      "run --unsigned")
plain = cli("verify", TMP / "plain.h5")
check(plain.returncode == 1 and "unsigned" in plain.stdout, "an unsigned file: exit 1, said so")
(TMP / "notes.h5").write_text("not an HDF5 file")
unreadable = cli("verify", TMP / "notes.h5")
check(unreadable.returncode == 2 and "notes.h5" in unreadable.stderr,
      f"a file that is not HDF5: exit 2 ({unreadable.returncode}: {unreadable.stderr})")

# ---- bad keys: exit 2, the file named, nothing written ----
(TMP / "garbage.key").write_text("{not json")
(TMP / "garbage.key").chmod(0o600)
exposed = TMP / "exposed.key"
shutil.copy(private, exposed)
exposed.chmod(0o644)
for key, message in [(TMP / "garbage.key", "not a physiotwin key file"),
                     (public, "a public key, where a private signing key is needed"),
                     (exposed, "readable by others")]:
    r = cli("run", "--duration", 1, "--out", "never.h5", "--signing-key", key)
    check(r.returncode == 2 and message in r.stderr and str(key.name) in r.stderr
          and not (TMP / "never.h5").exists(),
          f"--signing-key {key.name}: exit 2 '{message}', nothing written "
          f"({r.returncode}: {r.stderr})")

shutil.rmtree(TMP)
finish()
