"""Breathing 12 % O2 and 100 % O2, ten and fifteen minutes from rest, in the reference man
(docs/models/control.md, "Hypoxic tachycardia" and "Local O2 vascular tone"): heart rate, mean
arterial pressure, SpO2 and minute ventilation against time, and the heart rate's change
against the inspired O2 beside the published points (Halliwill & Minson 2002 at 12 %, heart
rate and mean pressure; Kaczmarek et al. 2016 on 100 %).

    python examples/python/inspired_oxygen.py [output-directory]
"""

import sys
from pathlib import Path

import numpy as np

import physiotwin as pt
from trends import trend

out = Path(sys.argv[1] if len(sys.argv) > 1 else "figures")
out.mkdir(parents=True, exist_ok=True)

ONSET = 120.0


def breathe(fio2, minutes):
    """The reference man on `fio2` (no CO2) from ONSET for `minutes`; its beats and breaths."""
    twin = pt.Twin(patient=pt.reference_patient("adult_male"), keep_samples=False)
    twin.advance(ONSET)
    twin.apply("inspired_gas", fio2=fio2, fico2=0.0)
    twin.advance(60.0 * minutes)
    return twin.beats(), twin.breaths()


def change(table, metric, minutes, rest_end=ONSET - 10.0):
    """The metric's mean over the last minute less its mean at rest."""
    time, values = np.asarray(table.time), np.asarray(table[metric])
    end = ONSET + 60.0 * minutes
    return values[(time > end - 70.0) & (time < end - 10.0)].mean() - values[time < rest_end].mean()


runs = {0.12: 10.0, 1.0: 15.0}
results = {f: breathe(f, m) for f, m in runs.items()}
steps = {}
for fio2 in (0.18, 0.16, 0.14, 0.12, 0.10, 1.0):
    beats, _ = results[fio2] if fio2 in results else breathe(fio2, 10.0)
    steps[fio2] = change(beats, "heart_rate", runs.get(fio2, 10.0))
    print(f"FiO2 {fio2:4.2f}: heart rate {steps[fio2]:+5.1f} /min")

from matplotlib.figure import Figure

fig = Figure(figsize=(11, 7.5), layout="constrained")
grid = fig.add_gridspec(3, 2, width_ratios=[2.2, 1])
axes = [fig.add_subplot(grid[i, 0]) for i in range(3)]
for ax in axes[1:]:
    ax.sharex(axes[0])
colours = {0.12: "tab:blue", 1.0: "tab:red"}
ventilation = axes[2].twinx()
for fio2, (beats, breaths) in results.items():
    label = f"{100 * fio2:.0f} % O2"
    minutes = (np.asarray(beats.time) - ONSET) / 60.0
    axes[0].plot(minutes, trend(beats, "heart_rate"), color=colours[fio2], label=label)
    axes[1].plot(minutes, trend(beats, "mean_arterial_pressure"), color=colours[fio2], label=label)
    breath_minutes = (np.asarray(breaths.time) - ONSET) / 60.0
    axes[2].plot(breath_minutes, breaths["spo2"], color=colours[fio2], label=f"SpO2, {label}")
    ventilation.plot(breath_minutes, breaths["minute_ventilation"], color=colours[fio2], ls="--",
                     lw=1, label=f"ventilation, {label}")
ventilation.set_ylabel("minute ventilation (L/min), dashed")
# Halliwill & Minson 2002's mean-pressure rise at 12 % O2, from the model's own rest.
beats_12 = results[0.12][0]
rest_map = np.asarray(beats_12["mean_arterial_pressure"])[np.asarray(beats_12.time) < ONSET - 10.0]
axes[1].plot([10.0], [rest_map.mean() + 8.3], "s", color="k",
             label="16 men, 12 % O2: +8.3\n(Halliwill & Minson 2002)")
axes[1].legend(fontsize=8)
axes[0].set_ylabel("heart rate (1/min)\n15-s mean")
axes[1].set_ylabel("mean arterial\npressure (mmHg)")
axes[2].set_ylabel("SpO2 (%)")
axes[2].set_xlabel("minutes after the switch from room air")
for ax in axes:
    ax.axvline(0.0, color="0.5", lw=0.8)
    ax.grid(alpha=0.3)
axes[0].legend(fontsize=8)
axes[0].set_title("The reference man breathing 12 % and 100 % O2 from rest")

dose = fig.add_subplot(grid[:, 1])
steps[0.2094] = 0.0  # room air: the rest itself
fractions = sorted(steps)
dose.plot([100 * f for f in fractions], [steps[f] for f in fractions], "o-", color="tab:purple",
          label="model: last minute\n(15 min on 100 %, else 10)")
dose.errorbar([12.0], [19.6], yerr=[[11.6], [11.6]], fmt="s", color="k", capsize=3,
              label="16 men, 12 % O2: +19.6 ± SD\n(Halliwill & Minson 2002)")
dose.plot([100.0], [-4.0], "D", color="k", label="19 adults, 100 % O2: −4\n(Kaczmarek et al. 2016)")
dose.axhline(0.0, color="0.5", lw=0.8)
dose.set_xscale("log")
dose.set_xticks([10, 14, 21, 40, 100], labels=["10", "14", "21", "40", "100"])
dose.minorticks_off()
dose.set_xlabel("inspired O2 (%)")
dose.set_ylabel("heart rate change from rest (1/min)")
dose.set_title("Heart rate against inspired O2")
dose.legend(fontsize=7.5, loc="upper right")
dose.grid(alpha=0.3)
fig.savefig(out / "inspired_oxygen.png", dpi=110)
print(f"wrote {out / 'inspired_oxygen.png'}")
