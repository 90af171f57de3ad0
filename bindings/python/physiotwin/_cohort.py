"""Cohorts from Python (docs/python.md, "Cohorts"; docs/cohorts.md): many twins run in
parallel by the library's own threads into one HDF5 file, read back as a pandas DataFrame."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from os import PathLike as _PathLike
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Union

import numpy as np

from . import _physiotwin as _core
from ._physiotwin import Patient
from ._trust import key_argument
from ._twin import default_model_file

PathLike = Union[str, _PathLike]

#: Progress callbacks receive (members done, members failed, members in all).
Progress = Callable[[int, int, int], None]

_BODY_COLUMNS = {"sex", "age", "height", "weight", "id", "description"}


def _patient_object(patient: Patient) -> Dict[str, Any]:
    """A patient as the patient object of a cohort description (docs/patient-format.md): the
    library's own serialisation (the state pickling uses)."""
    return json.loads(patient.__getstate__()[0])


def _measurement_names() -> List[str]:
    """The measurements a Patient takes (names of record_measures.hpp)."""
    try:
        _core.Patient(sex="male", age=40, height=175, weight=70, measurements={"?": 0})
    except ValueError as error:  # the message lists the known names
        text = str(error).split("known: ", 1)[1]
        return [item.split(" (")[0] for item in text.split(", ")]
    return []


class Cohort:
    """A cohort description (docs/cohorts.md) and, once run, its file.

    Make one from a description file or dict, from patients (:meth:`from_patients`) or from a
    DataFrame of patients and parameter values (:meth:`from_dataframe`); :meth:`run` runs every
    member on the library's threads and returns the summary, one row per member. Paths in a dict
    description are taken as given (relative ones against the current folder)."""

    def __init__(self, description: Union[Mapping[str, Any], PathLike]):
        if isinstance(description, Mapping):
            self.description: Dict[str, Any] = json.loads(json.dumps(description))
            self._file: Optional[Path] = None
        else:
            self._file = Path(description)
            self.description = json.loads(self._file.read_text())
        self.out: Optional[Path] = None

    # ---- making one ----------------------------------------------------------------------
    @classmethod
    def from_file(cls, path: PathLike) -> "Cohort":
        return cls(path)

    @classmethod
    def from_patients(cls, patients: Iterable[Patient], *, parameters: Optional[
            Sequence[Mapping[str, float]]] = None, model: Optional[PathLike] = None,
                      duration: float = 60.0, scenario: Optional[PathLike] = None,
                      outputs: Optional[Mapping[str, Any]] = None, calibrate: bool = True,
                      name: str = "cohort") -> "Cohort":
        """One member per patient; ``parameters[i]``: member i's own parameter values."""
        patients = list(patients)
        if parameters is not None and len(parameters) != len(patients):
            raise ValueError(f"parameters: {len(parameters)} entries for {len(patients)} patients")
        members = []
        for i, patient in enumerate(patients):
            member: Dict[str, Any] = {"patient": _patient_object(patient)}
            if parameters is not None and parameters[i]:
                member["parameters"] = {k: float(v) for k, v in parameters[i].items()}
            members.append(member)
        return cls(_description(name, members, model, duration, scenario, outputs, calibrate))

    @classmethod
    def from_dataframe(cls, frame, *, model: Optional[PathLike] = None, duration: float = 60.0,
                       scenario: Optional[PathLike] = None,
                       outputs: Optional[Mapping[str, Any]] = None, calibrate: bool = True,
                       name: str = "cohort") -> "Cohort":
        """One member per row: columns ``sex``, ``age`` (years), ``height`` (cm), ``weight``
        (kg), optionally ``id``; a column named as a measurement (``systolic_pressure``, ...)
        is the patient's measured value; any other column is a model parameter by name (its
        unit). Empty cells (NaN) are left out."""
        missing = {"sex", "age", "height", "weight"} - set(frame.columns)
        if missing:
            raise ValueError(f"from_dataframe: missing column(s) {sorted(missing)}")
        measures = set(_measurement_names())
        patients, parameters = [], []
        for i, row in enumerate(frame.to_dict("records")):
            measured = {k: float(v) for k, v in row.items()
                        if k in measures and k not in ("height", "weight") and _given(v)}
            patients.append(Patient(sex=str(row["sex"]), age=float(row["age"]),
                                    height=float(row["height"]), weight=float(row["weight"]),
                                    measurements=measured,
                                    id=str(row.get("id", f"row-{i}")),
                                    description="a row of a DataFrame"))
            parameters.append({k: float(v) for k, v in row.items()
                               if k not in _BODY_COLUMNS and k not in measures and _given(v)})
        return cls.from_patients(patients, parameters=parameters, model=model, duration=duration,
                                 scenario=scenario, outputs=outputs, calibrate=calibrate,
                                 name=name)

    # ---- running it ----------------------------------------------------------------------
    def run(self, out: PathLike = "cohort.h5", *, threads: int = 0,
            progress: Optional[Progress] = None, client=None, chunk_size: Optional[int] = None,
            signing_key: Optional[PathLike] = None, signed: bool = True):
        """Runs every member (``threads``: 0, one per core; results do not depend on it) into
        ``out``, an HDF5 cohort file (docs/hdf5-format.md), and returns its summary as a pandas
        DataFrame (units in ``.attrs["units"]``). Interrupted and run again with the same
        ``out``, it keeps the members already done. ``progress(done, failed, total)`` is called
        as members finish; without it, a tqdm bar when tqdm is installed. A member's own
        failure is in the summary (``status``, ``error``), not raised.

        ``client``: a Dask ``distributed.Client``; members then run on its workers in chunks of
        ``chunk_size`` (default: a quarter of an even share per worker), each chunk on one
        thread there, and this process writes the file as chunks come back. The workers need
        this package and the description's files at the same paths (a shared file system);
        results are the same as the threaded run's.

        The file is signed (docs/security.md) with ``signing_key`` (a private key file) or else
        your default key, made at first use; ``signed=False`` writes it unsigned."""
        out = Path(out)
        description_file = self._file
        if description_file is None:
            # Written beside the output: the run can be repeated (or resumed) from the command
            # line with it, and its digest is what a rerun is recognised by.
            description_file = out.with_name(out.name + ".cohort.json")
            text = json.dumps(self.description, indent=1) + "\n"
            if not description_file.exists() or description_file.read_text() != text:
                description_file.write_text(text)
        bar = None
        if progress is None:
            bar = _tqdm_bar()
            if bar is not None:
                def progress(done: int, failed: int, total: int) -> None:
                    bar.total = total
                    bar.n = done
                    bar.set_postfix(failed=failed, refresh=False)
                    bar.refresh()
        try:
            if client is None:
                self.outcome = _core.run_cohort(str(description_file), str(out), threads,
                                                progress, str(default_model_file()),
                                                key_argument(signing_key), signed)
            else:
                self.outcome = _run_on_dask(client, description_file, out, progress, chunk_size,
                                            key_argument(signing_key), signed)
        finally:
            if bar is not None:
                bar.close()
        self.out = out
        return read_cohort(out)

    def member(self, index: int) -> "CohortMember":
        """Member ``index`` of the file the last :meth:`run` wrote."""
        if self.out is None:
            raise ValueError("member(): run() the cohort first (or use read_member(path, index))")
        return read_member(self.out, index)


def _run_chunk(description: str, indices: List[int], default_model: str) -> List[bytes]:
    """A Dask task: members ``indices`` run on this worker, one thread, as bytes."""
    return _core.run_members_to_bytes(description, indices, default_model, 1)


def _run_on_dask(client, description_file: Path, out: Path, progress: Optional[Progress],
                 chunk_size: Optional[int], signing_key: str, signed: bool) -> Dict[str, Any]:
    from distributed import as_completed
    default_model = str(default_model_file())
    writer = _core.CohortWriter(str(description_file), str(out), default_model, signing_key,
                                signed)
    todo = writer.remaining()
    total, done, failed = writer.size(), writer.size() - len(todo), 0
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    chunk = chunk_size or max(1, math.ceil(len(todo) / (4 * workers)))
    chunks = [todo[i:i + chunk] for i in range(0, len(todo), chunk)]
    futures = client.map(_run_chunk, [str(description_file)] * len(chunks), chunks,
                         [default_model] * len(chunks), pure=False)
    try:
        for future in as_completed(futures):
            for member in future.result():
                failed += 0 if writer.write(member) else 1
                done += 1
                if progress is not None:
                    progress(done, failed, total)
    except BaseException:
        client.cancel(futures)  # Ctrl-C: the members done stay in the unfinished file
        raise
    return {"members": total, "failed": writer.finish(), "resumed": total - len(todo),
            "not_resumed_because": "", "not_analysed": []}


def _given(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _description(name, members, model, duration, scenario, outputs, calibrate) -> Dict[str, Any]:
    d: Dict[str, Any] = {"format": "physiotwin-cohort", "version": 1, "name": name,
                         "calibrate": calibrate, "members": members}
    if model is not None:
        d["model"] = str(Path(model).resolve())
    if scenario is not None:
        d["scenario"] = str(Path(scenario).resolve())
    else:
        d["duration"] = float(duration)
    if outputs is not None:
        d["outputs"] = dict(outputs)
    return d


def _tqdm_bar():
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=0, unit="member", desc="cohort")


def sensitivity(description: Union[Mapping[str, Any], PathLike], out: PathLike = "sensitivity.h5",
                *, threads: int = 0, progress: Optional[Progress] = None, client=None,
                signing_key: Optional[PathLike] = None, signed: bool = True):
    """Runs a sensitivity analysis (docs/sensitivity.md: a cohort description with a
    ``sensitivity`` block) and returns its indices as a DataFrame, one row per output and input
    (``first_order``, ``total`` and their bootstrap bounds for Sobol; ``mu``, ``mu_star``,
    ``sigma`` for Morris). The runs are in ``out``; ``physiotwin.plots.sensitivity_indices()``
    draws the table. ``signing_key`` and ``signed``: as for :meth:`Cohort.run`."""
    cohort = Cohort(description)
    if "sensitivity" not in cohort.description:
        raise ValueError("sensitivity(): the description has no \"sensitivity\" block "
                         "(docs/sensitivity.md)")
    summary = cohort.run(out, threads=threads, progress=progress, client=client,
                         signing_key=signing_key, signed=signed)
    indices = summary.attrs["sensitivity"]
    indices.attrs["runs"] = len(summary)
    indices.attrs["failed"] = int((summary.status != "ok").sum())
    return indices


# ---- reading a cohort file ---------------------------------------------------------------
def read_cohort(path: PathLike):
    """The summary of a cohort file as a pandas DataFrame, one row per member: strings as
    str, ``attrs["units"]`` and ``attrs["descriptions"]`` by column, ``attrs["failures"]``
    (member -> message) and the file's attributes in ``attrs["file"]``."""
    import h5py
    import pandas as pd
    with h5py.File(path, "r") as f:
        # str since 2026-12-04 (variable-length strings); bytes in files written before.
        if f.attrs.get("format") not in ("physiotwin-cohort", b"physiotwin-cohort"):
            raise ValueError(f"{path}: not a physiotwin cohort file")
        frame = pd.DataFrame(f["summary"][()])
        for column in ("patient_id", "sex", "status"):
            frame[column] = frame[column].str.decode("utf-8")
        names = f["summary_columns/name"].asstr()[()]
        frame.attrs["units"] = dict(zip(names, f["summary_columns/unit"].asstr()[()]))
        frame.attrs["descriptions"] = dict(zip(names, f["summary_columns/description"].asstr()[()]))
        failures = dict(zip((int(m) for m in f["failures/member"][()]),
                            f["failures/message"].asstr()[()]))
        frame.attrs["failures"] = failures
        frame["error"] = [failures.get(int(m), "") for m in frame["member"]]
        frame.attrs["file"] = {k: (v.decode() if isinstance(v, bytes) else v.item() if hasattr(
            v, "item") else v) for k, v in f.attrs.items()}
        if "sensitivity" in f:
            s = f["sensitivity"]
            frame.attrs["sensitivity"] = pd.DataFrame(
                {k: (s[k].asstr()[()] if h5py.check_string_dtype(s[k].dtype) else s[k][()])
                 for k in s})
    return frame


@dataclass
class CohortMember:
    """One member of a cohort file: who, how it ended, its parameter values, and its per-beat
    and per-breath metrics and time series (pandas DataFrames indexed by time; None when the
    cohort did not keep them)."""
    index: int
    patient_id: str
    sex: str
    status: str
    error: str
    attributes: Dict[str, Any]
    parameters: Dict[str, float]
    beats: Any = None
    breaths: Any = None
    timeseries: Any = None


def read_member(path: PathLike, index: int) -> CohortMember:
    """Member ``index`` of a cohort file."""
    import h5py
    import pandas as pd
    with h5py.File(path, "r") as f:
        name = f"members/{index:06d}"
        if name not in f:
            raise KeyError(f"{path}: no member {index}")
        g = f[name]
        attrs = {k: (v.decode() if isinstance(v, bytes) else v.item() if hasattr(v, "item")
                     else v) for k, v in g.attrs.items()}
        member = CohortMember(index, attrs.get("patient_id", ""), attrs.get("sex", ""),
                              attrs.get("status", ""), attrs.get("error", ""), attrs, {})
        if "parameters" in g:
            names = f["parameter_table/name"].asstr()[()]
            member.parameters = dict(zip(names, (float(v) for v in g["parameters"][()])))

        def table(group_name):
            if group_name not in g:
                return None
            group = g[group_name]
            columns = {k: group[k][()] for k in group if k != "time"}
            return pd.DataFrame(columns, index=pd.Index(group["time"][()], name="time"))
        member.beats = table("beats")
        member.breaths = table("breaths")
        member.timeseries = table("timeseries")
    return member
