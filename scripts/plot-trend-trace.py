#!/usr/bin/env python3
"""The trend alert at work (docs/monitoring.md, "Trend alert"): one draw of a resting adult's
twin bleeding 500 mL/h from the end of the 4-hour baseline window, and one of the same twin at
rest, each read by a wrist (heart rate each minute) and a cuff (each 30 minutes) with white
errors: the readings, the patient's baseline the test learns, and both patterns' sums against
the threshold h.

    trend_validation models 1 14400 trace /tmp/trend   # examples/cpp/trend_validation.cpp
    /usr/bin/python3 scripts/plot-trend-trace.py /tmp/trend docs/images/trend_alert.png
"""
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

folder, out = Path(sys.argv[1]), Path(sys.argv[2])
THRESHOLD = 8.0  # TrendOptions::threshold, the monitor's default h
WINDOW_H = 4.0  # the baseline window, and the bleed's onset

trace = pd.read_csv(folder / "trend_trace.csv")
trace["hour"] = trace["minute"] / 60.0
columns = [("bleed", "500 mL/h from hour 4"), ("rest", "at rest (errors only)")]
fig, axes = plt.subplots(3, 2, figsize=(12, 8.5), sharex=True, squeeze=False)
for col, (scenario, title) in enumerate(columns):
    t = trace[trace["scenario"] == scenario]
    hr, sbp, dbp = (t[t["measure"] == m] for m in
                    ("heart_rate", "systolic_pressure", "diastolic_pressure"))
    top, middle, bottom = axes[:, col]
    top.plot(hr["hour"], hr["reading"], ".", color="0.6", markersize=3, label="wrist reading")
    top.plot(hr["hour"], hr["baseline"], "C0", label="baseline the test learns")
    top.set_ylabel("heart rate (/min)")
    top.set_title(title)
    for series, colour, name in ((sbp, "C3", "systolic"), (dbp, "C1", "diastolic")):
        middle.plot(series["hour"], series["reading"], "o", color=colour, markersize=4,
                    label=f"cuff {name}")
        middle.plot(series["hour"], series["baseline"], "-", color=colour, alpha=0.6)
    middle.set_ylabel("pressure (mmHg)")
    bottom.plot(t["hour"], t["blood_loss"], "C3", label="blood-loss pattern")
    bottom.plot(t["hour"], t["failing_heart"], "C2", label="failing-heart pattern")
    bottom.axhline(THRESHOLD, color="k", linestyle=":", label=f"h = {THRESHOLD:g}")
    for hour in t.loc[t["alert"] == 1, "hour"]:
        for ax in (top, middle, bottom):
            ax.axvline(hour, color="C3", linewidth=1.5)
        bottom.annotate(f"alert at {hour:.1f} h\n({(hour - WINDOW_H) * 60:.0f} min after onset)",
                        (hour, THRESHOLD), xytext=(-8, 40), textcoords="offset points",
                        ha="right", color="C3")
    bottom.set_ylabel("CUSUM sum")
    bottom.set_xlabel("hours since monitoring began")
    for ax in (top, middle, bottom):
        ax.axvspan(0, WINDOW_H, color="0.92", zorder=0)
        ax.grid(alpha=0.3)
    top.text(WINDOW_H / 2, 0.97, "baseline window", transform=top.get_xaxis_transform(),
             ha="center", va="top", color="0.4")
    if scenario == "bleed":
        for ax in (top, middle, bottom):
            ax.axvline(WINDOW_H, color="k", linewidth=0.8)
top_of_sums = max(trace["blood_loss"].max(), trace["failing_heart"].max(), THRESHOLD) * 1.08
for ax in axes[2]:
    ax.set_ylim(-0.5, top_of_sums)  # both columns on one scale
axes[0, 0].legend(loc="lower left", fontsize=8)
axes[1, 0].legend(loc="lower left", fontsize=8)
axes[2, 1].legend(loc="upper left", fontsize=8)
fig.suptitle("The trend alert: a slow bleed that no single reading shows (one draw each)")
fig.tight_layout()
fig.savefig(out, dpi=110)
print(f"wrote {out}")
