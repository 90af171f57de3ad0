"""Run the reference adult male for 30 s and draw the Wiggers diagram and both ventricles'
pressure-volume loops.

    python examples/python/wiggers_reference_adult.py [output-directory]
"""

import sys
from pathlib import Path

import physiotwin as pt
from physiotwin import plots

out = Path(sys.argv[1] if len(sys.argv) > 1 else "figures")
out.mkdir(parents=True, exist_ok=True)

twin = pt.Twin(patient=pt.reference_patient("adult_male"))
twin.advance(30.0)
beats = twin.beats()
print(f"heart rate {beats['heart_rate'][-1]:.0f} /min, "
      f"blood pressure {beats['systolic_pressure'][-1]:.0f}/{beats['diastolic_pressure'][-1]:.0f} mmHg, "
      f"ejection fraction {100 * beats['lv_ejection_fraction'][-1]:.0f} %")
plots.wiggers_diagram(twin).savefig(out / "wiggers.png", dpi=120)
plots.pressure_volume_loops(twin).savefig(out / "pv_loops.png", dpi=120)
plots.breathing_loops(twin).savefig(out / "breathing_loops.png", dpi=120)
print(f"wrote {out / 'wiggers.png'}, {out / 'pv_loops.png'}, {out / 'breathing_loops.png'}")
