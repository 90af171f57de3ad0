"""Plans (docs/planning.md): one patient's twin through a baseline, forked into branches of
interventions, run in parallel into one file (:class:`Plan`), and its comparison table as a
pandas DataFrame (:func:`compare`)."""
import json
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Union

from . import _physiotwin as _core
from ._trust import key_argument

PathLike = Union[str, Path]


class Plan:
    """A plan: a JSON file in the plan format (docs/planning.md), or the same as a dict.

    ``Plan("models/plans/aortic_stenosis_tavr.json").run("tavr.h5")`` runs it as
    ``physiotwin plan`` does (the same library: the baseline once, the branches as forks of the
    settled twin, in parallel on ``threads`` cores, 0 = all) and returns :func:`compare` of the
    file written. A dict's relative ``model`` and ``patient`` paths are taken from the current
    folder; a file's from the file's folder. Bad plans raise ValueError naming the JSON path.
    """

    def __init__(self, plan: Union[PathLike, Mapping[str, Any]]):
        if isinstance(plan, Mapping):
            self._file = None
            self._content: Dict[str, Any] = json.loads(json.dumps(plan))  # a copy, JSON-clean
            for key in ("model", "patient"):
                if key in self._content:
                    self._content[key] = str(Path(self._content[key]).resolve())
        else:
            self._file = Path(plan)
            with open(self._file, encoding="utf-8") as f:
                self._content = json.load(f)

    @property
    def description(self) -> str:
        return self._content.get("description", "")

    @property
    def branches(self) -> List[str]:
        """The branches' names, in the plan's order (the comparison's columns)."""
        return [b.get("name", "") for b in self._content.get("branches", [])]

    def to_dict(self) -> Dict[str, Any]:
        return json.loads(json.dumps(self._content))

    def run(self, out: PathLike, *, threads: int = 0, signing_key: Optional[PathLike] = None,
            signed: bool = True):
        """Runs the plan into ``out`` (an HDF5 plan file, docs/hdf5-format.md) and returns its
        comparison table (:func:`compare`; ``attrs["errors"]`` names the branches whose solver
        failed: their outcomes are NaN). Ctrl-C stops it, leaving nothing behind. The file is
        signed (docs/security.md) with ``signing_key`` (a private key file) or else your default
        key, made at first use; ``signed=False`` writes it unsigned."""
        from ._twin import default_model_file, models_directory

        patient = models_directory() / "patients" / "adult_male.json"
        if self._file is not None:
            _core.run_plan_file(self._file, Path(out), threads, default_model_file(), patient,
                                key_argument(signing_key), signed)
            return compare(out)
        with tempfile.TemporaryDirectory(prefix="physiotwin-plan-") as folder:
            file = Path(folder) / "plan.json"
            file.write_text(json.dumps(self._content), encoding="utf-8")
            try:
                _core.run_plan_file(file, Path(out), threads, default_model_file(), patient,
                                    key_argument(signing_key), signed)
            except ValueError as error:  # named as the caller knows it, not by the scratch file
                raise ValueError(str(error).replace(str(file), "plan")) from None
        return compare(out)

    def __repr__(self) -> str:
        source = str(self._file) if self._file is not None else "a dict"
        return f"Plan({source}: {len(self.branches)} branches {self.branches})"


def compare(path: PathLike):
    """The comparison table of a plan's file (``physiotwin plan PLAN.json --out FILE.h5``): one
    row per outcome, indexed by its name, with its ``unit``, ``baseline`` value, one column per
    branch, the ``threshold`` ("< 20") and the normal range; ``attrs["met"]`` is a DataFrame of
    the same shape saying, per branch, whether the threshold is met (True, False; None where no
    threshold or no value), ``attrs["errors"]`` the branches whose solver failed."""
    import h5py
    import numpy as np
    import pandas as pd
    with h5py.File(path, "r") as f:
        if f.attrs.get("format") != "physiotwin-plan-result":
            raise ValueError(f"{path}: not a physiotwin plan file")
        c = f["comparison"]
        outcomes = c["outcome"].asstr()[()]
        branches = list(c["branch"].asstr()[()])
        table = pd.DataFrame({"unit": c["unit"].asstr()[()], "baseline": c["baseline"][()]},
                             index=pd.Index(outcomes, name="outcome"))
        values = c["value"][()]
        for b, name in enumerate(branches):
            table[name] = values[:, b]
        table["threshold"] = c["threshold"].asstr()[()]
        table["normal_low"] = c["normal_low"][()]
        table["normal_high"] = c["normal_high"][()]
        met = c["met"][()]
        table.attrs["met"] = pd.DataFrame(
            np.where(met < 0, None, met == 1), index=table.index, columns=branches)
        table.attrs["errors"] = {name: f[f"branches/{name}"].attrs["error"] for name in branches
                                 if f[f"branches/{name}"].attrs["error"]}
    return table
