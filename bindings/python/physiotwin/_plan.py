"""Plans (docs/planning.md): a plan file's comparison table as a pandas DataFrame."""
from pathlib import Path
from typing import Union

PathLike = Union[str, Path]


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
