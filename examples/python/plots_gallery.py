"""Every plot of ``physiotwin.plots``, as docs/python.md shows them, and one figure composed of
two of them through ``ax=``.

    python examples/python/plots_gallery.py [output-directory]
"""

import sys
from pathlib import Path

from matplotlib.figure import Figure

import physiotwin as pt
from physiotwin import plots

out = Path(sys.argv[1] if len(sys.argv) > 1 else "figures")
out.mkdir(parents=True, exist_ok=True)
models = pt.models_directory()

rest = pt.Twin(patient=pt.reference_patient("adult_male"))
rest.advance(30.0)
plots.wiggers_diagram(rest).savefig(out / "plot_wiggers.png", dpi=100)
plots.pressure_volume_loops(rest, espvr=True, edpvr=True).savefig(out / "plot_pv_loops.png", dpi=100)
plots.breathing_loops(rest).savefig(out / "plot_breathing.png", dpi=100)

# On the ventilator: pressure control at 14 /min, 5 cmH2O above a PEEP of 5 cmH2O.
ventilated = pt.Twin(patient=pt.reference_patient("adult_male"))
ventilated.apply("ventilator", mode="pressure_control", rate=14, inspiratory_pressure=5, peep=5,
                 ie_ratio=0.5)
ventilated.advance(40.0)
plots.breathing_loops(ventilated).savefig(out / "plot_breathing_ventilated.png", dpi=100)

# A bleed and its treatment, the actions marked on the trends.
bleed = pt.Twin(patient=pt.reference_patient("adult_male"))
bleed.run_scenario(models / "scenarios" / "hemorrhage_500ml.json")
plots.vital_trends(bleed).savefig(out / "plot_trends.png", dpi=100)

# Composed: the Wiggers diagram and the LV loop with its ESPVR and EDPVR in one figure.
figure = Figure(figsize=(12.0, 4.8), layout="constrained")
pressure, volume, loop = figure.subplots(1, 3)
wiggers = plots.wiggers_diagram(rest, ax=[pressure, volume])
pv = plots.pressure_volume_loops(rest, chambers=["lv"], espvr=True, edpvr=True, ax=loop)
pv.artists["lv loop"].set_color("black")
pv.axes.legend(fontsize=8, loc="upper right")  # again, with the loop's new colour
figure.suptitle("The reference adult at rest: one beat")
figure.savefig(out / "plot_composed.png", dpi=100)
print(f"wrote {len(list(out.glob('plot_*.png')))} figures to {out}")
