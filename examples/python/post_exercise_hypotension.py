"""Post-exercise hypotension in the reference man (models/scenarios/post_exercise_hypotension.json:
30 minutes at 96 W, 60 % of his VO2 reserve, then two hours of rest; docs/models/exercise.md):
the mean pressure, heart rate, cardiac output and the body's conductance against rest, with the
published falls beside them.

    python examples/python/post_exercise_hypotension.py [output-directory]
"""

import sys
from pathlib import Path

import numpy as np

import physiotwin as pt

out = Path(sys.argv[1] if len(sys.argv) > 1 else "figures")
out.mkdir(parents=True, exist_ok=True)
scenario = (Path(__file__).resolve().parents[2] / "models" / "scenarios"
            / "post_exercise_hypotension.json")

twin = pt.Twin(patient=pt.reference_patient("adult_male"), sample_rate=0.5)
twin.run_scenario(scenario)
beats = twin.beats()
t = np.asarray(beats.time)
stop = 1920.0  # the work ends (the scenario's second action)


def minute_means(metric):
    """1-min means of a beat metric, at the end of each minute, and their times (min after the work)."""
    values = np.asarray(beats[metric])
    ends = np.arange(60.0, t[-1] + 1.0, 60.0)
    means = np.array([values[(t >= e - 60) & (t < e)].mean() for e in ends])
    return (ends - stop) / 60.0, means


minutes, pressure = minute_means("mean_arterial_pressure")
_, rate = minute_means("heart_rate")
_, output = minute_means("cardiac_output")
rest = minutes == (120.0 - stop) / 60.0  # the minute before the work
conductance = output / pressure
print(f"{'after':>6} {'MAP':>6} {'HR':>6} {'CO':>6} {'G':>6}   (change from rest)")
for k in (5, 30, 45, 60, 90, 120):
    i = np.argmin(np.abs(minutes - k))
    print(f"{k:4d} m {pressure[i] - pressure[rest][0]:+6.1f} {rate[i] - rate[rest][0]:+6.1f} "
          f"{100 * (output[i] / output[rest][0] - 1):+5.1f}% "
          f"{100 * (conductance[i] / conductance[rest][0] - 1):+5.1f}%")

from matplotlib.figure import Figure

fig = Figure(figsize=(9, 8), layout="constrained")
ax_map, ax_hr, ax_g = fig.subplots(3, 1, sharex=True)
ax_map.plot(minutes, pressure - pressure[rest][0], label="mean arterial pressure, 1-min means")
ax_map.axhline(0, color="k", lw=0.8)
# Published falls after 60 min of cycling at 60 % VO2peak, supine (mean +- SE, or a band):
published = [(30, -6.5, 1.6, "Lockwood et al. 2005 (n = 14)"),
             (60, -6.7, 1.1, "McCord et al. 2006 (n = 10)"),
             (60, -4.3, 0.0, "Pricher et al. 2004 (n = 16)")]
for k, fall, se, label in published:
    ax_map.errorbar(k, fall, yerr=se or None, fmt="o", capsize=3, label=label)
ax_map.errorbar(45, -5.0, yerr=2.0, fmt="s", color="tab:gray", capsize=3,
                label="Meade et al. 2018: mean of their last 30 min of recovery, +- SD (plotted at 45)")
ax_map.axvline(46, ls="--", color="tab:green", lw=1,
               label="nadir at 46 +- 4.5 min (Wilkins, Minson & Halliwill 2004)")
ax_map.set_ylabel("change from rest (mmHg)")
ax_map.set_ylim(-12, 18)
ax_hr.plot(minutes, rate - rate[rest][0], color="tab:red", label="heart rate")
ax_hr.axhline(0, color="k", lw=0.8)
ax_hr.set_ylabel("change from rest (1/min)")
ax_hr.set_ylim(-5, 80)
ax_g.plot(minutes, 100 * (conductance / conductance[rest][0] - 1), color="tab:purple",
          label="systemic conductance (cardiac output / mean pressure)")
ax_g.plot(minutes, 100 * (output / output[rest][0] - 1), color="tab:orange", label="cardiac output")
ax_g.errorbar(60, 13.8, yerr=5.3, fmt="o", color="tab:purple", capsize=3,
              label="conductance at 60 min: McCord et al. 2006 (mean +- SE)")
ax_g.plot([60], [10.0], "s", color="tab:purple", label="conductance at 60 min: Pricher et al. 2004")
ax_g.axhline(0, color="k", lw=0.8)
ax_g.set_ylabel("change from rest (%)")
ax_g.set_ylim(-20, 150)
ax_g.set_xlabel("time after the work (min); shaded: the 30 min of cycling at 96 W")
for ax in (ax_map, ax_hr, ax_g):
    ax.axvspan(-30, 0, color="tab:orange", alpha=0.15, lw=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")
ax_map.set_title("Post-exercise hypotension: 30 min at 96 W, then rest (reference man, 40 years)")
fig.savefig(out / "post_exercise_hypotension.png", dpi=110)
print(f"wrote {out / 'post_exercise_hypotension.png'}")
