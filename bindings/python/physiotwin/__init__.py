"""physiotwin: patient digital twins (heart, circulation, lungs and blood gases as ODEs).

    import physiotwin as pt
    twin = pt.Twin(patient=pt.reference_patient("adult_male"))
    twin.advance(60.0)
    res = twin.results()                    # res.time and res["aorta.pressure"]: numpy arrays
    print(twin.beats()["mean_arterial_pressure"][-1])

Errors: ValueError for bad input, including input files that cannot be read (the message
names the file, JSON path or parameter, the value and the allowed range), KeyError for
unknown names in mappings, :class:`SolverError` when the solver fails (the time and what
failed), OSError for outputs that cannot be written. See docs/python.md.
"""

from ._physiotwin import (CalibrationReport, CalibrationResult, MetricInfo, Parameter, Patient,
                          SignalInfo, SolverError)
from ._physiotwin import __version__
from ._cohort import Cohort, CohortMember, read_cohort, read_member, sensitivity
from ._encryption import decrypt, encrypt, new_encryption_key
from ._monitor import Monitor
from ._plan import Plan, compare
from ._results import MetricTable, Results, RunFile, read_hdf5
from ._trust import Verification, verify
from ._twin import (Model, Parameters, Twin, calibrate, default_model_file, load_patient,
                    models_directory, normal_range, personalise, reference_patient,
                    reference_patients)

__all__ = [
    "CalibrationReport", "CalibrationResult", "Cohort", "CohortMember", "MetricInfo",
    "MetricTable", "Model", "Monitor", "Parameter",
    "Parameters", "Patient", "Plan", "Results", "RunFile", "SignalInfo", "SolverError", "Twin",
    "Verification",
    "__version__", "calibrate", "compare", "decrypt", "default_model_file", "encrypt",
    "load_patient", "models_directory", "new_encryption_key", "normal_range", "personalise", "read_cohort", "read_hdf5", "read_member",
    "reference_patient", "reference_patients", "sensitivity", "verify",
]
