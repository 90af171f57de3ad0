"""Haemorrhage of 10, 20, 30 and 40 % of blood volume over 10 minutes in the reference man,
against patients, volunteers and the ATLS classes (docs/models/control.md, "Graded
haemorrhage"): heart rate, systolic and diastolic pressure, cardiac output and central venous
pressure, averaged over 15 s.

    python examples/python/graded_hemorrhage.py [output-directory]
"""

import sys
from pathlib import Path

import numpy as np

import physiotwin as pt

out = Path(sys.argv[1] if len(sys.argv) > 1 else "figures")
out.mkdir(parents=True, exist_ok=True)

patient = pt.reference_patient("adult_male")
runs = {}
for fraction in (0.10, 0.20, 0.30, 0.40):
    twin = pt.Twin(patient=patient, keep_samples=False)
    volume = fraction * twin.parameters["blood.volume"].value
    twin.advance(60.0)
    twin.apply("hemorrhage", rate=volume / 10.0, volume=volume)
    twin.advance(900.0)  # 10 minutes of bleeding, 5 without treatment
    beats = twin.beats()
    runs[fraction] = beats
    end = np.asarray(beats.time) > 650.0
    before = np.asarray(beats.time) < 60.0
    hr, sbp = np.asarray(beats["heart_rate"]), np.asarray(beats["systolic_pressure"])
    print(f"{100 * fraction:3.0f} % ({volume:4.0f} mL): heart rate {hr[before].mean():.0f} -> "
          f"{hr[end].mean():.0f} /min, systolic {sbp[before].mean():.0f} -> "
          f"{sbp[end].mean():.0f} mmHg")

from matplotlib.figure import Figure

from trends import trend


fig = Figure(figsize=(10, 7), layout="constrained")
axes = fig.subplots(2, 2, sharex=True).ravel()
panels = (("heart_rate", "heart rate (1/min)"),
          ("systolic_pressure", "systolic / diastolic pressure (mmHg)"),
          ("cardiac_output", "cardiac output (L/min)"),
          ("central_venous_pressure", "central venous pressure (mmHg)"))
colours = dict(zip(runs, ("tab:green", "tab:olive", "tab:orange", "tab:red")))
for ax, (metric, label) in zip(axes, panels):
    for fraction, beats in runs.items():
        minutes = np.asarray(beats.time) / 60.0
        ax.plot(minutes, trend(beats, metric), color=colours[fraction], lw=1.2,
                label=f"{100 * fraction:.0f} % lost")
        if metric == "systolic_pressure":
            ax.plot(minutes, trend(beats, "diastolic_pressure"), color=colours[fraction], lw=1.0,
                    ls="--")
    ax.axvspan(1, 11, color="tab:red", alpha=0.06)
    ax.set_ylabel(label + ", 15-s mean")
    ax.grid(alpha=0.3)
# What people show at the end of such losses (docs/research/haemorrhage-evidence.md), beside
# ATLS 9th edition's pulse bands (class II 100-120, III 120-140), which registries and these
# series contradict (the 10th edition shows arrows).
baseline = float(np.mean(trend(runs[0.20], "heart_rate")[:100]))
axes[0].errorbar([11.5], [73.0], yerr=[[6.0], [6.0]], fmt="o", color="k", ms=5, capsize=3,
                 label="patients, 36 % lost: 73 ± 2×3 (Sander-Jensen 1986)")
axes[0].plot([12.2], [83.0], "s", color="k", ms=5,
             label="patients, about 34 % lost: median 83 (Jacobsen & Secher 1992)")
axes[0].plot([12.9], [baseline + 7.0], "^", color="tab:olive", mec="k", ms=6,
             label="volunteers, 1 L (about 20 %): +7 (Johnson 2014)")
axes[0].axhspan(100, 120, color="tab:orange", alpha=0.08, label="ATLS 9th ed. class II pulse")
axes[0].axhspan(120, 140, color="tab:red", alpha=0.08, label="ATLS 9th ed. class III pulse")
axes[0].legend(fontsize=7, loc="upper left")
for ax in axes[2:]:
    ax.set_xlabel("time (min); shaded: bleeding")
fig.suptitle("Graded haemorrhage over 10 minutes, reference man (4.8 L of blood)")
fig.savefig(out / "graded_hemorrhage.png", dpi=110)
print(f"wrote {out / 'graded_hemorrhage.png'}")
