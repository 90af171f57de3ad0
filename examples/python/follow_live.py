"""Follows a live twin file while `physiotwin run --live --out FILE.h5` writes it (docs/hdf5-format.md,
"Live files"): python follow_live.py FILE.h5 [SIGNAL]"""
import sys
import time

import h5py

path, signal = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "aorta.pressure"
last_n, last_change = -1, time.monotonic()
while time.monotonic() - last_change < 30:  # a run stopped without finishing: give up after 30 s
    try:  # reopened at each look: an open file would keep showing its first root attributes
        with h5py.File(path, "r", swmr=True) as f:
            complete = f.attrs["complete"] == 1  # read first: the data then hold the whole run
            t, values = f["timeseries/time"], f["timeseries/" + signal]
            n = min(len(t), len(values))  # a flush under way may have grown one and not the other
            if n > 0 and n != last_n:  # only what is new: a look between flushes sees none
                print(f"t = {t[n - 1]:8.2f} s   {signal} = {values[n - 1]:7.2f}   "
                      f"beats: {len(f['beats/time'])}", flush=True)
            if n != last_n:
                last_n, last_change = n, time.monotonic()
    except (OSError, KeyError):  # not there yet, or being closed by the writer this instant
        complete = False
    if complete:
        break
    time.sleep(0.25)
else:
    sys.exit(f"{path}: no new sample for 30 s and not complete: the run stopped unfinished")
