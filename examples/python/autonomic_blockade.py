"""Autonomic blockade in the reference man (the autonomic_blockade action; docs/models/control.md,
"Autonomic blockade"): the heart rate and its beat-to-beat variability at rest and in 6-min
stages at 30 and 60 % of the VO2 reserve, unblocked, under atropine (vagal 1), under a
beta-blocker (beta 0.7, propranolol's falls in a supine study) and under both, beside the published
ratios (atropine 1.58-1.72 x rest, the intrinsic rate 1.26-1.31 x, propranolol -13 % at rest and
-21 % in exercise).

    python examples/python/autonomic_blockade.py [output-directory]
"""

import sys
from pathlib import Path

import numpy as np

import physiotwin as pt
from trends import trend

out = Path(sys.argv[1] if len(sys.argv) > 1 else "figures")
out.mkdir(parents=True, exist_ok=True)

REST, BLOCKED, STAGE = 120.0, 300.0, 360.0
CASES = {"unblocked": {}, "atropine (vagal 1)": {"vagal": 1.0},
         "beta-blocker (beta 0.7)": {"beta": 0.7}, "both (vagal 1, beta 1)": {"vagal": 1.0, "beta": 1.0}}

runs = {}
for label, shares in CASES.items():
    twin = pt.Twin(patient=pt.reference_patient("adult_male"), keep_samples=False)
    twin.advance(REST)
    if shares:
        twin.apply("autonomic_blockade", **shares)
    twin.advance(BLOCKED)
    peak = twin.parameters["exercise.peak_o2_uptake"].value
    for share in (0.3, 0.6):
        twin.apply("exercise", watts=share * (peak - 246.0) / 10.29)
        twin.advance(STAGE)
    runs[label] = twin.beats()


def last_minute(beats, metric, end):
    time = np.asarray(beats.time)
    return np.asarray(beats[metric])[(time > end - 60.0) & (time <= end)].mean()


ends = {"rest": REST, "blocked": REST + BLOCKED, "30 %": REST + BLOCKED + STAGE,
        "60 %": REST + BLOCKED + 2 * STAGE}
rest = last_minute(runs["unblocked"], "heart_rate", REST)
print(f"{'':>26} " + " ".join(f"{k:>14}" for k in ends))
for label, beats in runs.items():
    cells = [f"{last_minute(beats, 'heart_rate', e):6.1f} ({last_minute(beats, 'rmssd', e):4.1f})"
             for e in ends.values()]
    print(f"{label:>26} " + " ".join(f"{c:>14}" for c in cells) + "   heart rate /min (RMSSD ms)")

from matplotlib.figure import Figure

fig = Figure(figsize=(9, 7.5), layout="constrained")
top, bottom = fig.subplots(2, 1, sharex=True)
for (label, beats), color in zip(runs.items(), ("black", "tab:red", "tab:blue", "tab:purple")):
    minutes = np.asarray(beats.time) / 60.0
    top.plot(minutes, trend(beats, "heart_rate"), color=color, label=label)
    bottom.plot(minutes, np.asarray(beats["rmssd"]), color=color, label=label)
blocked_end = (REST + BLOCKED) / 60.0
for ratio, text, color, dy in (
        (1.58, "atropine at rest: 1.58-1.72 x (Maciel 1985; Cumming & Mir 1970)", "tab:red", 2.0),
        (1.26, "intrinsic rate: 1.26-1.31 x (Cumming & Mir; Jose & Collison 1970)", "tab:purple",
         -5.0),
        (0.87, "propranolol at rest: -13 % (supine, n = 6)", "tab:blue", -5.0)):
    top.hlines(ratio * rest, REST / 60.0, blocked_end, color=color, ls=":", lw=1.5)
    top.annotate(text, (REST / 60.0 + 0.3, ratio * rest + dy), fontsize=7, color=color)
# Propranolol in exercise: -21 % against the same work unblocked (the same study).
unblocked_60 = last_minute(runs["unblocked"], "heart_rate", ends["60 %"])
stage_60 = (ends["30 %"] / 60.0, ends["60 %"] / 60.0)
top.hlines(0.79 * unblocked_60, *stage_60, color="tab:blue", ls=":", lw=1.5)
top.annotate("propranolol in exercise: -21 %", (stage_60[0] + 0.1, 0.79 * unblocked_60 - 5.0),
             fontsize=7, color="tab:blue")
for ax in (top, bottom):
    ax.axvspan(0, REST / 60.0, color="grey", alpha=0.08)
    ax.axvspan(blocked_end, blocked_end + STAGE / 60.0, color="tab:orange", alpha=0.08)
    ax.axvspan(blocked_end + STAGE / 60.0, blocked_end + 2 * STAGE / 60.0, color="tab:orange",
               alpha=0.16)
    ax.grid(alpha=0.3)
top.set_ylim(bottom=50.0)
top.set_ylabel("heart rate (1/min), 15-s mean")
top.legend(fontsize=8, loc="upper left")
bottom.set_ylabel("RMSSD (ms), per beat over its window")
bottom.set_xlabel("time (min); grey: rest; the blockade from 2 min; orange: 30 %, then 60 % of "
                  "the VO2 reserve")
fig.suptitle("Autonomic blockade, reference man (40 years, 70 kg)")
fig.savefig(out / "autonomic_blockade.png", dpi=110)
print(f"wrote {out / 'autonomic_blockade.png'}")
