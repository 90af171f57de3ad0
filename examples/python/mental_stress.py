"""Five minutes of acute mental stress (the stress action, level 1) and recovery, in the
reference man (docs/models/control.md, "Mental stress"): heart rate, systolic and diastolic
pressure and cardiac output, against the published rises of mental arithmetic, and breathing
(rate, tidal volume, minute ventilation, end-tidal CO2).

    python examples/python/mental_stress.py [output-directory]
"""

import sys
from pathlib import Path

import numpy as np

import physiotwin as pt

out = Path(sys.argv[1] if len(sys.argv) > 1 else "figures")
out.mkdir(parents=True, exist_ok=True)

twin = pt.Twin(patient=pt.reference_patient("adult_male"), keep_samples=False)
twin.advance(120.0)
twin.apply("stress", level=1.0)
twin.advance(300.0)
twin.apply("stress", level=0.0)
twin.advance(600.0)
beats = twin.beats()
time = np.asarray(beats.time)
rest, stressed = time < 120.0, (time > 360.0) & (time < 420.0)
for metric, unit in (("heart_rate", "/min"), ("systolic_pressure", "mmHg"),
                     ("diastolic_pressure", "mmHg"), ("cardiac_output", "L/min")):
    values = np.asarray(beats[metric])
    print(f"{metric:>20}: {values[rest].mean():6.1f} -> {values[stressed].mean():6.1f} {unit} "
          f"({100 * (values[stressed].mean() / values[rest].mean() - 1):+.0f} %)")
breaths = twin.breaths()
breath_time = np.asarray(breaths.time)
# A breath's metrics are stamped with its start: the rest window ends a breath before the stress.
breath_rest = breath_time < 110.0
breath_stressed = (breath_time > 360.0) & (breath_time < 415.0)
for metric, unit in (("respiratory_rate", "/min"), ("tidal_volume", "mL"),
                     ("minute_ventilation", "L/min"), ("end_tidal_co2", "mmHg")):
    values = np.asarray(breaths[metric])
    before, during = values[breath_rest].mean(), values[breath_stressed].mean()
    print(f"{metric:>20}: {before:6.1f} -> {during:6.1f} {unit} ({during - before:+.1f})")

from matplotlib.figure import Figure

from trends import trend


fig = Figure(figsize=(9, 8.5), layout="constrained")
top, bottom, breathing = fig.subplots(3, 1, sharex=True)
minutes = time / 60.0
top.plot(minutes, trend(beats, "systolic_pressure"), label="systolic")
top.plot(minutes, trend(beats, "diastolic_pressure"), label="diastolic")
top.plot(minutes, trend(beats, "mean_arterial_pressure"), label="mean")
bottom.plot(minutes, trend(beats, "heart_rate"), color="tab:red", label="heart rate (1/min)")
right = bottom.twinx()
right.plot(minutes, trend(beats, "cardiac_output"), color="tab:purple", label="cardiac output (L/min)")
right.set_ylabel("cardiac output (L/min)")
right.legend(fontsize=8, loc="center right")
hr0 = np.asarray(beats["heart_rate"])[rest].mean()
bottom.axhline(1.27 * hr0, color="tab:red", ls=":", lw=1,
               label="mental arithmetic: +27 % (Jatoi 2014)")
breath_minutes = breath_time / 60.0
breathing.plot(breath_minutes, breaths["respiratory_rate"], color="tab:blue",
               label="breathing rate (1/min)")
rr0 = np.asarray(breaths["respiratory_rate"])[breath_rest].mean()
breathing.axhline(rr0 + 3.0, color="tab:blue", ls=":", lw=1,
                  label="silent stressors: about +3 /min (estimate; docs/research)")
breathing.set_ylabel("breathing rate (1/min), per breath")
co2 = breathing.twinx()
co2.plot(breath_minutes, breaths["end_tidal_co2"], color="tab:green", label="end-tidal CO2 (mmHg)")
co2.set_ylabel("end-tidal CO2 (mmHg)")
co2.legend(fontsize=8, loc="lower right")
breathing.legend(fontsize=8, loc="upper right")
for ax in (top, bottom, breathing):
    ax.axvspan(2, 7, color="tab:orange", alpha=0.08)
    ax.grid(alpha=0.3)
top.set_ylabel("arterial pressure (mmHg), 15-s mean")
bottom.set_ylabel("heart rate (1/min), 15-s mean")
breathing.set_xlabel("time (min); shaded: stress level 1")
top.legend(fontsize=8)
bottom.legend(fontsize=8, loc="upper right")
top.set_title("Acute mental stress for 5 minutes, then recovery (reference man)")
fig.savefig(out / "mental_stress.png", dpi=110)
print(f"wrote {out / 'mental_stress.png'}")
