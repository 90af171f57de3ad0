"""An in-silico study: blood pressure across adult life in a virtual population.

500 adults aged 20-90 (both sexes, body sizes of US adults by sex: docs/cohorts.md), drawn by
a Sobol design, each twin run for 40 s on every core; systolic, diastolic and pulse pressure
over the last 10 s against age, beside the pattern the Framingham Heart Study found (Franklin
et al. 1997, Circulation 96:308): systolic pressure rising through adult life, diastolic
pressure rising to about 50-60 years and falling after, pulse pressure widening after 50.
How large the twin's rise may be, between the general population's and that of screened
healthy people, is checked in tests/validation/test_aging.cpp.

    python3 examples/python/virtual_population_age.py OUTPUT_DIRECTORY [SIZE]
"""

import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import physiotwin as pt

out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
size = int(sys.argv[2]) if len(sys.argv) > 2 else 500
out.mkdir(parents=True, exist_ok=True)

window = [30, 40]
cohort = pt.Cohort({
    "format": "physiotwin-cohort", "version": 1, "name": "age_study", "duration": 40,
    "population": {
        "size": size, "design": "sobol", "seed": 1997,
        "age": {"distribution": "uniform", "min": 20, "max": 90},
        "height": {"male": {"distribution": "normal", "mean": 175.3, "sd": 7.5},
                   "female": {"distribution": "normal", "mean": 161.3, "sd": 7.0}},
        "weight": {"male": {"distribution": "lognormal", "median": 88.5, "sigma": 0.21},
                   "female": {"distribution": "lognormal", "median": 74.5, "sigma": 0.25}},
        "correlations": [{"between": ["height", "weight"], "coefficient": 0.45}]},
    "outputs": {"beats": False, "breaths": False, "summaries": [
        {"metric": "systolic_pressure", "window": window},
        {"metric": "diastolic_pressure", "window": window},
        {"metric": "pulse_pressure", "window": window}]}})
summary = cohort.run(out / "age_study.h5", progress=lambda done, failed, total: None)
ok = summary[summary.status == "ok"]
print(f"{len(ok)} of {len(summary)} members ran")

decades = np.arange(20, 91, 10)
fig, axes = plt.subplots(1, 3, figsize=(13, 4.2), sharex=True)
for ax, column, title in zip(axes, ["systolic_pressure_mean", "diastolic_pressure_mean",
                                    "pulse_pressure_mean"],
                             ["systolic", "diastolic", "pulse pressure"]):
    for sex, colour in [("male", "tab:blue"), ("female", "tab:red")]:
        group = ok[ok.sex == sex]
        ax.scatter(group.age_years, group[column], s=6, alpha=0.35, color=colour, label=sex)
        centres, means = [], []
        for low in decades[:-1]:
            inside = group[(group.age_years >= low) & (group.age_years < low + 10)]
            if len(inside) >= 2:
                centres.append(low + 5)
                means.append(inside[column].mean())
        ax.plot(centres, means, "-o", color=colour, lw=2, ms=4)
    ax.set_title(f"{title} (mean over {window[0]}-{window[1]} s)")
    ax.set_xlabel("age (years)")
    ax.set_ylabel(f"{summary.attrs['units'][column]}")
axes[0].legend(loc="upper left")
fig.suptitle(f"A virtual population of {len(ok)} adults: blood pressure across adult life "
             "(Framingham, Franklin 1997: systolic rises, diastolic falls after 50-60, pulse "
             "pressure widens)", fontsize=9)
fig.tight_layout()
fig.savefig(out / "virtual_population_age.png", dpi=120)


def decade_mean(column, low):
    inside = ok[(ok.age_years >= low) & (ok.age_years < low + 10)]
    return inside[column].mean()


rows = {low: [decade_mean(c, low) for c in ("systolic_pressure_mean", "diastolic_pressure_mean",
                                             "pulse_pressure_mean")] for low in (30, 50, 70)}
print("decade   systolic  diastolic  pulse (mmHg)")
for low, (sbp, dbp, pp) in rows.items():
    print(f"{low}s      {sbp:8.1f}  {dbp:9.1f}  {pp:5.1f}")
pattern = (rows[70][0] > rows[50][0] > rows[30][0], rows[70][1] < rows[50][1],
           rows[70][2] > rows[50][2])
print("Franklin 1997's pattern (systolic rising, diastolic falling after 50, pulse pressure "
      f"widening): {'yes' if all(pattern) else 'NO: ' + str(pattern)}")
