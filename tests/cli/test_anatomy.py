#!/usr/bin/python3
"""Compartments' anatomy (docs/anatomy.md): declared once in the model files, the same in the
docs' table and in a run's /model, and where anatomy puts it.

  test_anatomy.py PHYSIOTWIN_CLI MODELS_DIR ANATOMY_MD
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np

from checks import check, finish  # tests/cli/checks.py

CLI, MODELS, PAGE = (Path(p).resolve() for p in sys.argv[1:4])


# ---- the docs' table is the model files' -----------------------------------------------------
table = {}
for line in PAGE.read_text().splitlines():
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) == 7 and cells[1].startswith("`"):
        table[(cells[0], cells[1].strip("`"))] = cells
models = {"adult": MODELS / "circulation/adult.json", "smith2004": MODELS / "circulation/smith2004.json"}
anatomy = {}
for model, path in models.items():
    for c in json.loads(path.read_text())["compartments"]:
        a = c.get("anatomy")
        check(a is not None, f"{model}: compartment {c['name']} has no anatomy")
        if a is None:
            continue
        anatomy[(model, c["name"])] = a
        row = table.get((model, c["name"]))
        check(row is not None, f"docs/anatomy.md lacks {model} {c['name']}")
        if row is None:
            continue
        p = a["position"]
        check(row[2] == f"{a['snomed_ct']} {a['snomed_ct_display']}", f"{model} {c['name']}: SNOMED CT {row[2]}")
        check(row[3] == f"{a['fma']} {a['fma_display']}", f"{model} {c['name']}: FMA {row[3]}")
        check([float(v) for v in row[4].split(",")] == p["value"] and float(row[5]) == p["uncertainty"]
              and row[6] == p["basis"], f"{model} {c['name']}: position {row[4]} ± {row[5]}")
check(len(table) == len(anatomy), f"docs/anatomy.md has {len(table)} rows, the models {len(anatomy)}")

# ---- where anatomy puts them (LPS frame: +x left, +y posterior, +z up; metres) -------------------
pos = {name: np.array(a["position"]["value"]) for (model, name), a in anatomy.items() if model == "adult"}
x, y, z = 0, 1, 2
check(pos["lv"][x] > pos["ra"][x] and pos["lv"][x] > 0 > pos["ra"][x],
      "the left ventricle lies left of the midline, the right atrium right of it")
check(pos["rv"][y] < pos["la"][y], "the right ventricle is anterior to the left atrium")
check(pos["brain_capillaries"][z] > pos["aorta"][z] > pos["renal_capillaries"][z] > pos["muscle_capillaries"][z]
      > pos["muscle_veins"][z] > 0, "head above heart above kidneys above thigh above calf above the floor")
heart = [pos[c] for c in ("la", "lv", "ra", "rv", "coronary_capillaries", "coronary_veins")]
check(max(np.linalg.norm(p - q) for p in heart for q in heart) < 0.15, "the heart's points within 15 cm")
check(all(0 < p[z] < 1.76 and abs(p[x]) < 0.3 and abs(p[y]) < 0.15 for p in pos.values()),
      "every point inside a 1.76 m body")

# ---- a run's /model carries them -----------------------------------------------------------------
with tempfile.TemporaryDirectory() as folder:
    out = Path(folder) / "twin.h5"
    run = subprocess.run([str(CLI), "run", "--duration", "0.5", "--out", str(out)], capture_output=True, text=True)
    check(run.returncode == 0, f"run failed: {run.stderr}")
    with h5py.File(out) as f:
        m = f["model"]
        check("LPS" in m.attrs["body_frame"] and m.attrs["position_reference_height"] == 1.76,
              "/model states the frame and the stature")
        for name, a in ((n, a) for (model, n), a in anatomy.items() if model == "adult"):
            g = m["compartments"][name]
            check(g.attrs["snomed_ct"] == a["snomed_ct"] and g.attrs["fma"] == a["fma"]
                  and list(g.attrs["position"]) == a["position"]["value"]
                  and g.attrs["position_uncertainty"] == a["position"]["uncertainty"],
                  f"/model/compartments/{name}: the model file's anatomy")

# ---- a bad anatomy names its JSON path --------------------------------------------------------
with tempfile.TemporaryDirectory() as folder:
    model = json.loads(models["adult"].read_text())
    model["compartments"][1]["anatomy"]["fma"] = "7101"
    bad = Path(folder) / "bad.json"
    bad.write_text(json.dumps(model))
    run = subprocess.run([str(CLI), "run", "--model", str(bad), "--duration", "0.5", "--out",
                          str(Path(folder) / "x.h5")], capture_output=True, text=True)
    check(run.returncode == 2 and "compartments[1].anatomy.fma" in run.stderr and "FMA:" in run.stderr,
          f"a malformed FMA id: exit {run.returncode}, {run.stderr}")

finish()
