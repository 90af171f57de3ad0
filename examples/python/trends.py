"""Helpers the examples share."""

import numpy as np
import pandas as pd


def trend(beats, metric, window="15s"):
    """A beat metric averaged over the trailing window, as a monitor's trend shows it:
    breathing modulates every beat (respiratory sinus arrhythmia), which would hide the trend."""
    series = pd.Series(np.asarray(beats[metric]), index=pd.to_timedelta(beats.time, unit="s"))
    return series.rolling(window).mean().to_numpy()


def trailing_mean(time, values, window="15s"):
    """A sampled signal averaged over the trailing window (breathing swings gas flows within
    each breath)."""
    series = pd.Series(np.asarray(values), index=pd.to_timedelta(np.asarray(time), unit="s"))
    return series.rolling(window).mean().to_numpy()
