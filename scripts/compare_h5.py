#!/usr/bin/python3
"""Compares two physiotwin HDF5 files bit for bit: every dataset's bytes and every attribute.

    compare_h5.py A.h5 B.h5     (exit 0: identical; 1: differences, listed)

Used by scripts/compare-runs.sh to show that a refactoring leaves outputs unchanged."""
import re
import sys

import h5py
import numpy as np


def differences(path_a, path_b):
    a, b = h5py.File(path_a, "r"), h5py.File(path_b, "r")
    found = []

    def same(x, y):
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            x, y = np.asarray(x), np.asarray(y)
            if x.dtype.kind == "f" and y.dtype.kind == "f":
                return x.shape == y.shape and x.tobytes() == y.tobytes()
            return x.shape == y.shape and bool(np.all(x == y))
        return x == y

    def wall_time_masked(value):
        # The calibration report ends with the wall-clock time it took: not an output.
        text = value.decode() if isinstance(value, bytes) else str(value)
        return re.sub(r"\), \d+\.\d+ s$", "), ? s", text)

    def compare_attributes(name, x, y):
        for key, value in x.attrs.items():
            if key == "calibration" and key in y.attrs:
                if wall_time_masked(value) != wall_time_masked(y.attrs[key]):
                    found.append(f"attribute {name}@{key}")
            elif key not in y.attrs or not same(value, y.attrs[key]):
                found.append(f"attribute {name}@{key}")

    def visit(name, obj):
        if name not in b:
            found.append(f"only in the first: {name}")
            return
        if isinstance(obj, h5py.Dataset) and not same(obj[()], b[name][()]):
            found.append(f"dataset {name}")
        compare_attributes(name, obj, b[name])

    compare_attributes("/", a, b)
    a.visititems(visit)
    count_a, count_b = [], []
    a.visit(count_a.append)
    b.visit(count_b.append)
    if len(count_a) != len(count_b):
        found.append(f"{len(count_a)} objects against {len(count_b)}")
    return found


if __name__ == "__main__":
    found = differences(sys.argv[1], sys.argv[2])
    for line in found:
        print("  " + line)
    sys.exit(1 if found else 0)
