"""A graded cycle-ergometer test in the reference man (models/scenarios/graded_exercise.json:
25 W more every 3 minutes up to 125 W, then recovery; docs/models/exercise.md): O2 uptake,
heart rate, arterial pressures, cardiac output and ventilation, with published responses
beside them.

    python examples/python/graded_exercise.py [output-directory]
"""

import sys
from pathlib import Path

import numpy as np

import physiotwin as pt

out = Path(sys.argv[1] if len(sys.argv) > 1 else "figures")
out.mkdir(parents=True, exist_ok=True)
scenario = Path(__file__).resolve().parents[2] / "models" / "scenarios" / "graded_exercise.json"

twin = pt.Twin(patient=pt.reference_patient("adult_male"), sample_rate=10)
twin.run_scenario(scenario)
beats, breaths, samples = twin.beats(), twin.breaths(), twin.results()
t_beat, t_breath, t = (np.asarray(x) for x in (beats.time, breaths.time, samples.time))
vo2 = np.asarray(samples["lungs.o2_uptake"])
vco2 = np.asarray(samples["lungs.co2_output"])


def stage_mean(times, values, end):
    """Mean over the last minute of the stage ending at `end` s."""
    m = (times >= end - 60) & (times < end)
    return float(np.mean(np.asarray(values)[m]))


print(f"{'W':>4} {'VO2':>6} {'HR':>5} {'SBP':>5} {'DBP':>5} {'CO':>5} {'VE':>5} {'VE/VCO2':>7}")
stages = [(0, 120), (25, 300), (50, 480), (75, 660), (100, 840), (125, 1020)]
for watts, end in stages:
    ve = stage_mean(t_breath, breaths["minute_ventilation"], end)
    print(f"{watts:4d} {stage_mean(t, vo2, end):6.0f} "
          f"{stage_mean(t_beat, beats['heart_rate'], end):5.0f} "
          f"{stage_mean(t_beat, beats['systolic_pressure'], end):5.0f} "
          f"{stage_mean(t_beat, beats['diastolic_pressure'], end):5.0f} "
          f"{stage_mean(t_beat, beats['cardiac_output'], end):5.1f} {ve:5.1f} "
          f"{1000 * ve / stage_mean(t, vco2, end):7.1f}")

from matplotlib.figure import Figure

from trends import trend, trailing_mean

fig = Figure(figsize=(9, 9), layout="constrained")
ax_vo2, ax_hr, ax_bp, ax_ve = fig.subplots(4, 1, sharex=True)
minutes, beat_minutes = t / 60.0, t_beat / 60.0
rest_vo2 = stage_mean(t, vo2, 120)
vo2_trend = trailing_mean(t, vo2)  # uptake swings within each breath: its 15-s mean
ax_vo2.plot(minutes, vo2_trend, label="O2 uptake at the lungs, 15-s mean")
watts = np.asarray(samples["exercise.work_rate"])
ax_vo2.plot(minutes, rest_vo2 + 10.29 * watts, ls=":", color="k", lw=1,
            label="rest + 10.29 mL/min per W (Hansen et al. 1987)")
ax_vo2.set_ylabel("VO2 (mL/min)")
ax_hr.plot(beat_minutes, trend(beats, "heart_rate"), color="tab:red", label="heart rate")
# Swain & Leutholtz 1997: %HR reserve = %VO2 reserve; HRmax 208 - 0.7 x 40 (Tanaka 2001).
hr_rest = stage_mean(t_beat, beats["heart_rate"], 120)
peak = twin.parameters["exercise.peak_o2_uptake"].value
expected_hr = hr_rest + (vo2_trend - rest_vo2) / (peak - rest_vo2) * (180.0 - hr_rest)
stop = stages[-1][1]  # the work ends here: Swain's relation is for exercise, not recovery
during = t < stop
ax_hr.plot(minutes[during], expected_hr[during], ls=":", color="tab:red", lw=1,
           label="%HR reserve = %VO2 reserve (Swain & Leutholtz 1997)")
# Recovery: a single exponential, T = 50.6 s, to 14 /min above rest (Barak et al. 2011, J Sports
# Sci Med 10:369, Table 2: after submaximal cycling, 5 min of seated rest, non-athletes).
after = t >= stop
hr_end = stage_mean(t_beat, beats["heart_rate"], stop)
level = hr_rest + 14.0
ax_hr.plot(minutes[after], level + (hr_end - level) * np.exp(-(t[after] - stop) / 50.6), ls="--",
           color="tab:red", lw=1, label="recovery: T 50.6 s to rest + 14 /min (Barak et al. 2011)")
right = ax_hr.twinx()
right.plot(beat_minutes, trend(beats, "cardiac_output"), color="tab:purple")
right.set_ylabel("cardiac output (L/min)", color="tab:purple")
ax_hr.set_ylabel("heart rate (1/min)")
for metric, label in (("systolic_pressure", "systolic"), ("mean_arterial_pressure", "mean"),
                      ("diastolic_pressure", "diastolic")):
    ax_bp.plot(beat_minutes, trend(beats, metric), label=label)
ax_bp.set_ylabel("arterial pressure (mmHg)")
ax_ve.plot(np.asarray(breaths.time) / 60.0, breaths["minute_ventilation"], label="ventilation (L/min)")
ax_ve.plot(minutes, trailing_mean(t, samples["arterial.pco2"]), label="arterial PCO2 (mmHg), 15-s mean")
ax_ve.set_ylabel("VE (L/min), PaCO2 (mmHg)")
ax_ve.set_xlabel("time (min); shaded: 25, 50, 75, 100, 125 W")
for ax in (ax_vo2, ax_hr, ax_bp, ax_ve):
    for (w, end), shade in zip(stages[1:], (0.04, 0.08, 0.12, 0.16, 0.2)):
        ax.axvspan((end - 180) / 60, end / 60, color="tab:orange", alpha=shade, lw=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
ax_vo2.set_title("Graded cycle-ergometer test, then recovery (reference man, 40 years, 70 kg)")
fig.savefig(out / "graded_exercise.png", dpi=110)
print(f"wrote {out / 'graded_exercise.png'}")
