"""Patients, personalised models and twins: the researcher-facing API over the compiled core."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Union

from . import _physiotwin as _core
from ._physiotwin import CalibrationReport, MetricInfo, Parameter, Patient, SignalInfo
from ._results import MetricTable, Results
from ._trust import key_argument

PathLike = Union[str, "os.PathLike[str]"]

_PACKAGE_MODELS = Path(__file__).resolve().parent / "models"


def models_directory() -> Path:
    """The shipped models: ``$PHYSIOTWIN_MODELS`` if set, else the copy inside the package."""
    env = os.environ.get("PHYSIOTWIN_MODELS")
    return Path(env) if env else _PACKAGE_MODELS


def default_model_file() -> Path:
    """The default adult circulation (``models/circulation/adult.json``)."""
    return models_directory() / "circulation" / "adult.json"


def reference_patients() -> List[str]:
    """Names of the shipped reference patients (``models/patients``)."""
    return sorted(p.stem for p in (models_directory() / "patients").glob("*.json"))


def reference_patient(name: str = "adult_male") -> Patient:
    """A shipped reference patient by name, e.g. ``"adult_male"``, ``"adult_female"``."""
    path = models_directory() / "patients" / f"{name}.json"
    if not path.exists():
        raise ValueError(f"unknown reference patient {name!r} (known: {reference_patients()})")
    return _core.read_patient(path)


def load_patient(path: PathLike, as_of: Optional[str] = None) -> Patient:
    """Reads a physiotwin patient file or a FHIR R4 health record (a Bundle with a Patient and
    Observations, or a Patient with contained Observations), de-identified on reading.

    ``as_of`` (``"YYYY-MM-DD"``) takes a record's age and observations at that date.
    A twin parameter file holds a whole model: pass it to :func:`personalise` or
    ``Twin(patient=path)`` instead.
    """
    return _core.read_patient(Path(path), as_of)


class Parameters(Mapping[str, Parameter]):
    """The parameters of a model or twin by name, with units, ranges and sources.

    ``params["heart.rate"].value``; ``params["heart.rate"] = 80`` sets it (checked against
    its range; on a running twin, applied as an action at the current time).
    """

    def __init__(self, owner):
        self._owner = owner

    def __getitem__(self, name: str) -> Parameter:
        try:
            return self._owner.parameter(name)
        except ValueError as error:
            raise KeyError(str(error)) from None

    def __setitem__(self, name: str, value: float) -> None:
        self._owner.set_parameter(name, float(value))

    def __iter__(self) -> Iterator[str]:
        return (p.name for p in self._owner.parameters())

    def __len__(self) -> int:
        return len(self._owner.parameters())

    def values_dict(self) -> Dict[str, float]:
        """``{name: value}`` for every parameter."""
        return {p.name: p.value for p in self._owner.parameters()}

    def to_dataframe(self):
        """A pandas DataFrame of every parameter (value, unit, min, max, description, source)."""
        import pandas as pd

        rows = [dict(name=p.name, value=p.value, unit=p.unit, min=p.min, max=p.max,
                     description=p.description, source=p.source) for p in self._owner.parameters()]
        return pd.DataFrame(rows).set_index("name")

    def __repr__(self) -> str:
        return f"Parameters({len(self)} parameters)"


class Model:
    """A model personalised for one patient: scaled to the body and age, and calibrated to the
    measured vitals when the patient has some. Make one with :func:`personalise`."""

    def __init__(self, core: "_core.Model"):
        self._core = core

    @property
    def name(self) -> str:
        return self._core.name

    @property
    def patient(self) -> Patient:
        return self._core.patient

    @property
    def calibration(self) -> Optional[CalibrationReport]:
        """The calibration report (per target: measured, twin, residual, reached), or None when
        the model was not calibrated here."""
        return self._core.report

    @property
    def calibration_lines(self) -> List[str]:
        return list(self._core.calibration_lines)

    @property
    def calibrated(self) -> bool:
        return self._core.calibrated

    @property
    def warnings(self) -> List[str]:
        return list(self._core.warnings)

    @property
    def parameters(self) -> Parameters:
        return Parameters(self._core)

    @property
    def signals(self) -> List[SignalInfo]:
        """Every signal a twin of this model records (name, unit, description, region)."""
        return self._core.signals()

    def copy(self) -> "Model":
        return Model(self._core.copy())

    def save(self, path: PathLike, *, signing_key: Optional[PathLike] = None,
             signed: bool = True, encrypt_to: Optional[PathLike] = None) -> None:
        """Writes a twin parameter file (docs/patient-format.md): ``Twin(patient=path)`` and
        ``physiotwin run --patient path`` give back this model without calibrating again.
        Signed (docs/security.md) with ``signing_key`` or else your default key, made at first
        use; ``signed=False`` writes it unsigned. A signed twin changed later is refused.
        ``encrypt_to``: a recipient's public key (``encryption.pub``); the file is then
        encrypted to it in memory, so the plain twin never touches the disk, and opens only
        with its private key (``Twin(patient=path, decryption_key=...)``)."""
        self._core.save(Path(path), key_argument(signing_key), signed,
                        key_argument(encrypt_to))

    def __repr__(self) -> str:
        return f"Model({self.name}, patient {self.patient.id}, calibrated={self.calibrated})"


def personalise(patient: Union[Patient, PathLike, None] = None, *, model: Optional[PathLike] = None,
                calibrate: bool = True, as_of: Optional[str] = None,
                decryption_key: Optional[PathLike] = None) -> Model:
    """The model of a patient: scaled to its body and age, calibrated to its measured vitals.

    ``patient``: a :class:`Patient`, or a path to a patient file, a FHIR R4 record or a twin
    parameter file (loaded as stored); None is the reference adult male. ``model``: a
    circulation file (default: the shipped adult circulation). An encrypted patient input
    (docs/security.md, "Encrypted twins") is opened with ``decryption_key`` (a private key
    file), else your key folder's ``encryption.key``; given, the input must be encrypted.
    """
    model_file = Path(model) if model is not None else default_model_file()
    if model is not None and _core.patient_input_kind(model_file) == "twin_parameters":
        raise ValueError(f"{model_file}: a twin parameter file is a whole personalised twin: "
                         f"pass it as patient=, not model=")
    if patient is None:
        patient = reference_patient("adult_male")
    if isinstance(patient, Patient):
        if decryption_key is not None:
            raise ValueError("decryption_key opens an encrypted patient file; a Patient object "
                             "is not one")
        return Model(_core.personalise_patient(model_file, patient, calibrate))
    return Model(_core.personalise_file(model_file, Path(patient), calibrate, as_of,
                                        key_argument(decryption_key)))


def calibrate(patient: Union[Patient, PathLike], *, model: Optional[PathLike] = None,
              as_of: Optional[str] = None, decryption_key: Optional[PathLike] = None) -> Model:
    """:func:`personalise` with calibration; the report is ``Model.calibration``. A patient
    with no measured vitals is a ValueError (there is nothing to calibrate to)."""
    result = personalise(patient, model=model, calibrate=True, as_of=as_of,
                         decryption_key=decryption_key)
    if not result.calibrated:
        raise ValueError(f"patient {result.patient.id} has no measured vitals to calibrate to "
                         f"(heart rate, blood pressure, breathing rate, SpO2, ejection fraction)")
    return result


class Twin:
    """A patient's twin: step it with :meth:`advance`, read signals, apply actions, get results.

    ``Twin(patient=...)`` personalises the model for the patient (see :func:`personalise`);
    ``Twin(model=...)`` starts from an already personalised :class:`Model`. ``parameters``
    sets parameters by name before the start; ``sample_rate`` (Hz) is the rate of
    :meth:`results`. ``keep_samples=False`` keeps only beats, breaths and actions (long runs).
    ``relative_tolerance``, ``max_step`` (s) and ``max_steps`` (solver steps allowed per output
    interval before a :class:`SolverError`) are the solver's (docs/solver.md).
    ``decryption_key`` opens an encrypted patient file (see :func:`personalise`).
    """

    def __init__(self, patient: Union[Patient, PathLike, None] = None, *,
                 model: Union[Model, PathLike, None] = None, calibrate: bool = True,
                 as_of: Optional[str] = None, parameters: Optional[Mapping[str, float]] = None,
                 sample_rate: float = 100.0, keep_samples: bool = True,
                 relative_tolerance: float = 1e-5, max_step: float = 0.02,
                 max_steps: int = 100000, decryption_key: Optional[PathLike] = None):
        if isinstance(model, Model):
            if patient is not None:
                raise ValueError("give either a personalised model or a patient, not both")
            personalised = model.copy()
        else:
            personalised = personalise(patient, model=model, calibrate=calibrate, as_of=as_of,
                                       decryption_key=decryption_key)
        for name, value in (parameters or {}).items():
            personalised.parameters[name] = value
        self._overrides = [f"{name}={float(value):g}" for name, value in (parameters or {}).items()]
        self._model = personalised
        # The patient file or record: the HDF5 file names it by digest, and never replaces it.
        core_file = os.fspath(personalised._core.patient_file)
        self._source = (os.fspath(patient) if isinstance(patient, (str, os.PathLike))
                        else ("" if core_file in ("", ".") else core_file))
        self._core = _core.Twin(personalised._core, float(sample_rate), bool(keep_samples),
                                float(relative_tolerance), float(max_step), int(max_steps))

    # --- stepping ------------------------------------------------------------------------
    def advance(self, seconds: float) -> "Twin":
        """Simulates ``seconds`` more (the GIL is released meanwhile). Returns the twin.

        Long spans go in pieces of at most 10 s of simulated time, so Ctrl-C interrupts them
        between pieces; the pieces do not change the result (outputs come from the solver's
        interpolant, docs/solver.md)."""
        seconds = float(seconds)
        pieces = max(1, math.ceil(seconds / 10.0)) if math.isfinite(seconds) and seconds > 0 else 1
        start = self._core.time
        for i in range(1, pieces + 1):
            # The last piece ends exactly at start + seconds; bad values reach the core's check.
            self._core.advance(seconds if pieces == 1 else start + seconds * i / pieces -
                               self._core.time)
        return self

    # --- forks and snapshots (docs/snapshots.md) -----------------------------------------
    def fork(self) -> "Twin":
        """An independent twin in exactly this state, continuing bit for bit as this one would:
        the past (and its results so far) shared, the futures separate. Try an intervention on
        the fork and compare. Costs the simulation of the time since the last action."""
        twin = Twin.__new__(Twin)
        twin._overrides = list(self._overrides)
        twin._model = self._model
        twin._source = self._source
        twin._core = self._core.fork()
        return twin

    def snapshot(self, *, encrypt_to: Optional[PathLike] = None) -> bytes:
        """The twin's complete state as bytes (a few kilobytes), to keep or write to a file;
        :meth:`restore` makes a twin of them that continues bit for bit as this one would.
        ``encrypt_to``: a recipient's public key (``encryption.pub``): the bytes are then
        encrypted to it (docs/security.md, "Encrypted twins"), as ``run --snapshot-at
        --encrypt-to`` stores them."""
        state = self._core.snapshot()
        return state if encrypt_to is None else _core.seal_bytes(state, os.fspath(encrypt_to))

    @classmethod
    def restore(cls, snapshot: bytes, *, model: Optional[PathLike] = None,
                keep_samples: bool = True, decryption_key: Optional[PathLike] = None) -> "Twin":
        """The twin a :meth:`snapshot` holds, on the model file it was taken with (default: the
        package's adult model). Its results begin at the snapshot's time. A snapshot of another
        model, or damaged bytes, raise ValueError naming both. An encrypted snapshot (from
        ``snapshot(encrypt_to=)`` or ``run --snapshot-at --encrypt-to``) is opened with
        ``decryption_key`` (a private key file), else your key folder's ``encryption.key``;
        given, the snapshot must be encrypted."""
        model_file = os.fspath(model) if model is not None else os.fspath(default_model_file())
        state = _core.open_if_sealed(bytes(snapshot), key_argument(decryption_key),
                                     "the snapshot")
        core = _core.Twin.restore(model_file, state, bool(keep_samples))
        twin = cls.__new__(cls)
        twin._overrides = []
        twin._model = Model(core.current_model())
        twin._source = ""
        twin._core = core
        return twin

    @property
    def time(self) -> float:
        """Simulated time, s."""
        return self._core.time

    # --- what it is ----------------------------------------------------------------------
    @property
    def model(self) -> Model:
        """A copy of the personalised model the twin started from (changing it does not change
        the twin: set ``twin.parameters[name]`` for that)."""
        return self._model.copy()

    @property
    def patient(self) -> Patient:
        return self._model.patient

    @property
    def calibration(self) -> Optional[CalibrationReport]:
        return self._model.calibration

    @property
    def parameters(self) -> Parameters:
        """Current parameters; setting one applies it now (recorded as an action)."""
        return Parameters(self._core)

    def set_parameter(self, name: str, value: float) -> None:
        """Sets a parameter now (checked against its range, recorded as a ``set`` action)."""
        self._core.set_parameter(name, float(value))

    @property
    def signals(self) -> List[SignalInfo]:
        """Every recorded signal: name, unit, description, anatomical region."""
        return self._core.signals()

    @property
    def signal_names(self) -> List[str]:
        return [s.name for s in self._core.signals()]

    def signal(self, name: str) -> float:
        """The current value of a signal, e.g. ``twin.signal("aorta.pressure")``."""
        return self._core.signal(name)

    def __getitem__(self, name: str) -> float:
        try:
            return self._core.signal(name)
        except ValueError as error:
            raise KeyError(str(error)) from None

    def current(self) -> Dict[str, float]:
        """Every signal's current value by name."""
        return dict(zip(self.signal_names, self._core.signal_values().tolist()))

    # --- actions -------------------------------------------------------------------------
    def apply(self, action: Union[str, Mapping[str, Any]], **fields: Any) -> None:
        """Applies an action now. Any action of the scenario format (docs/scenarios.md):
        ``twin.apply("hemorrhage", rate=100, volume=500)``,
        ``twin.apply({"action": "ventilator", "mode": "pressure_control", ...})``."""
        if "time" in fields or (not isinstance(action, str) and "time" in action):
            raise ValueError("apply() acts now: use schedule(time, ...) for a later time")
        self.schedule(None, action, **fields)

    def schedule(self, time: Optional[float], action: Union[str, Mapping[str, Any]],
                 **fields: Any) -> None:
        """Schedules an action at simulated time ``time`` (s; None: now)."""
        spec = {"action": action} if isinstance(action, str) else dict(action)
        spec.update(fields)
        if time is not None:
            spec["time"] = float(time)
        try:
            # numpy scalars (a sweep's values) become Python numbers; NaN and inf are refused.
            text = json.dumps(spec, allow_nan=False,
                              default=lambda v: v.item() if hasattr(v, "item") else str(v))
        except ValueError as error:
            raise ValueError(f"action {spec}: {error} (NaN and infinity are not allowed)") from None
        self._core.schedule(text)

    def run_scenario(self, path: PathLike) -> "Twin":
        """Runs a scenario file (docs/scenarios.md) from now: schedules its actions (times
        relative to now) and advances through its duration."""
        duration = self._core.load_scenario(Path(path))
        self._core.advance(duration)
        return self

    # --- results -------------------------------------------------------------------------
    def results(self) -> Results:
        """Every signal at the sample rate since the start: ``res.time``, ``res["lv.volume"]``."""
        signals = self._core.signals()
        return Results(self._core.sample_times(), self._core.samples(), [s.name for s in signals],
                       [s.unit for s in signals])

    def beats(self) -> MetricTable:
        """Per-beat metrics: ``twin.beats()["mean_arterial_pressure"]``, one value per beat."""
        metrics = self._core.beat_metrics()
        return MetricTable(self._core.beat_times(), self._core.beats(), [m.name for m in metrics],
                           [m.unit for m in metrics])

    def breaths(self) -> MetricTable:
        """Per-breath metrics (rate, tidal volume, end-tidal CO2, blood gases)."""
        metrics = self._core.breath_metrics()
        return MetricTable(self._core.breath_times(), self._core.breaths(),
                           [m.name for m in metrics], [m.unit for m in metrics])

    def metric_info(self) -> Dict[str, MetricInfo]:
        """Unit and description of every beat and breath metric by name."""
        return {m.name: m for m in [*self._core.beat_metrics(), *self._core.breath_metrics()]}

    def actions(self) -> List[tuple]:
        """``(time, "name {json fields}")`` for every action applied so far."""
        return list(zip(self._core.action_times().tolist(), self._core.actions()))

    def save(self, path: PathLike, *, signing_key: Optional[PathLike] = None,
             signed: bool = True) -> None:
        """Writes the run so far as a physiotwin HDF5 file (docs/hdf5-format.md), with the same
        writer as the command-line tool; read it back with :func:`read_hdf5`. Signed, as the
        tool signs (docs/security.md), with ``signing_key`` (a private key file) or else your
        default key, made at first use; ``signed=False`` writes it unsigned."""
        self._core.write_hdf5(Path(path), self._source, self._overrides,
                              key_argument(signing_key), signed)

    def __repr__(self) -> str:
        return f"Twin(patient {self.patient.id}, t = {self.time:g} s)"


def normal_range(metric: str, sex: str = "male") -> Optional[tuple]:
    """The published normal adult range ``(low, high)`` of a metric, or None if the library
    declares none for it."""
    if sex not in ("male", "female"):
        raise ValueError(f"sex {sex!r}: expected 'male' or 'female'")
    return _core.normal_range(metric, sex)


__all__ = [
    "Model", "Parameters", "Twin", "calibrate", "default_model_file", "load_patient",
    "models_directory", "normal_range", "personalise", "reference_patient", "reference_patients",
]
