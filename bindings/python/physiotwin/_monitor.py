"""Remote monitoring: a twin that tracks a patient from a stream of measurements and raises
alerts (docs/monitoring.md). The same monitor as ``physiotwin monitor``."""

import json
import os
import time as _time
from typing import Dict, Iterable, List, Optional, Union

from . import _physiotwin as _core
from ._trust import key_argument

PathLike = Union[str, "os.PathLike[str]"]


class Monitor:
    """An ensemble of forks of ``twin`` that assimilates a patient's measurements as they
    arrive and raises alerts (FHIR ``DetectedIssue`` resources, as dicts).

    Feed it lines of a stream (FHIR Observation NDJSON or the documented CSV) with
    :meth:`read_line` or :meth:`feed`, or single measurements with :meth:`observe`; call
    :meth:`finish` when the stream ends. Each call returns the alerts it raised; warnings about
    lines (their number and why, never their text) collect in :attr:`warnings`.

    ``members``: ensemble size; ``interval``: analysis interval, s; ``reorder_window``: how
    late (s) an observation may arrive; ``forecast_interval`` and ``forecast_horizon``: minutes
    between forecasts (0: none) and how far they look; ``trend_baseline``: minutes of the
    stream that set the patient's own baseline before the trend test runs; ``trend_threshold``:
    the trend test's h (0: no trend alert; docs/monitoring.md, "Trend alert"); ``seed``: the
    ensemble's random seed; ``observation_sd``: devices' error SDs that differ from the
    defaults', by measure in its unit (``{"heart_rate": 2}`` for a chest patch; 0.1 to 50;
    default heart rate 5 /min, SpO2 2 %, breathing rate 3 /min, cuff pressures 8 mmHg).
    The twin should be at rest (advance a new twin a few minutes first, as the tool's
    ``--settle`` does).
    """

    def __init__(self, twin, *, members: int = 16, interval: float = 60.0,
                 reorder_window: int = 120, forecast_interval: float = 15.0,
                 forecast_horizon: float = 30.0, trend_baseline: float = 240.0,
                 trend_threshold: float = 8.0, seed: int = 1,
                 observation_sd: Optional[Dict[str, float]] = None):
        sds = {str(k): float(v) for k, v in (observation_sd or {}).items()}
        self._core = _core.Monitor(twin._core, int(members), float(interval), int(reorder_window),
                                   60.0 * float(forecast_interval), 60.0 * float(forecast_horizon),
                                   60.0 * float(trend_baseline), float(trend_threshold),
                                   int(seed), sds)
        self._lines = 0
        self.warnings: List[str] = []

    def _collect(self, result) -> List[dict]:
        alerts, warnings = result
        self.warnings.extend(warnings)
        return [json.loads(a) for a in alerts]

    def read_line(self, line: str, now: Optional[float] = None) -> List[dict]:
        """Reads the stream's next line; ``now`` is the clock (s since the epoch; default: the
        time now), a value dated more than 5 minutes after it is refused."""
        self._lines += 1
        now = _time.time() if now is None else now
        return self._collect(self._core.read_line(line.rstrip("\r\n"), self._lines, int(now)))

    def feed(self, lines: Iterable[str], now: Optional[float] = None) -> List[dict]:
        """Reads each line of ``lines`` (an open file, a list); returns the alerts raised."""
        raised: List[dict] = []
        for line in lines:
            raised.extend(self.read_line(line, now))
        return raised

    def observe(self, time: float, measure: str, value: float) -> List[dict]:
        """One measurement: ``time`` in s since the epoch, ``measure`` one of heart_rate, spo2,
        respiratory_rate, systolic_pressure, diastolic_pressure, in the model's unit."""
        return self._collect(self._core.observe(int(time), measure, float(value)))

    def finish(self) -> List[dict]:
        """The stream has ended: assimilates what waits and closes the last interval."""
        return self._collect(self._core.finish())

    @property
    def alerts(self) -> List[dict]:
        """Every alert raised so far."""
        return [json.loads(a) for a in self._core.alerts()]

    @property
    def started(self) -> bool:
        return self._core.started

    def resting(self) -> dict:
        """The patient's resting value of each measure: the centres of the vital-sign bands."""
        return self._core.resting()

    def estimates(self):
        """The estimates after each analysis as a pandas DataFrame indexed by time (s since
        monitoring began): each quantity's ensemble mean and its ``_sd``."""
        import pandas as pd
        columns = self._core.estimates()
        t = columns.pop("time")
        return pd.DataFrame(columns, index=pd.Index(t, name="time"))

    def write(self, path: PathLike, *, signing_key: Optional[PathLike] = None,
              signed: bool = True) -> None:
        """Writes the estimates, observations and alerts as an HDF5 file (docs/monitoring.md,
        "The file"); never over an input, nor anything but a regular file. Signed
        (docs/security.md) with ``signing_key`` (a private key file) or else your default key,
        made at first use; ``signed=False`` writes it unsigned."""
        self._core.write(os.fspath(path), key_argument(signing_key), signed)
