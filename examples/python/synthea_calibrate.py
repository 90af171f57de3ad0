"""Load a Synthea FHIR record, calibrate its twin to the measured vitals and compare the
twin with the record (measured vs twin for each target).

    python examples/python/synthea_calibrate.py [output-directory] [record.json]

The record is de-identified on reading: the twin carries a random code, never a name; the
link from code to record stays in the local record-code table ($PHYSIOTWIN_RECORD_CODES,
else ~/.config/physiotwin/record-codes.tsv; docs/patient-records.md).
"""

import sys
from pathlib import Path

import physiotwin as pt

root = Path(__file__).resolve().parents[2]
out = Path(sys.argv[1] if len(sys.argv) > 1 else "figures")
record = Path(sys.argv[2]) if len(sys.argv) > 2 else \
    root / "tests" / "data" / "fhir" / "smart_Alberto_Atencio_fc712d1f-5a2e-4407-9c55-a2a2bad623c2.json"
out.mkdir(parents=True, exist_ok=True)

patient = pt.load_patient(record)
print(patient)
for line in patient.measured:
    print("  measured:", line)
model = pt.calibrate(patient)
for r in model.calibration.results:
    print(f"  {r.target:<22} measured {r.measured:7.1f}  twin {r.twin:7.1f}  residual "
          f"{r.residual:+5.1f} {r.unit}  {'ok' if r.reached else 'NOT reached'}")

twin = pt.Twin(model=model)
twin.advance(30.0)
beats = twin.beats()

from matplotlib.figure import Figure

fig = Figure(figsize=(7, 4), layout="constrained")
ax = fig.subplots()
names = [r.target for r in model.calibration.results]
x = range(len(names))
ax.bar([i - 0.2 for i in x], [r.measured for r in model.calibration.results], 0.4, label="record")
ax.bar([i + 0.2 for i in x], [r.twin for r in model.calibration.results], 0.4, label="twin")
ax.set_xticks(list(x), names, rotation=20)
ax.set_title(f"Calibrated twin of patient {patient.id}")
ax.legend()
fig.savefig(out / "synthea_calibration.png", dpi=120)
print(f"after 30 s: {beats['systolic_pressure'][-1]:.0f}/{beats['diastolic_pressure'][-1]:.0f} mmHg; "
      f"wrote {out / 'synthea_calibration.png'}")
