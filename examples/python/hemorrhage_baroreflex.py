"""A haemorrhage of 1000 mL over 5 minutes, with and without the baroreflex: the reflex
defends the arterial pressure by raising heart rate and resistance.

    python examples/python/hemorrhage_baroreflex.py [output-directory]
"""

import sys
from pathlib import Path

import physiotwin as pt

out = Path(sys.argv[1] if len(sys.argv) > 1 else "figures")
out.mkdir(parents=True, exist_ok=True)

model = pt.personalise(pt.reference_patient("adult_male"))
runs = {}
for label, reflex in (("with baroreflex", 1.0), ("without baroreflex", 0.0)):
    twin = pt.Twin(model=model, parameters={"baroreflex.enabled": reflex}, keep_samples=False)
    twin.advance(30.0)
    twin.apply("hemorrhage", rate=200, volume=1000)
    twin.advance(360.0)
    runs[label] = twin.beats()
    beats = runs[label]
    print(f"{label:>20}: MAP {beats['mean_arterial_pressure'][0]:.0f} -> "
          f"{beats['mean_arterial_pressure'][-1]:.0f} mmHg, heart rate "
          f"{beats['heart_rate'][0]:.0f} -> {beats['heart_rate'][-1]:.0f} /min")

from matplotlib.figure import Figure

fig = Figure(figsize=(8, 6), layout="constrained")
top, bottom = fig.subplots(2, 1, sharex=True)
for label, beats in runs.items():
    top.plot(beats.time, beats["mean_arterial_pressure"], label=label)
    bottom.plot(beats.time, beats["heart_rate"], label=label)
for ax in (top, bottom):
    ax.axvspan(30, 330, color="tab:red", alpha=0.08)
    ax.grid(alpha=0.3)
top.set_ylabel("mean arterial pressure (mmHg)")
bottom.set_ylabel("heart rate (1/min)")
bottom.set_xlabel("time (s); shaded: bleeding 200 mL/min")
top.legend()
top.set_title("Haemorrhage of 1000 mL with and without the baroreflex")
fig.savefig(out / "hemorrhage_baroreflex.png", dpi=120)
print(f"wrote {out / 'hemorrhage_baroreflex.png'}")
