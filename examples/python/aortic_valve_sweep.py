"""Parameter sweep: aortic valve area against LV systolic pressure and the gradients across
the valve (aortic stenosis grows severe below 1.0 cm2, ACC/AHA 2020): the Doppler peak and
mean gradients, and the peak-to-peak gradient (LV peak minus aortic peak pressure, as at
catheterisation).

    python examples/python/aortic_valve_sweep.py [output-directory]
"""

import sys
from pathlib import Path

import numpy as np

import physiotwin as pt

out = Path(sys.argv[1] if len(sys.argv) > 1 else "figures")
out.mkdir(parents=True, exist_ok=True)

model = pt.personalise(pt.reference_patient("adult_male"))
areas = np.array([3.5, 2.5, 1.5, 1.2, 1.0, 0.8, 0.6])
lv_peak, peak_gradient, peak_to_peak, mean_gradient = [], [], [], []
for area in areas:
    twin = pt.Twin(model=model, parameters={"aortic_valve.max_area": area}, keep_samples=False)
    twin.advance(30.0)  # the baroreflex settles within 30 s
    beats = twin.beats()
    lv_peak.append(beats["lv_peak_systolic_pressure"][-5:].mean())
    peak_gradient.append(beats["aortic_valve_peak_gradient"][-5:].mean())
    peak_to_peak.append(lv_peak[-1] - beats["systolic_pressure"][-5:].mean())
    mean_gradient.append(beats["aortic_valve_mean_gradient"][-5:].mean())
    print(f"area {area:4.1f} cm2: LV peak {lv_peak[-1]:6.1f} mmHg, Doppler peak gradient "
          f"{peak_gradient[-1]:5.1f}, mean {mean_gradient[-1]:5.1f}, peak-to-peak "
          f"{peak_to_peak[-1]:5.1f} mmHg")

from matplotlib.figure import Figure

fig = Figure(figsize=(7, 4.5), layout="constrained")
ax = fig.subplots()
ax.plot(areas, lv_peak, "o-", label="LV peak systolic pressure")
ax.plot(areas, peak_gradient, "v-", label="Doppler peak gradient")
ax.plot(areas, peak_to_peak, "s-", label="peak-to-peak gradient (LV - aorta)")
ax.plot(areas, mean_gradient, "^-", label="Doppler mean gradient")
ax.axhline(40, color="grey", ls=":", lw=0.8)  # severe AS: mean gradient >= 40 mmHg
ax.axvline(1.0, color="grey", ls="--", lw=0.8)
ax.set_xlabel("aortic valve area (cm²)")
ax.set_ylabel("mmHg")
ax.invert_xaxis()
ax.legend()
ax.set_title("Aortic stenosis: valve area sweep")
fig.savefig(out / "aortic_valve_sweep.png", dpi=120)
print(f"wrote {out / 'aortic_valve_sweep.png'}")
