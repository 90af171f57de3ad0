"""Plots people want to see, over matplotlib: pressure-volume loops, the Wiggers diagram,
vital-sign trends and breathing loops.

Headless-safe: figures are made with ``matplotlib.figure.Figure`` (no pyplot, no display);
save them with ``fig.savefig("x.png")``. Each function takes a :class:`~physiotwin.Twin` (or
its ``results()``/``beats()`` tables) and returns the Figure.
"""

from __future__ import annotations

from typing import Optional, Sequence, Tuple

import numpy as np

from ._results import MetricTable, Results


def _figure(size=(7.0, 5.0)):
    from matplotlib.figure import Figure

    return Figure(figsize=size, layout="constrained")


def _tables(source) -> Tuple[Results, Optional[MetricTable]]:
    """(results, beats) of a Twin, a RunFile (read_hdf5) or a Results table."""
    if isinstance(source, Results):
        results, beats = source, None
    elif callable(getattr(source, "results", None)):
        results, beats = source.results(), source.beats()
    else:  # a RunFile
        results, beats = source.results, source.beats
    if len(results.time) == 0:
        raise ValueError("no samples to plot: the twin keeps none (keep_samples=False) or has "
                         "not advanced")
    return results, beats


def _require(results: Results, names, what: str) -> None:
    missing = [n for n in names if n not in results]
    if missing:
        raise ValueError(f"{what} needs signals this model does not have: {missing}")


def last_beat_window(results: Results, beats: MetricTable, beat: int = -1) -> np.ndarray:
    """A boolean mask over ``results.time`` selecting one complete beat (default: the last)."""
    starts = beats.time
    if len(starts) < 2 and beat == -1:
        raise ValueError("no complete beat recorded yet: advance the twin first")
    index = beat if beat >= 0 else len(starts) + beat
    begin = starts[index]
    end = starts[index + 1] if index + 1 < len(starts) else begin + 60.0 / beats["heart_rate"][index]
    return (results.time >= begin) & (results.time <= end)


def pressure_volume_loops(source, *, beats: int = 3, chambers: Sequence[str] = ("lv", "rv")):
    """Pressure-volume loop of each ventricle over the last ``beats`` beats."""
    results, table = _tables(source)
    fig = _figure((10.0, 4.5))
    axes = fig.subplots(1, len(chambers), squeeze=False)[0]
    begin = table.time[-beats - 1] if table is not None and len(table.time) > beats else results.time[0]
    mask = results.time >= begin
    _require(results, [f"{c}.{q}" for c in chambers for q in ("volume", "pressure")],
             "pressure_volume_loops")
    for ax, chamber in zip(axes, chambers):
        ax.plot(results[f"{chamber}.volume"][mask], results[f"{chamber}.pressure"][mask], lw=1.5)
        ax.set_xlabel(f"{chamber.upper()} volume (mL)")
        ax.set_ylabel(f"{chamber.upper()} pressure (mmHg)")
        ax.set_title(f"{chamber.upper()} pressure-volume loop")
        ax.grid(alpha=0.3)
    return fig


def wiggers_diagram(source, *, beat: int = -1):
    """The Wiggers diagram of one beat: aortic, LV and LA pressures above, LV volume below."""
    results, table = _tables(source)
    if table is None:
        raise ValueError("wiggers_diagram needs a Twin (for the beat boundaries)")
    _require(results, ["aorta.pressure", "lv.pressure", "lv.volume"], "wiggers_diagram")
    mask = last_beat_window(results, table, beat)
    t = results.time[mask] - results.time[mask][0]
    fig = _figure((7.0, 6.0))
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [2, 1]})
    for name, label in (("aorta.pressure", "aorta"), ("lv.pressure", "left ventricle"),
                        ("la.pressure", "left atrium")):
        if name in results:  # a model without atria has no left atrial pressure
            top.plot(t, results[name][mask], label=label)
    top.set_ylabel("pressure (mmHg)")
    top.legend(loc="upper right")
    top.set_title("Wiggers diagram")
    top.grid(alpha=0.3)
    bottom.plot(t, results["lv.volume"][mask], color="tab:purple")
    bottom.set_ylabel("LV volume (mL)")
    bottom.set_xlabel("time in the beat (s)")
    bottom.grid(alpha=0.3)
    return fig


def vital_trends(twin, metrics: Sequence[str] = ("heart_rate", "mean_arterial_pressure",
                                                 "cardiac_output"), *,
                 breath_metrics: Sequence[str] = ("respiratory_rate", "spo2"), actions=True):
    """Per-beat and per-breath vital signs over the whole run, actions marked."""
    beats = twin.beats() if callable(twin.beats) else twin.beats
    breaths = twin.breaths() if callable(twin.breaths) else twin.breaths
    shown = [(beats, m) for m in metrics if m in beats] + \
        [(breaths, m) for m in breath_metrics if m in breaths]
    fig = _figure((8.0, 1.8 * len(shown) + 0.8))
    axes = fig.subplots(len(shown), 1, sharex=True, squeeze=False)[:, 0]
    for ax, (table, metric) in zip(axes, shown):
        ax.plot(table.time, table[metric], marker=".", ms=3, lw=1)
        ax.set_ylabel(f"{metric}\n({table.units[metric]})", fontsize=8)
        ax.grid(alpha=0.3)
        if actions:
            times = [t for t, _ in twin.actions()] if callable(twin.actions) else twin.action_times
            for t in times:
                ax.axvline(t, color="tab:red", lw=0.8, alpha=0.6)
    axes[-1].set_xlabel("time (s)")
    axes[0].set_title("Vital signs")
    return fig


def breathing_loops(source, *, breaths: int = 2):
    """Flow-volume and pressure-volume loops of the last ``breaths`` breaths."""
    results, _ = _tables(source)
    if isinstance(source, Results):
        starts = None
    else:
        breaths_table = source.breaths() if callable(getattr(source, "breaths", None)) else \
            source.breaths
        starts = breaths_table.time
    _require(results, ["lungs.volume", "airway.flow", "airway.pressure", "pleural.pressure"],
             "breathing_loops (a model with a respiratory system)")
    begin = starts[-breaths - 1] if starts is not None and len(starts) > breaths else results.time[0]
    mask = results.time >= begin
    volume = results["lungs.volume"][mask]
    volume = volume - volume.min()
    fig = _figure((10.0, 4.5))
    left, right = fig.subplots(1, 2)
    left.plot(volume, results["airway.flow"][mask])
    left.set_xlabel("volume above the breath's minimum (mL)")
    left.set_ylabel("airway flow (mL/s, + inspiration)")
    left.set_title("Flow-volume loop")
    left.grid(alpha=0.3)
    right.plot(results["airway.pressure"][mask] - results["pleural.pressure"][mask], volume,
               label="transpulmonary")
    right.plot(results["pleural.pressure"][mask], volume, label="pleural")
    right.set_xlabel("pressure (mmHg)")
    right.set_ylabel("volume above the breath's minimum (mL)")
    right.set_title("Pressure-volume loop")
    right.legend()
    right.grid(alpha=0.3)
    return fig


__all__ = ["breathing_loops", "last_beat_window", "pressure_volume_loops", "vital_trends",
           "wiggers_diagram"]


def sensitivity_indices(indices, *, outputs: Optional[Sequence[str]] = None):
    """Sobol indices as bars, one panel per output: the total index (with its bootstrap
    interval) and the first-order index of each input, largest total first; Morris effects
    (mu* with sigma beside it) when the analysis was Morris's. ``indices``: the DataFrame
    :func:`physiotwin.sensitivity` returns."""
    shown = list(outputs) if outputs is not None else list(dict.fromkeys(indices["output"]))
    fig = _figure((8.0, 2.2 * len(shown) + 0.8))
    axes = fig.subplots(len(shown), 1, squeeze=False)[:, 0]
    sobol = "total" in indices
    for ax, output in zip(axes, shown):
        rows = indices[indices["output"] == output]
        rows = rows.sort_values("total" if sobol else "mu_star")
        y = np.arange(len(rows))
        if sobol:
            low = (rows["total"] - rows["total_low"]).clip(lower=0)
            high = (rows["total_high"] - rows["total"]).clip(lower=0)
            ax.barh(y + 0.2, rows["total"], 0.4, xerr=[low, high], label="total (ST)",
                    color="tab:blue", capsize=2)
            # With its interval too: at a few dozen base samples first-order estimates are
            # noisy (docs/sensitivity.md, "How many runs"), and the bar alone would hide it.
            first_low = (rows["first_order"] - rows["first_order_low"]).clip(lower=0)
            first_high = (rows["first_order_high"] - rows["first_order"]).clip(lower=0)
            ax.barh(y - 0.2, rows["first_order"], 0.4, xerr=[first_low, first_high],
                    label="first order (S)", color="tab:orange", alpha=0.7, capsize=2)
            ax.set_xlim(-0.3, 1.05)
            ax.axvline(0.0, color="black", lw=0.6)
            ax.set_xlabel("share of the output's variance")
        else:
            ax.barh(y + 0.2, rows["mu_star"], 0.4, label="mu* (importance)", color="tab:blue")
            ax.barh(y - 0.2, rows["sigma"], 0.4, label="sigma (nonlinearity, interactions)",
                    color="tab:orange")
            ax.set_xlabel("elementary effect over the input's range (output's unit)")
        ax.set_yticks(y, rows["input"], fontsize=8)
        ax.set_title(output, fontsize=9)
        ax.grid(axis="x", alpha=0.3)
    axes[0].legend(fontsize=7, loc="lower right")
    return fig
