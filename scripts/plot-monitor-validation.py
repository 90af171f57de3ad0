#!/usr/bin/env python3
"""The monitor's validation figure (docs/monitoring.md, "Validation"): for each scenario run by
examples/cpp/monitor_validation.cpp, the truth against the ensemble's estimate (mean +- SD) and
the alerts raised.

    for s in fast bleed heart steady; do monitor_validation $s models /tmp/mv/$s 16; done
    /usr/bin/python3 scripts/plot-monitor-validation.py /tmp/mv docs/images/monitor_validation.png
"""
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

folder, out = Path(sys.argv[1]), Path(sys.argv[2])
panels = [
    ("fast", "3 L shed in 30 min from minute 10", "volume"),
    ("bleed", "500 mL/h from minute 30", "volume"),
    ("heart", "contractility -30 % over 1 h from minute 30", "contractility"),
    ("steady", "12 h at rest (noise only)", "volume"),
]
fig, axes = plt.subplots(len(panels), 2, figsize=(12, 3.2 * len(panels)), squeeze=False)
for row, (name, title, kind) in enumerate(panels):
    track_file = folder / f"{name}_track.csv"
    if not track_file.exists():
        for ax in axes[row]:
            ax.set_axis_off()
        continue
    t = pd.read_csv(track_file)
    alerts = [json.loads(line) for line in open(folder / f"{name}_alerts.ndjson")]
    hours = t["minute"] / 60.0
    left, right = axes[row]
    if kind == "volume":
        left.plot(hours, t["truth_volume"], "k", label="truth")
        left.plot(hours, t["volume"], "C0", label="estimate")
        left.fill_between(hours, t["volume"] - t["volume_sd"], t["volume"] + t["volume_sd"],
                          color="C0", alpha=0.25, label="± 1 SD")
        left.set_ylabel("blood volume (mL)")
    else:
        left.plot(hours, t["truth_contractility"], "k", label="truth")
        left.plot(hours, t["contractility_factor"], "C0", label="estimate")
        left.fill_between(hours, t["contractility_factor"] - t["contractility_sd"],
                          t["contractility_factor"] + t["contractility_sd"], color="C0",
                          alpha=0.25, label="± 1 SD")
        left.set_ylabel("contractility factor")
    left.set_title(f"{name}: {title}", fontsize=10)
    right.plot(hours, t["truth_cardiac_output"], "k", label="truth")
    right.plot(hours, t["cardiac_output"], "C1", label="estimate")
    right.fill_between(hours, t["cardiac_output"] - t["cardiac_output_sd"],
                       t["cardiac_output"] + t["cardiac_output_sd"], color="C1", alpha=0.25)
    right.set_ylabel("cardiac output (L/min)")
    right.set_title(f"{len(alerts)} alerts (vertical lines)", fontsize=10)
    for a in alerts:
        # monitoring began a minute before the first observation: the truth's time zero
        h = a["extension"][0]["valueQuantity"]["value"] / 3600.0
        colour = {"vital_sign": "C3", "estimate": "C2", "derived": "C4", "forecast": "C5"}[
            a["code"]["coding"][0]["display"]]
        for ax in (left, right):
            ax.axvline(h, color=colour, lw=0.8, alpha=0.7)
    for ax in (left, right):
        ax.set_xlabel("time (h)")
        ax.grid(alpha=0.3)
    left.legend(fontsize=8, loc="lower left")
fig.text(0.5, 0.005, "alert lines: red vital sign, green estimate, purple cardiac output, "
         "brown forecast", ha="center", fontsize=9)
fig.tight_layout(rect=(0, 0.02, 1, 1))
out.parent.mkdir(parents=True, exist_ok=True)
fig.savefig(out, dpi=90)
print(f"wrote {out}")
