"""Respiratory sinus arrhythmia and heart rate variability in the reference man
(docs/models/control.md, "Respiratory sinus arrhythmia and heart rate variability"):

- left: the paced_breathing scenario, spontaneous breathing (12 /min), five minutes paced at
  6 /min as in HRV biofeedback, and back: beat-to-beat heart rate, and SDNN and RMSSD over the
  trailing minute;
- right: the arrhythmia per litre of tidal volume against the breathing rate, beside the
  curve Hirsch & Bishop (1981) fitted to 17 adults: flat below the corner frequency
  (7.2 /min), falling 21 dB/decade above it.

    python examples/python/paced_breathing.py [output-directory]
"""

import sys
from pathlib import Path

import numpy as np

import physiotwin as pt

out = Path(sys.argv[1] if len(sys.argv) > 1 else "figures")
out.mkdir(parents=True, exist_ok=True)
man = pt.reference_patient("adult_male")

# The scenario: 2 min spontaneous, 5 min at 6 /min, 3 min spontaneous.
twin = pt.Twin(patient=man, keep_samples=False)
twin.advance(120.0)
twin.apply("paced_breathing", rate=6)
twin.advance(300.0)
twin.apply("paced_breathing", rate=0)
twin.advance(180.0)
beats = twin.beats()
time = np.asarray(beats.time)
hr = np.asarray(beats["heart_rate"])
sdnn, rmssd = np.asarray(beats["sdnn"]), np.asarray(beats["rmssd"])
at = lambda t: np.searchsorted(time, t) - 1  # the last beat before t
for label, t in (("spontaneous", 120.0), ("paced 6 /min", 420.0), ("spontaneous again", 600.0)):
    print(f"{label:>18}: SDNN {sdnn[at(t)]:5.1f} ms, RMSSD {rmssd[at(t)]:5.1f} ms")


def arrhythmia(rate):
    """Mean peak-to-trough heart rate within a breath, and tidal volume (L), over the third
    minute of breathing at `rate` /min."""
    twin = pt.Twin(patient=man, keep_samples=False)
    twin.apply("paced_breathing", rate=rate)
    twin.advance(180.0)
    b, br = twin.beats(), twin.breaths()
    bt, h = np.asarray(b.time), np.asarray(b["heart_rate"])
    starts = np.asarray(br.time)
    swings = [np.ptp(h[(bt >= s) & (bt < e)]) for s, e in zip(starts[:-1], starts[1:]) if s >= 120]
    volume = np.asarray(br["tidal_volume"])[starts >= 120].mean() / 1000.0
    return np.mean(swings), volume


rates = np.array([4, 5, 6, 8, 10, 12, 15, 20, 25])
rsa, volume = np.array([arrhythmia(r) for r in rates]).T
per_litre = rsa / volume
for r, a, v in zip(rates, rsa, volume):
    print(f"{r:3d} /min: RSA {a:5.1f} /min at {1000 * v:4.0f} mL ({a / v:5.1f} /min per L)")

from matplotlib.figure import Figure

fig = Figure(figsize=(11, 4.6), layout="constrained")
left, right = fig.subplots(1, 2, width_ratios=[1.5, 1])
minutes = time / 60.0
left.plot(minutes, hr, color="tab:red", lw=0.8, label="heart rate (1/min)")
left.set_ylabel("heart rate (1/min)")
left.set_xlabel("time (min); shaded: paced breathing at 6 /min")
left.axvspan(2, 7, color="tab:blue", alpha=0.08)
hrv = left.twinx()
hrv.plot(minutes, sdnn, color="tab:green", label="SDNN, last 60 s (ms)")
hrv.plot(minutes, rmssd, color="tab:purple", label="RMSSD, last 60 s (ms)")
hrv.set_ylabel("ms")
hrv.set_ylim(0, None)
left.legend(fontsize=8, loc="upper left")
hrv.legend(fontsize=8, loc="upper right")
left.set_title("Paced breathing: respiratory sinus arrhythmia and HRV")
left.grid(alpha=0.3)

# Hirsch & Bishop's fitted shape, drawn through the model's low-frequency level (their
# intercept per litre is not in the abstract): flat below 7.2 /min, -21 dB/decade above.
level = per_litre[rates < 6].mean()
f = np.logspace(np.log10(3), np.log10(30), 100)
published = level * np.minimum(1.0, (f / 7.2) ** (-21 / 20))
right.loglog(f, published, color="gray", ls="--",
             label="Hirsch & Bishop 1981: corner 7.2 /min, -21 dB/decade")
right.fill_betweenx([per_litre.min() / 1.5, level * 1.5], 7.2 - 1.5, 7.2 + 1.5, color="gray",
                    alpha=0.12, label="their corner, mean ± SD")
right.loglog(rates, per_litre, "o-", color="tab:red", label="model")
right.set_xlabel("breathing rate (1/min)")
right.set_ylabel("RSA per litre of tidal volume (1/min per L)")
right.set_title("Arrhythmia against breathing rate")
from matplotlib.ticker import NullFormatter, ScalarFormatter

for axis, ticks in ((right.xaxis, [3, 4, 6, 8, 10, 15, 20, 30]), (right.yaxis, [5, 10, 20, 30])):
    axis.set_major_formatter(ScalarFormatter())
    axis.set_minor_formatter(NullFormatter())
    axis.set_ticks(ticks)
right.legend(fontsize=8, loc="lower left")
right.grid(alpha=0.3, which="both")
fig.savefig(out / "paced_breathing.png", dpi=110)
print(f"wrote {out / 'paced_breathing.png'}")
