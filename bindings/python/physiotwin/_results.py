"""Results of a run as numpy arrays: signals over time, per-beat and per-breath metrics."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Mapping, Optional, Sequence

import numpy as np


def _dataframe(index_name: str, index: np.ndarray, columns: Mapping[str, np.ndarray]):
    try:
        import pandas as pd
    except ImportError as error:  # pandas is optional
        raise ImportError("to_dataframe() needs pandas (apt install python3-pandas)") from error
    frame = pd.DataFrame(dict(columns), index=pd.Index(index, name=index_name))
    return frame


class _Table(Mapping[str, np.ndarray]):
    """Columns by name over a time axis: ``table["name"]`` is a float64 numpy array."""

    def __init__(self, time: np.ndarray, values: np.ndarray, names: Sequence[str],
                 units: Sequence[str], time_name: str):
        self.time: np.ndarray = np.asarray(time, dtype=np.float64)
        self._values = np.asarray(values, dtype=np.float64).reshape(len(self.time), len(names))
        self.names: List[str] = list(names)
        self.units: Dict[str, str] = dict(zip(names, units))
        self._index = {n: i for i, n in enumerate(self.names)}
        self._time_name = time_name

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self._values[:, self._index[name]]
        except KeyError:
            close = [n for n in self.names if name.split(".")[-1] in n][:5]
            hint = f"; did you mean one of {close}?" if close else ""
            raise KeyError(f"no column {name!r}{hint}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)

    @property
    def values(self) -> np.ndarray:
        """All columns as one (rows x columns) float64 array, in ``names`` order."""
        return self._values

    def to_dataframe(self):
        """A pandas DataFrame indexed by time (needs pandas)."""
        return _dataframe(self._time_name, self.time, {n: self[n] for n in self.names})

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self.time)} rows x {len(self.names)} columns)"


class Results(_Table):
    """Every signal at the sample rate: ``res.time`` (s) and ``res["aorta.pressure"]``."""

    def __init__(self, time, values, names, units):
        super().__init__(time, values, names, units, "time")


class MetricTable(_Table):
    """Per-beat (or per-breath) metrics: ``beats["mean_arterial_pressure"]``, one value per
    beat; ``beats.time`` is the time each beat (breath) started."""

    def __init__(self, time, values, names, units):
        super().__init__(time, values, names, units, "start_time")


@dataclass
class RunFile:
    """A physiotwin HDF5 file read back (docs/hdf5-format.md)."""

    path: Path
    attributes: Dict[str, object]
    results: Results
    beats: MetricTable
    breaths: MetricTable  #: empty for a model without a respiratory system
    action_times: np.ndarray
    actions: List[str] = field(default_factory=list)  #: "name {json fields}", as Twin.actions()
    parameters: Dict[str, float] = field(default_factory=dict)  #: values as the run began
    parameter_units: Dict[str, str] = field(default_factory=dict)


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def read_hdf5(path) -> RunFile:
    """Reads a physiotwin HDF5 file (written by ``Twin.save`` or ``physiotwin run``).

    Raises ValueError if the file is not a physiotwin HDF5 file of a version this package reads
    (format version 1), FileNotFoundError if there is no file.
    """
    import h5py

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    try:
        f = h5py.File(path, "r")
    except OSError as error:
        raise ValueError(f"{path}: not an HDF5 file ({error})") from None
    with f:
        attributes = {k: (_text(v) if isinstance(v, (bytes, str)) else v) for k, v in f.attrs.items()}
        if attributes.get("format") != "physiotwin-hdf5":
            raise ValueError(f"{path}: not a physiotwin HDF5 file (root attribute format is "
                             f"{attributes.get('format')!r})")
        if int(attributes.get("format_version", -1)) != 1:
            raise ValueError(f"{path}: physiotwin HDF5 format version "
                             f"{attributes.get('format_version')!r}; this package reads version 1")

        def table(group_name: str, time_name: str, cls):
            if group_name not in f:
                return None
            group = f[group_name]
            ordered = [n for n in group.keys() if n != time_name]  # h5py's (name) order
            time = group[time_name][()]
            values = np.column_stack([group[n][()] for n in ordered]) if ordered else \
                np.zeros((len(time), 0))
            units = [_text(group[n].attrs.get("unit", "")) for n in ordered]
            return cls(time, values, ordered, units)

        results = table("timeseries", "time", Results)
        beats = table("beats", "time", MetricTable)
        breaths = table("breaths", "time", MetricTable) or MetricTable(np.zeros(0), np.zeros((0, 0)), [], [])
        action_times = np.zeros(0)
        actions: List[str] = []
        if "actions/time" in f and f["actions/time"].shape and f["actions/time"].shape[0]:
            action_times = f["actions/time"][()]
            actions = [f"{_text(a)} {_text(d)}" for a, d in
                       zip(f["actions/action"][()], f["actions/details"][()])]
        parameters = {name: float(dataset[()]) for name, dataset in f["parameters"].items()} \
            if "parameters" in f else {}
        parameter_units = {name: _text(dataset.attrs.get("unit", "")) for name, dataset in
                           f["parameters"].items()} if "parameters" in f else {}
    return RunFile(path, attributes, results, beats, breaths, np.asarray(action_times, np.float64),
                   actions, parameters, parameter_units)
