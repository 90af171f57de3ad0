"""physiotwin.plots as a researcher composes them (issue 15 item 6; docs/python.md, "Plots"):
into axes of their own figure, returning what they drew, with the physiology each plot marks
checked against the run it drew and published values."""

import numpy as np
import pytest

import physiotwin as pt

matplotlib = pytest.importorskip("matplotlib")
from matplotlib.figure import Figure  # noqa: E402

from physiotwin import plots  # noqa: E402


@pytest.fixture(scope="module")
def rest():
    twin = pt.Twin(patient=pt.reference_patient("adult_male"))
    twin.advance(30.0)
    return twin


def test_every_plot_draws_into_the_axes_it_is_given(rest):
    figure = Figure(figsize=(14, 8))
    grid = figure.subplots(2, 4)
    wiggers = plots.wiggers_diagram(rest, ax=grid[0, :2])
    pv = plots.pressure_volume_loops(rest, chambers=["lv", "rv"], ax=grid[0, 2:])
    breathing = plots.breathing_loops(rest, ax=grid[1, :2])
    trends = plots.vital_trends(rest, metrics=["heart_rate"], breath_metrics=["spo2"],
                                ax=grid[1, 2:])
    for drawn, axes in ((wiggers, grid[0, :2]), (pv, grid[0, 2:]), (breathing, grid[1, :2]),
                        (trends, grid[1, 2:])):
        assert drawn.figure is figure
        assert list(drawn.axes) == list(axes)
        assert drawn.artists  # what it drew, by name
    # One Axes for both ventricles overlays them.
    single = Figure().subplots()
    both = plots.pressure_volume_loops(rest, ax=single)
    assert both.axes is single and {"lv loop", "rv loop"} <= set(both.artists)
    assert both.artists["lv loop"].axes is single
    with pytest.raises(ValueError, match="1 Axes given, this plot draws 2 panel"):
        plots.wiggers_diagram(rest, ax=single)


def test_pv_loop_relations_pass_through_the_loop(rest):
    """The EDPVR of the model's passive chamber passes through the loop's end-diastolic point
    (the last sample before a beat starts: activation is nil there, while a sample a few
    milliseconds after the start is already contracting; the line is drawn at the window's
    mean pleural pressure, so the pleural pressure's departure from it at that sample is
    added; within 2 mmHg: the septum couples the ventricles); the ESPVR's E_max, measured from
    the loop, is the end-systolic elastance parameter as the baroreflex at rest leaves it
    (within 15 %: the reflex at its set point scales it by a few per cent)."""
    drawn = plots.pressure_volume_loops(rest, chambers=["lv"], espvr=True, edpvr=True, beats=1)
    volume, pressure = drawn.artists["lv loop"].get_data()
    results = rest.results()
    time = np.asarray(results.time)
    window = np.flatnonzero(np.isin(np.asarray(results["lv.volume"]), volume))  # the loop's
    last_start = np.asarray(rest.beats().time)[-1]
    ed = int(np.flatnonzero(time[window] <= last_start)[-1])
    assert last_start - time[window][ed] < 0.011  # one sample (100 Hz) before the start
    pleural = np.asarray(results["pleural.pressure"])[window]
    departure = pleural[ed] - np.mean(pleural)
    v, p = drawn.artists["lv EDPVR"].get_data()
    assert np.interp(volume[ed], v, p) + departure == pytest.approx(pressure[ed], abs=2.0)
    v, p = drawn.artists["lv ESPVR"].get_data()
    e_max = (p[-1] - p[0]) / (v[-1] - v[0])
    assert e_max == pytest.approx(rest.parameters["lv.end_systolic_elastance"].value, rel=0.15)
    # The line touches the loop at end-systole and no point of the loop lies above it.
    above = pressure - np.interp(volume, v, p)
    assert above.max() == pytest.approx(0.0, abs=0.5)


def test_wiggers_marks_the_valves_in_their_order_and_a_published_ejection_time(rest):
    """Mitral closure, aortic opening, aortic closure, mitral opening, in that order; the
    ejection (AO to AC) lasts as long as the LV ejection time men have at this heart rate:
    LVET = 413 - 1.7 HR ms (Weissler, Harris & Schoenfeld 1968, Circulation 37:149), +-30 ms
    (the regression's scatter, and 10 ms samples)."""
    drawn = plots.wiggers_diagram(rest)
    marks = sorted((float(name.split()[1]), name.split()[0]) for name in drawn.artists
                   if name[:2] in ("MC", "AO", "AC", "MO"))
    order = [name for _, name in marks]
    assert order[order.index("AO"):order.index("AO") + 3] == ["AO", "AC", "MO"]
    times = dict((name, t) for t, name in marks)
    heart_rate = rest.beats()["heart_rate"][-1]
    lvet = 1000 * (times["AC"] - times["AO"])
    assert lvet == pytest.approx(413 - 1.7 * heart_rate, abs=30)
    phases = {name for name in drawn.artists if name.endswith("shading")}
    assert phases == {"isovolumic contraction shading", "ejection shading",
                      "isovolumic relaxation shading", "filling shading"}


def test_breathing_loops_in_the_ventilators_units():
    """On pressure control with PEEP 5 and 5 cmH2O above it, the airway opening pressure the
    loop shows runs from 5 to 10 cmH2O (the ventilator's settings, docs/scenarios.md)."""
    twin = pt.Twin(patient=pt.reference_patient("adult_male"))
    twin.apply("ventilator", mode="pressure_control", rate=14, inspiratory_pressure=5, peep=5,
               ie_ratio=0.5)
    twin.advance(30.0)
    drawn = plots.breathing_loops(twin)
    airway, _ = drawn.artists["airway opening"].get_data()
    assert airway.min() == pytest.approx(5.0, abs=0.3)
    assert airway.max() == pytest.approx(10.0, abs=0.3)
    assert drawn.axes[1].get_xlabel() == "pressure (cmH2O)"
