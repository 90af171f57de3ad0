#!/usr/bin/python3
"""HIPAA Safe Harbor (45 CFR 164.514(b)(2)) in every output (issue 11).

Every record in tests/data/fhir goes through `run`, `params` and `calibrate --out`, and the
stored twin through `run` again; every output (stdout, stderr, the HDF5 files read with h5py
and as raw bytes, the twin parameter file) is searched for
  - every string of the record's Patient resource (names, identifiers, address, telecom,
    birth place, mother's maiden name, the narrative) and its geolocation numbers, except
    the gender (which the twin needs) and what is vocabulary rather than the person (keys
    "url", "system", "status", "use", "resourceType"; codes of code systems; strings under
    4 characters, such as "M", "US" or a state's two letters, which any text holds);
  - every date of the record finer than the year (YYYY-MM-DD and YYYY-MM), anywhere in it;
  - an age over 89, which must show as "90 or older".
Also: no output names a path of this machine (the model is named by name and digest).

  test_safe_harbor.py PHYSIOTWIN_CLI DATA_DIR
"""
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py

VOCABULARY_KEYS = {"url", "system", "status", "use", "resourceType", "gender"}


def patient_strings(resource, key=None, parent=None):
    """Leaf strings (and geolocation numbers) of a Patient resource, minus vocabulary."""
    if isinstance(resource, dict):
        coding = "system" in resource and "code" in resource
        for k, v in resource.items():
            if coding and k == "code":
                continue
            yield from patient_strings(v, k, resource)
    elif isinstance(resource, list):
        for v in resource:
            yield from patient_strings(v, key, parent)
    elif isinstance(resource, str):
        if key not in VOCABULARY_KEYS and len(resource) >= 4:
            yield resource
    elif isinstance(resource, float) and key == "valueDecimal" and parent is not None:
        if parent.get("url") in ("latitude", "longitude"):
            yield repr(resource)


# A hex digest of 32 characters or more: the outputs carry SHA-256 digests of the model and of
# their inputs.
HEX_DIGEST = re.compile(r"[0-9a-f]{32,}")


def holds(content, item):
    """Whether `content` discloses `item`. A string of digits (a postal code, an identifier's
    number) discloses only standing alone: "01752" inside the number 6.0175238, or inside a
    digest such as ...b9cf01752adf6..., is a coincidence of the model's digits or of a hash,
    not the record's postal code."""
    if not item.isdigit():
        return item in content
    alone = re.compile(r"(?<![0-9.])" + re.escape(item) + r"(?![0-9])")
    return any(alone.search(part) for part in HEX_DIGEST.split(content))


def hdf5_text(path):
    """Every attribute and every string dataset of an HDF5 file, as text."""
    parts = []

    def add(value):
        if isinstance(value, bytes):
            parts.append(value.decode("utf-8", "replace"))
        elif hasattr(value, "tolist"):
            parts.append(" ".join(str(x.decode() if isinstance(x, bytes) else x)
                                  for x in value.ravel().tolist()) if value.dtype.kind in "SOU"
                         else "")
        else:
            parts.append(str(value))

    with h5py.File(path, "r") as f:
        def visit(name, obj):
            parts.append(name)
            for k, v in obj.attrs.items():
                parts.append(k)
                add(v)
            if isinstance(obj, h5py.Dataset) and obj.dtype.kind in "SO":
                add(obj[()])
        for k, v in f.attrs.items():
            parts.append(k)
            add(v)
        f.visititems(visit)
    return "\n".join(parts) + "\n" + Path(path).read_bytes().decode("latin-1")


def main():
    cli, data = str(Path(sys.argv[1]).resolve()), Path(sys.argv[2]).resolve()
    failures = 0
    # Codes from a table of the test's own (removed with the folder at exit), not the user's.
    table = tempfile.TemporaryDirectory()
    env = dict(os.environ, PHYSIOTWIN_RECORD_CODES=str(Path(table.name) / "record-codes.tsv"))
    records = sorted((data / "fhir").glob("*.json"))
    any_over_89 = False
    assert len(records) >= 10, records
    for record in records:
        bundle = json.loads(record.read_text())
        patient = next(e["resource"] for e in bundle["entry"]
                       if e["resource"]["resourceType"] == "Patient")
        forbidden = set(patient_strings(patient))
        text = record.read_text()
        days = set(re.findall(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)", text))
        forbidden |= days | {d[:7] for d in days}
        # The record file's digest is derived from the record: never in an output file or on
        # stdout (164.514(c)); stderr's messages name the record by it, as issue 11 asks.
        digest = hashlib.sha256(record.read_bytes()).hexdigest()[:16]
        outputs = {}
        with tempfile.TemporaryDirectory() as work:
            work = Path(work)

            def run(name, *args):
                done = subprocess.run([cli, *args], capture_output=True, text=True, env=env,
                                      cwd=work)
                outputs[name + " stdout"] = done.stdout
                outputs[name + " stderr"] = done.stderr
                return done.returncode

            status = run("run", "run", "--patient", str(record), "--duration", "2",
                         "--out", str(work / "run.h5"))
            statuses = (run("params", "params", "--patient", str(record)),
                        run("calibrate", "calibrate", str(record), "--out", str(work / "twin.json")))
            if any(st != status for st in statuses):
                print(f"FAIL {record.name}: run, params and calibrate exited {status}, {statuses}")
                failures += 1
            if status == 0:
                outputs["run.h5"] = hdf5_text(work / "run.h5")
                outputs["twin.json"] = (work / "twin.json").read_text()
                run("run twin", "run", "--patient", str(work / "twin.json"), "--duration", "1",
                    "--out", str(work / "twin.h5"))
                outputs["twin.h5"] = hdf5_text(work / "twin.h5")
            elif "younger than 18" not in outputs["run stderr"]:
                print(f"FAIL {record.name}: run exited {status}: {outputs['run stderr']}")
                failures += 1
        assert len(forbidden) >= 10, (record.name, forbidden)
        for where, content in outputs.items():
            for item in forbidden:
                if holds(content, item):
                    print(f"FAIL {record.name}: {where} holds {item!r}")
                    failures += 1
            if not where.endswith("stderr") and digest in content:
                print(f"FAIL {record.name}: {where} holds the record's digest")
                failures += 1
            for path in ("/work/", "/home/", "/tmp/", str(data)):
                if where.endswith((".h5", ".json")) and path in content:
                    print(f"FAIL {record.name}: {where} names a path of this machine ({path})")
                    failures += 1
        # Ages over 89: "90 or older", never the age. The age is computed here, at the record's
        # latest final Observation (the default as-of date), independently of the tool.
        dates = [o.get("effectiveDateTime", "")[:10] for o in
                 (e["resource"] for e in bundle["entry"])
                 if o.get("resourceType") == "Observation" and o.get("status") == "final"]
        latest, born = max(d for d in dates if d), patient["birthDate"]
        age = int(latest[:4]) - int(born[:4]) - ((latest[5:], ) < (born[5:], ))
        any_over_89 = any_over_89 or age > 89
        if age > 89 and status == 0:
            if "(female, 90 or older years)" not in outputs["run stdout"] and \
                    "(male, 90 or older years)" not in outputs["run stdout"]:
                print(f"FAIL {record.name}: run does not say '90 or older' for an age over 89")
                failures += 1
            stored = json.loads(outputs["twin.json"])["patient"]
            if stored["age"]["value"] != 90 or stored.get("age_90_or_older") is not True:
                print(f"FAIL {record.name}: twin.json does not store the age as 90 or older")
                failures += 1
            shown = re.compile(rf"(\b{age} years|\"value\": ?{age}[,}}]|age[^\n]{{0,20}}\b{age}\b)")
            for where, content in outputs.items():
                if shown.search(content):
                    print(f"FAIL {record.name}: {where} shows the age {age}")
                    failures += 1
        print(f"{record.name[:40]:40} {len(forbidden):4} strings and dates searched in "
              f"{len(outputs)} outputs")
    if not any_over_89:
        print("FAIL: the test records hold no patient over 89: the age check did not run")
        failures += 1
    print(f"{failures} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
