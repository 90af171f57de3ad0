"""Plots people want to see, over matplotlib, made to be composed: pressure-volume loops with
the end-systolic and end-diastolic pressure-volume relations, the Wiggers diagram with its valve
events and phases, vital-sign trends, breathing loops in the ventilator's units, and
sensitivity indices.

Every function draws into axes you give it (``ax=``: one Axes, or a sequence with one per
panel, as each function says) or, without them, into a new headless ``matplotlib.figure.Figure``
(no pyplot, no display). Each returns a :class:`Drawn`: the figure, the axes and the artists it
drew by name, so a caller can restyle, relabel or add to them (docs/python.md, "Plots").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Sequence, Tuple

import numpy as np

from ._results import MetricTable, Results

#: 1 mmHg in cmH2O (ventilator pressures are set in cmH2O: docs/scenarios.md).
CMH2O_PER_MMHG = 1.35951
#: A valve counts as open above this fraction of its opening (as in the viewer, docs/viewer.md).
VALVE_OPEN = 0.05


@dataclass
class Drawn:
    """What a plot drew: ``figure``; ``axes`` (the Axes, or an array of them, one per panel);
    ``artists``: name -> what matplotlib returned for it (lines, filled spans, texts)."""

    figure: Any
    axes: Any
    artists: Dict[str, Any] = field(default_factory=dict)

    def savefig(self, *args, **kwargs):
        """The figure's ``savefig``."""
        return self.figure.savefig(*args, **kwargs)


def _axes(ax, panels: int, size: Tuple[float, float], column: bool = True,
          **subplots) -> Tuple[Any, np.ndarray]:
    """(figure, array of ``panels`` Axes): the caller's, or a new figure's (panels in a column,
    or in a row)."""
    if ax is None:
        from matplotlib.figure import Figure

        figure = Figure(figsize=size, layout="constrained")
        rows, columns = (panels, 1) if column else (1, panels)
        return figure, figure.subplots(rows, columns, squeeze=False, **subplots).ravel()
    axes = np.atleast_1d(np.asarray(ax, dtype=object))
    if len(axes) != panels:
        raise ValueError(f"ax: {len(axes)} Axes given, this plot draws {panels} panel(s): pass "
                         f"{'one Axes' if panels == 1 else f'a sequence of {panels} Axes'}")
    return axes[0].figure, axes


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


def _breaths(source) -> Optional[MetricTable]:
    if isinstance(source, Results):
        return None
    return source.breaths() if callable(getattr(source, "breaths", None)) else source.breaths


def _parameter(source, name: str) -> Optional[float]:
    """A parameter's value from a Twin (as now) or a RunFile (as the run began); None if absent."""
    parameters = getattr(source, "parameters", None)
    if parameters is None:
        return None
    try:
        value = parameters[name]
    except KeyError:
        return None
    return float(getattr(value, "value", value))


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


def _pleural(results: Results, source, mask) -> float:
    """Mean pressure around the heart over the window: chambers' pressures include it."""
    if "pleural.pressure" in results:
        return float(np.mean(results["pleural.pressure"][mask]))
    return _parameter(source, "thorax.pressure") or 0.0


def pressure_volume_loops(source, *, beats: int = 3, chambers: Sequence[str] = ("lv", "rv"),
                          espvr: bool = False, edpvr: bool = False, ax=None) -> Drawn:
    """Pressure-volume loop of each ventricle over the last ``beats`` beats; ``ax``: one Axes
    per chamber, or one Axes for all of them.

    ``espvr``: the end-systolic pressure-volume relation, P = E_max (V - V_d) + P_pl, with V_d the
    chamber's ``dead_volume`` and E_max measured from the loops, max (P - P_pl)/(V - V_d) (Suga &
    Sagawa 1974): the elastance as the baroreflex has set it, which the parameter
    ``end_systolic_elastance`` is before the reflex. ``edpvr``: the end-diastolic relation of the
    model's passive chamber, P = P_0 (exp(lambda (V - V_0)) - 1) + P_pl (Smith et al. 2004,
    docs/models/cardiovascular.md), from the parameters. P_pl: the mean pleural pressure.
    """
    results, table = _tables(source)
    _require(results, [f"{c}.{q}" for c in chambers for q in ("volume", "pressure")],
             "pressure_volume_loops")
    overlay = ax is not None and len(np.atleast_1d(np.asarray(ax, dtype=object))) == 1
    figure, axes = _axes(ax, 1 if overlay else len(chambers), (5.0 * len(chambers), 4.5),
                         column=False)
    begin = table.time[-beats - 1] if table is not None and len(table.time) > beats else results.time[0]
    mask = results.time >= begin
    drawn = Drawn(figure, axes[0] if overlay else axes)
    for i, chamber in enumerate(chambers):
        a = axes[0] if overlay else axes[i]
        volume, pressure = results[f"{chamber}.volume"][mask], results[f"{chamber}.pressure"][mask]
        drawn.artists[f"{chamber} loop"], = a.plot(volume, pressure, lw=1.5,
                                                  label=f"{chamber.upper()} loop")
        pleural = _pleural(results, source, mask)
        v = np.linspace(0.0, volume.max() * 1.15, 100)
        dead = _parameter(source, f"{chamber}.dead_volume")
        if espvr and dead is not None:
            e_max = float(np.max((pressure - pleural) / np.maximum(volume - dead, 1e-6)))
            ceiling = 1.3 * pressure.max()  # the line stops above the loop: the loop stays legible
            line = v[(v >= dead) & (e_max * (v - dead) + pleural <= ceiling)]
            drawn.artists[f"{chamber} ESPVR"], = a.plot(
                line, e_max * (line - dead) + pleural, "--", color="tab:red", lw=1,
                label=f"ESPVR, E_max {e_max:.2f} mmHg/mL")
        scale = _parameter(source, f"{chamber}.diastolic_pressure_scale")
        stiffness = _parameter(source, f"{chamber}.diastolic_stiffness")
        rest = _parameter(source, f"{chamber}.diastolic_rest_volume")
        if edpvr and None not in (scale, stiffness, rest):
            curve = scale * (np.exp(np.minimum(stiffness * (v - rest), 30.0)) - 1.0) + pleural
            shown = curve <= 1.3 * pressure.max()
            drawn.artists[f"{chamber} EDPVR"], = a.plot(
                v[shown], curve[shown], ":", color="tab:green", lw=1.5,
                label=f"EDPVR, P_0 {scale:g} mmHg, lambda {stiffness:g}/mL")
        a.set_xlabel("volume (mL)" if overlay else f"{chamber.upper()} volume (mL)")
        a.set_ylabel("pressure (mmHg)" if overlay else f"{chamber.upper()} pressure (mmHg)")
        a.set_title("Pressure-volume loops" if overlay else f"{chamber.upper()} pressure-volume loop")
        a.grid(alpha=0.3)
        if espvr or edpvr or overlay:
            a.legend(fontsize=8, loc="upper right")
    return drawn


def valve_events(results: Results, valve: str, begin: float, end: float):
    """[(time, opened)] where ``<valve>.opening`` crosses VALVE_OPEN in [begin, end]."""
    window = (results.time >= begin) & (results.time <= end)
    opening = results[f"{valve}.opening"][window] > VALVE_OPEN
    times = results.time[window]
    change = np.flatnonzero(opening[1:] != opening[:-1]) + 1
    return [(float(times[i]), bool(opening[i])) for i in change]


#: The phase each valve event starts (Wiggers diagram).
_PHASE_AFTER = {("mitral", False): "isovolumic contraction", ("aortic", True): "ejection",
                ("aortic", False): "isovolumic relaxation", ("mitral", True): "filling"}
_PHASE_COLOUR = {"isovolumic contraction": "tab:orange", "ejection": "tab:red",
                 "isovolumic relaxation": "tab:purple", "filling": "tab:blue"}


def wiggers_diagram(source, *, beat: int = -1, phases: bool = True, valves: bool = True,
                    ax=None) -> Drawn:
    """The Wiggers diagram of one beat: aortic, LV and LA pressures above, LV volume below
    (``ax``: two Axes). ``valves``: the mitral and aortic valves' closing and opening marked
    (MC, AO, AC, MO) where their opening crosses 5 %; ``phases``: isovolumic contraction,
    ejection, isovolumic relaxation and filling shaded between them."""
    results, table = _tables(source)
    if table is None:
        raise ValueError("wiggers_diagram needs a Twin (for the beat boundaries)")
    _require(results, ["aorta.pressure", "lv.pressure", "lv.volume"], "wiggers_diagram")
    mask = last_beat_window(results, table, beat)
    start = results.time[mask][0]
    t = results.time[mask] - start
    figure, axes = _axes(ax, 2, (7.0, 6.0), sharex=True, gridspec_kw={"height_ratios": [2, 1]})
    top, bottom = axes
    drawn = Drawn(figure, axes)
    for name, label in (("aorta.pressure", "aorta"), ("lv.pressure", "left ventricle"),
                        ("la.pressure", "left atrium")):
        if name in results:  # a model without atria has no left atrial pressure
            drawn.artists[label], = top.plot(t, results[name][mask], label=label)
    drawn.artists["LV volume"], = bottom.plot(t, results["lv.volume"][mask], color="tab:purple")
    have_valves = all(f"{v}_valve.opening" in results for v in ("mitral", "aortic"))
    if have_valves and (phases or valves):
        end = results.time[mask][-1]
        # From half a beat earlier: the phase the beat starts in is set by the event before it.
        lookback = start - 0.5 * (end - start)
        events = sorted((time, valve, opened) for valve in ("mitral", "aortic")
                        for time, opened in valve_events(results, f"{valve}_valve", lookback, end))
        for i, (time, valve, opened) in enumerate(events):
            if valves and time >= start:
                name = f"{valve[0].upper()}{'O' if opened else 'C'}"
                for a in axes:
                    a.axvline(time - start, color="0.4", lw=0.7, ls="--")
                drawn.artists[f"{name} {time:.3f}"] = top.annotate(
                    name, (time - start, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(2, -10), textcoords="offset points", fontsize=8)
            if phases:
                phase = _PHASE_AFTER[(valve, opened)]
                until = events[i + 1][0] if i + 1 < len(events) else end
                left, right = max(time, start) - start, min(until, end) - start
                if right > left:
                    for a in axes:
                        span = a.axvspan(left, right, color=_PHASE_COLOUR[phase], alpha=0.08, lw=0)
                    drawn.artists.setdefault(f"{phase} shading", span)
    top.set_ylabel("pressure (mmHg)")
    top.legend(loc="center right", fontsize=8)  # clear of the valve marks along the top
    top.set_title("Wiggers diagram")
    top.grid(alpha=0.3)
    bottom.set_ylabel("LV volume (mL)")
    bottom.set_xlabel("time in the beat (s)")
    bottom.grid(alpha=0.3)
    if phases and have_valves:
        from matplotlib.patches import Patch

        bottom.legend(handles=[Patch(color=c, alpha=0.3, label=p) for p, c in _PHASE_COLOUR.items()],
                      fontsize=7, loc="lower right", ncol=2)
    return drawn


def vital_trends(twin, metrics: Sequence[str] = ("heart_rate", "mean_arterial_pressure",
                                                 "cardiac_output"), *,
                 breath_metrics: Sequence[str] = ("respiratory_rate", "spo2"), actions=True,
                 ax=None) -> Drawn:
    """Per-beat and per-breath vital signs over the whole run, actions marked; ``ax``: one
    Axes per metric shown (the model's: a metric it does not have is left out)."""
    beats = twin.beats() if callable(twin.beats) else twin.beats
    breaths = twin.breaths() if callable(twin.breaths) else twin.breaths
    shown = [(beats, m) for m in metrics if m in beats] + \
        [(breaths, m) for m in breath_metrics if m in breaths]
    figure, axes = _axes(ax, len(shown), (8.0, 1.8 * len(shown) + 0.8), sharex=True)
    drawn = Drawn(figure, axes)
    times = []
    if actions:
        times = [t for t, _ in twin.actions()] if callable(twin.actions) else twin.action_times
    for a, (table, metric) in zip(axes, shown):
        drawn.artists[metric], = a.plot(table.time, table[metric], marker=".", ms=3, lw=1)
        a.set_ylabel(f"{metric}\n({table.units[metric]})", fontsize=8)
        a.grid(alpha=0.3)
        for t in times:
            a.axvline(t, color="tab:red", lw=0.8, alpha=0.6)
    axes[-1].set_xlabel("time (s)")
    axes[0].set_title("Vital signs")
    return drawn


def breathing_loops(source, *, breaths: int = 2, ax=None) -> Drawn:
    """Flow-volume and pressure-volume loops of the last ``breaths`` breaths, in the
    ventilator's units (``ax``: two Axes): flow in L/s against volume, and airway opening,
    transpulmonary (airway minus pleural) and pleural pressure in cmH2O against volume."""
    results, _ = _tables(source)
    table = _breaths(source)
    starts = table.time if table is not None else None
    _require(results, ["lungs.volume", "airway.flow", "airway.pressure", "pleural.pressure"],
             "breathing_loops (a model with a respiratory system)")
    begin = starts[-breaths - 1] if starts is not None and len(starts) > breaths else results.time[0]
    mask = results.time >= begin
    volume = results["lungs.volume"][mask]
    volume = volume - volume.min()
    figure, axes = _axes(ax, 2, (10.0, 4.5), column=False)
    left, right = axes
    drawn = Drawn(figure, axes)
    drawn.artists["flow-volume"], = left.plot(volume, results["airway.flow"][mask] / 1000.0)
    left.set_xlabel("volume above the breath's minimum (mL)")
    left.set_ylabel("airway flow (L/s, + inspiration)")
    left.set_title("Flow-volume loop")
    left.grid(alpha=0.3)
    airway = results["airway.pressure"][mask] * CMH2O_PER_MMHG
    pleural = results["pleural.pressure"][mask] * CMH2O_PER_MMHG
    for name, pressure in (("airway opening", airway), ("transpulmonary", airway - pleural),
                           ("pleural", pleural)):
        drawn.artists[name], = right.plot(pressure, volume, label=name)
    right.set_xlabel("pressure (cmH2O)")
    right.set_ylabel("volume above the breath's minimum (mL)")
    right.set_title("Pressure-volume loops")
    right.legend(fontsize=8)
    right.grid(alpha=0.3)
    return drawn


def sensitivity_indices(indices, *, outputs: Optional[Sequence[str]] = None, ax=None) -> Drawn:
    """Sobol indices as bars, one panel per output (``ax``: one Axes per output): the total
    index (with its bootstrap interval) and the first-order index of each input, largest total
    first; Morris effects (mu* with sigma beside it) when the analysis was Morris's.
    ``indices``: the DataFrame :func:`physiotwin.sensitivity` returns."""
    shown = list(outputs) if outputs is not None else list(dict.fromkeys(indices["output"]))
    figure, axes = _axes(ax, len(shown), (8.0, 2.2 * len(shown) + 0.8))
    drawn = Drawn(figure, axes)
    sobol = "total" in indices
    for a, output in zip(axes, shown):
        rows = indices[indices["output"] == output]
        rows = rows.sort_values("total" if sobol else "mu_star")
        y = np.arange(len(rows))
        if sobol:
            low = (rows["total"] - rows["total_low"]).clip(lower=0)
            high = (rows["total_high"] - rows["total"]).clip(lower=0)
            drawn.artists[f"{output} total"] = a.barh(
                y + 0.2, rows["total"], 0.4, xerr=[low, high], label="total (ST)",
                color="tab:blue", capsize=2)
            # With its interval too: at a few dozen base samples first-order estimates are
            # noisy (docs/sensitivity.md, "How many runs"), and the bar alone would hide it.
            first_low = (rows["first_order"] - rows["first_order_low"]).clip(lower=0)
            first_high = (rows["first_order_high"] - rows["first_order"]).clip(lower=0)
            drawn.artists[f"{output} first order"] = a.barh(
                y - 0.2, rows["first_order"], 0.4, xerr=[first_low, first_high],
                label="first order (S)", color="tab:orange", alpha=0.7, capsize=2)
            a.set_xlim(-0.3, 1.05)
            a.axvline(0.0, color="black", lw=0.6)
            a.set_xlabel("share of the output's variance")
        else:
            drawn.artists[f"{output} mu*"] = a.barh(y + 0.2, rows["mu_star"], 0.4,
                                                    label="mu* (importance)", color="tab:blue")
            drawn.artists[f"{output} sigma"] = a.barh(
                y - 0.2, rows["sigma"], 0.4, label="sigma (nonlinearity, interactions)",
                color="tab:orange")
            a.set_xlabel("elementary effect over the input's range (output's unit)")
        a.set_yticks(y, rows["input"], fontsize=8)
        a.set_title(output, fontsize=9)
        a.grid(axis="x", alpha=0.3)
    axes[0].legend(fontsize=7, loc="lower right")
    return drawn


__all__ = ["CMH2O_PER_MMHG", "Drawn", "breathing_loops", "last_beat_window",
           "pressure_volume_loops", "sensitivity_indices", "valve_events", "vital_trends",
           "wiggers_diagram"]
