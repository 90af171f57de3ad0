"""The Python API (docs/python.md): every public function, dtypes and shapes, errors."""

import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import physiotwin as pt

DATA = Path(os.environ["PHYSIOTWIN_TEST_DATA"]) if "PHYSIOTWIN_TEST_DATA" in os.environ else \
    Path(__file__).resolve().parents[3] / "tests" / "data"
RECORD = DATA / "fhir" / "smart_Alberto_Atencio_fc712d1f-5a2e-4407-9c55-a2a2bad623c2.json"
CHILD = DATA / "fhir" / "inferno_787d18e6-7a5a-4002-9c04-16ee9879406f.json"


@pytest.fixture(scope="module")
def run60():
    """The README's example: the reference adult male for 60 s."""
    twin = pt.Twin(patient=pt.reference_patient("adult_male"))
    twin.advance(60.0)
    return twin


def test_readme_example(run60):
    res = run60.results()
    assert isinstance(res.time, np.ndarray) and res.time.dtype == np.float64
    assert res.time.shape == (6001,)  # 100 Hz, both ends
    assert res["aorta.pressure"].shape == res.time.shape
    assert res["aorta.pressure"].dtype == np.float64
    mean_pressure = run60.beats()["mean_arterial_pressure"][-1]
    # The reference adult at rest: docs/validation.md (normal adult MAP 70-105 mmHg).
    assert 70.0 < mean_pressure < 105.0


def test_results_and_metric_tables(run60):
    res = run60.results()
    assert len(res) == len(run60.signals) == len(res.names)
    assert res.units["aorta.pressure"] == "mmHg"
    assert res.values.shape == (len(res.time), len(res.names))
    np.testing.assert_allclose(np.diff(res.time), 0.01, atol=1e-9)
    with pytest.raises(KeyError, match="aorta.presure"):
        res["aorta.presure"]
    beats = run60.beats()
    assert beats.time.shape == beats["heart_rate"].shape and len(beats.time) >= 60
    assert beats.units["cardiac_output"] == "L/min"
    breaths = run60.breaths()
    assert "respiratory_rate" in breaths.names and breaths.values.dtype == np.float64
    # Published normal ranges, as the library declares them once (metrics/normal_ranges.hpp).
    low, high = pt.normal_range("heart_rate")
    assert low <= beats["heart_rate"][-1] <= high
    info = run60.metric_info()
    assert info["tidal_volume"].unit == "mL"


def test_dataframes(run60):
    pd = pytest.importorskip("pandas")
    frame = run60.results().to_dataframe()
    assert frame.index.name == "time" and "lv.volume" in frame.columns
    assert isinstance(run60.beats().to_dataframe(), pd.DataFrame)
    params = run60.parameters.to_dataframe()
    assert params.loc["heart.rate", "unit"] == "1/min"


def test_signals_and_current_values(run60):
    names = run60.signal_names
    assert "lv.volume" in names and "spo2" in names
    info = {s.name: s for s in run60.signals}
    assert info["aorta.pressure"].unit == "mmHg" and info["aorta.pressure"].region
    assert run60.signal("lv.volume") == pytest.approx(run60.results()["lv.volume"][-1])
    assert run60["spo2"] == run60.current()["spo2"]
    with pytest.raises(ValueError, match="unknown signal"):
        run60.signal("no.such")


def test_parameters_by_name_with_units_and_ranges():
    model = pt.personalise(pt.reference_patient("adult_female"))
    p = model.parameters["aortic_valve.max_area"]
    assert (p.unit, p.min, p.max) == ("cm2", 0.05, 15.0)  # declared in model/block_types.hpp
    assert p.source and p.description
    assert "heart.rate" in model.parameters and len(model.parameters) > 100
    model.parameters["aortic_valve.max_area"] = 0.8
    assert model.parameters["aortic_valve.max_area"].value == 0.8
    with pytest.raises(ValueError, match=r"outside the allowed range"):
        model.parameters["aortic_valve.max_area"] = 100.0
    with pytest.raises(KeyError, match="unknown parameter"):
        model.parameters["aortic_valve.max_aera"]
    assert model.parameters.values_dict()["aortic_valve.max_area"] == 0.8


def test_twin_parameters_argument_and_live_change():
    twin = pt.Twin(parameters={"heart.rate": 60.0})
    assert twin.parameters["heart.rate"].value == 60.0
    twin.advance(1.0)
    twin.parameters["baroreflex.enabled"] = 0
    assert twin.actions()[0][1].startswith("set ")


def test_patients():
    assert {"adult_male", "adult_female"} <= set(pt.reference_patients())
    male = pt.reference_patient("adult_male")
    assert (male.sex, male.age, male.height, male.weight) == ("male", 40.0, 175.0, 70.0)
    with pytest.raises(ValueError, match="unknown reference patient"):
        pt.reference_patient("adult_martian")
    record = pt.load_patient(RECORD)
    assert record.id.startswith("pt-") and record.sex == "male" and record.from_health_record
    assert record.measurements["systolic_pressure"] == pytest.approx(131.5, abs=0.05)
    assert any(m.startswith("height") for m in record.measured)
    # Privacy: the record's names never reach the patient object.
    bundle = json.loads(RECORD.read_text())
    person = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    family = person["name"][0]["family"]
    assert family not in repr(record) and family not in record.description and family not in record.id
    with pytest.raises(ValueError, match="younger than 18 years"):
        pt.load_patient(CHILD)
    older = pt.load_patient(RECORD, as_of="2030-01-01")
    assert older.age == pytest.approx(36, abs=1)


def test_bad_input_is_a_value_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "physiotwin-patient", ')
    with pytest.raises(ValueError, match=r"patient input sha256 [0-9a-f]+: not valid JSON: .*line 1"):
        pt.load_patient(bad)
    with pytest.raises(ValueError, match="the patient file does not exist"):
        pt.load_patient(tmp_path / "missing.json")  # input that cannot be read is bad input
    with pytest.raises(OSError, match="its folder does not exist"):
        pt.personalise().save(tmp_path / "no_such_directory" / "twin.json")
    twin = pt.Twin()
    with pytest.raises(ValueError, match="positive"):
        twin.advance(-1.0)
    with pytest.raises(ValueError, match="unknown action"):
        twin.apply("teleport")
    with pytest.raises(ValueError, match="fio2 1.4 is outside the allowed range"):
        twin.apply("inspired_gas", fio2=1.4)
    with pytest.raises(ValueError, match="level 1.5 is outside the allowed range"):
        twin.apply("stress", level=1.5)
    with pytest.raises(ValueError, match=r"beta -0.1 is outside the allowed range \[0, 1\]"):
        twin.apply("autonomic_blockade", beta=-0.1)
    with pytest.raises(ValueError, match="give vagal, beta or both"):
        twin.apply("autonomic_blockade")
    with pytest.raises(ValueError, match="rate 2 /min is outside the allowed range: 4-60 /min, or 0"):
        twin.apply("paced_breathing", rate=2)
    with pytest.raises(ValueError, match=r"watts 400 is beyond what this patient can sustain: at most \d+ W"):
        twin.apply("exercise", watts=400)
    with pytest.raises(ValueError, match="before the twin's current time"):
        twin.advance(2.0)
        twin.schedule(1.0, "hemorrhage", rate=100, volume=100)


def test_solver_error_is_raised_with_the_librarys_message():
    assert issubclass(pt.SolverError, RuntimeError)
    # Steps of at most 0.1 ms but one step allowed per 10 ms output interval: the twin gives
    # up within the first interval and says where, instead of grinding on.
    twin = pt.Twin(max_steps=1, max_step=1e-4)
    with pytest.raises(pt.SolverError, match=r"solver failed at t = 0.0[0-9]+ s: more than 1 steps"):
        twin.advance(1.0)
    with pytest.raises(ValueError, match="relative_tolerance 1 is outside"):
        pt.Twin(relative_tolerance=1.0)


def test_actions_of_every_kind():
    twin = pt.Twin()
    twin.advance(2.0)
    twin.apply("hemorrhage", rate=1200, volume=200)
    twin.apply({"action": "infusion", "rate": 600, "volume": 100, "fluid": "saline"})
    twin.apply("set", parameter="heart.rate", value=80)
    twin.apply("inspired_gas", fio2=0.3)
    twin.apply("ventilator", mode="pressure_control", rate=14, inspiratory_pressure=15, peep=5)
    twin.apply("stress", level=0.5)
    twin.apply("paced_breathing", rate=6)
    twin.apply("exercise", watts=50, ramp=25)  # 2 W/s
    twin.apply("autonomic_blockade", vagal=1)
    twin.schedule(3.0, "ventilator", mode="off")
    twin.advance(2.0)
    names = [a.split()[0] for _, a in twin.actions()]
    assert names == ["hemorrhage", "infusion", "set", "inspired_gas", "ventilator", "stress",
                     "paced_breathing", "exercise", "autonomic_blockade", "ventilator"]
    assert twin.signal("exercise.work_rate") == pytest.approx(4.0, abs=0.1)
    assert twin.parameters["baroreflex.stress_level"].value == 0.5
    assert twin.parameters["respiration.paced_rate"].value == 6
    assert twin.parameters["baroreflex.vagal_blockade"].value == 1
    assert twin.parameters["baroreflex.beta_blockade"].value == 0  # not given: left as it was
    res = twin.results()
    # After 2 s: 40 mL out (1200 mL/min), 20 mL in (600 mL/min).
    assert res["blood.external_volume"][-1] == pytest.approx(-20.0, abs=0.5)


def test_exercise_in_mets():
    twin = pt.Twin(keep_samples=False)
    twin.apply("exercise", mets=3)  # 1 MET = resting O2 uptake: 2 x 245 mL/min / 10.3 = 48 W
    twin.advance(1.0)
    assert twin.parameters["exercise.work_rate"].value == pytest.approx(47.6, abs=0.5)
    with pytest.raises(ValueError, match=r"mets 12 is beyond what this patient can sustain: at most 7.7 METs"):
        twin.apply("exercise", mets=12)


def test_scenario_file(tmp_path):
    scenario = tmp_path / "bleed.json"
    scenario.write_text(json.dumps({"duration": 6, "actions": [
        {"time": 1, "action": "hemorrhage", "rate": 300, "volume": 100}]}))
    twin = pt.Twin().run_scenario(scenario)
    assert twin.time == pytest.approx(6.0)
    assert twin.actions()[0][0] == pytest.approx(1.0)


def test_calibration_report_as_python_objects():
    model = pt.calibrate(pt.models_directory() / "patients" / "example_measured_male.json")
    report = model.calibration
    assert model.calibrated and report.simulations > 0
    targets = {r.target: r for r in report.results}
    # Issue 4's tolerances: +-2 mmHg, +-1 /min, +-1 % SpO2, +-2 % EF.
    assert abs(targets["systolic_pressure"].residual) <= 2.0 and targets["systolic_pressure"].reached
    assert abs(targets["heart_rate"].residual) <= 1.0
    assert targets["spo2"].unit == "%"


def test_twin_parameter_files_round_trip(tmp_path):
    model = pt.personalise(RECORD)
    path = tmp_path / "twin.json"
    model.save(path)
    again = pt.Twin(patient=path)
    assert again.model.calibration is None  # loaded as stored, not calibrated again
    assert again.model.calibrated
    assert again.parameters.values_dict() == model.parameters.values_dict()


def test_hdf5_round_trip(tmp_path, run60):
    path = tmp_path / "run.h5"
    # The temporary file of a writer that was killed (its process is gone): removed by the save.
    dead = subprocess.Popen(["true"])
    dead.wait()
    abandoned = tmp_path / f".run.h5.{dead.pid}-00000000abcd.tmp"
    abandoned.write_text("left by a killed run")
    run60.save(path)
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))
    f = pt.read_hdf5(path)
    assert f.attributes["format"] == "physiotwin-hdf5"
    assert f.attributes["patient_id"] == "adult_male"
    np.testing.assert_array_equal(f.results.time, run60.results().time)
    np.testing.assert_array_equal(f.results["aorta.pressure"], run60.results()["aorta.pressure"])
    np.testing.assert_array_equal(f.beats["heart_rate"], run60.beats()["heart_rate"])
    assert f.parameters["heart.rate"] == 72.0
    with pytest.raises(ValueError, match="not a physiotwin HDF5 file"):
        import h5py
        with h5py.File(tmp_path / "other.h5", "w") as other:
            other.attrs["format"] = "something"
        pt.read_hdf5(tmp_path / "other.h5")


def test_same_results_as_the_command_line_tool(tmp_path, run60):
    cli = os.environ.get("PHYSIOTWIN_CLI")
    if not cli:
        pytest.skip("PHYSIOTWIN_CLI is not set (ctest sets it)")
    out = tmp_path / "cli.h5"
    subprocess.run([cli, "run", "--duration", "60", "--out", str(out)], check=True,
                   capture_output=True)
    from_cli = pt.read_hdf5(out)
    ours = run60.results()
    # The command-line tool advances in 100 chunks, Python in one; outputs come from the
    # solver's interpolant, so chunking leaves them equal to rounding (docs/solver.md).
    np.testing.assert_array_equal(from_cli.results.time, ours.time)
    np.testing.assert_allclose(from_cli.results["aorta.pressure"], ours["aorta.pressure"],
                               rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(from_cli.beats["mean_arterial_pressure"],
                               run60.beats()["mean_arterial_pressure"], rtol=1e-9)


def test_keep_samples_false_keeps_beats_only():
    twin = pt.Twin(keep_samples=False).advance(5.0)
    assert twin.results().time.shape == (0,)
    assert len(twin.beats().time) >= 4


def _while_advancing(twin, seconds, action):
    """Calls ``action`` in this thread, again and again, while another thread is inside one
    native ``advance`` of ``twin``; returns what each call returned.

    Python's thread switch interval is set far beyond the run, so this thread cannot take the
    GIL from the other: it gets to run during the advance only if the advance released the
    GIL. Without the release the list comes back empty. No wall-clock timing is involved; the
    native call is long (300 s simulated: about a second) so that even a busy machine schedules
    this thread while it runs."""
    started = threading.Event()

    def work():
        started.set()
        twin._core.advance(seconds)  # one native call (Twin.advance cuts long runs in pieces)

    results = []
    old = sys.getswitchinterval()
    sys.setswitchinterval(30.0)
    try:
        worker = threading.Thread(target=work)
        worker.start()
        started.wait()
        while worker.is_alive():
            results.append(action())
            time.sleep(0)  # lets the worker take the GIL back once its native call ends
        worker.join()
    finally:
        sys.setswitchinterval(old)
    return results


def test_threads_run_while_a_twin_advances():
    """The GIL is released while a twin advances, so other threads (another twin's, a
    render loop's) run meanwhile; and threads do not change results."""
    ran = _while_advancing(pt.Twin(keep_samples=False), 300.0, lambda: True)
    assert ran, "no other thread ran while the twin advanced: the GIL was held"
    twins = [pt.Twin(keep_samples=False) for _ in range(2)]
    threads = [threading.Thread(target=t.advance, args=(20.0,)) for t in twins]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    alone = pt.Twin(keep_samples=False).advance(20.0)
    for t in twins:
        np.testing.assert_array_equal(t.beats().values, alone.beats().values)


def test_plots_are_headless_figures(tmp_path, run60):
    matplotlib = pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    from physiotwin import plots

    for name, drawn in (("pv", plots.pressure_volume_loops(run60)),
                        ("wiggers", plots.wiggers_diagram(run60)),
                        ("trends", plots.vital_trends(run60)),
                        ("breathing", plots.breathing_loops(run60))):
        assert isinstance(drawn.figure, Figure)
        drawn.savefig(tmp_path / f"{name}.png")
        assert (tmp_path / f"{name}.png").stat().st_size > 1000
    mask = plots.last_beat_window(run60.results(), run60.beats())
    duration = mask.sum() / 100.0
    assert duration == pytest.approx(60.0 / run60.beats()["heart_rate"][-1], abs=0.02)
    with pytest.raises(ValueError, match="no complete beat"):
        plots.last_beat_window(pt.Twin().results(), pt.Twin().beats())


def test_one_twin_is_used_by_one_thread_at_a_time():
    """A second call on a twin that is advancing in another thread is refused at once with a
    RuntimeError saying so, every time, instead of corrupting it."""
    twin = pt.Twin(keep_samples=False)

    def try_beats():
        try:
            twin.beats()
            return "answered"
        except RuntimeError as error:
            return str(error)

    attempts = _while_advancing(twin, 300.0, try_beats)
    assert attempts, "no call reached the twin while it advanced"
    assert all("busy in another thread" in a for a in attempts), attempts
    assert twin.time == pytest.approx(300.0)


def test_hdf5_with_actions_breaths_overrides_and_no_names(tmp_path):
    twin = pt.Twin(patient=RECORD, parameters={"heart.rate": 75.0})
    twin.advance(8.0)
    twin.apply("hemorrhage", rate=np.int64(300), volume=np.float32(50))
    twin.advance(4.0)
    path = tmp_path / "record.h5"
    twin.save(path)
    f = pt.read_hdf5(path)
    assert f.attributes["patient_file"] == "FHIR health record (linked by the patient's code)"
    assert hashlib.sha256(RECORD.read_bytes()).hexdigest()[:16] not in path.read_bytes().decode("latin-1")
    assert "heart.rate=75" in f.attributes["parameter_overrides"]
    assert f.action_times.tolist() == [8.0] and f.actions[0].startswith("hemorrhage ")
    assert len(f.breaths.time) == len(twin.breaths().time) > 0
    assert f.parameter_units["heart.rate"] == "1/min"
    bundle = json.loads(RECORD.read_text())
    person = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    assert person["name"][0]["family"].encode() not in path.read_bytes()
    with pytest.raises(FileNotFoundError):
        pt.read_hdf5(tmp_path / "missing.h5")
    (tmp_path / "text.h5").write_text("not hdf5")
    with pytest.raises(ValueError, match="not an HDF5 file"):
        pt.read_hdf5(tmp_path / "text.h5")


def test_action_arguments_are_checked():
    twin = pt.Twin()
    with pytest.raises(ValueError, match="apply\\(\\) acts now"):
        twin.apply("hemorrhage", rate=100, volume=100, time=5)
    with pytest.raises(ValueError, match="NaN and infinity"):
        twin.schedule(float("nan"), "hemorrhage", rate=100, volume=100)
    with pytest.raises(KeyError, match="unknown signal"):
        twin["no.such"]
    with pytest.raises(ValueError, match="sample_rate inf Hz is outside"):
        pt.Twin(sample_rate=float("inf"))


def test_models_and_copies():
    assert (pt.models_directory() / "circulation" / "adult.json") == pt.default_model_file()
    assert pt.default_model_file().exists()
    model = pt.personalise()
    copy = model.copy()
    copy.parameters["heart.rate"] = 90.0
    assert model.parameters["heart.rate"].value == 72.0
    assert any(s.name == "aorta.pressure" for s in model.signals)
    twin = pt.Twin(model=model)
    twin.model.parameters["heart.rate"] = 100.0  # a copy: the twin is unchanged
    assert twin.parameters["heart.rate"].value == 72.0
    with pytest.raises(ValueError, match="no measured vitals"):
        pt.calibrate(pt.reference_patient("adult_male"))
    with pytest.raises(ValueError, match="expected 'male' or 'female'"):
        pt.normal_range("heart_rate", "F")


def test_plots_of_a_model_without_lungs_or_samples():
    from physiotwin import plots

    smith = pt.Twin(model=pt.personalise(model=pt.models_directory() / "circulation" / "smith2004.json"))
    smith.advance(3.0)
    plots.wiggers_diagram(smith)  # no atria: the LA trace is left out
    with pytest.raises(ValueError, match="breathing_loops"):
        plots.breathing_loops(smith)
    with pytest.raises(ValueError, match="no samples"):
        plots.pressure_volume_loops(pt.Twin(keep_samples=False).advance(2.0))


def test_type_stubs_match_the_compiled_module():
    """Every class, function and method of _physiotwin has a stub, and every stub exists."""
    import ast
    import inspect

    from physiotwin import _physiotwin as core

    stub = ast.parse((Path(pt.__file__).parent / "_physiotwin.pyi").read_text())
    stubbed = {}
    for node in stub.body:
        if isinstance(node, ast.ClassDef):
            stubbed[node.name] = {n.name for n in node.body if isinstance(n, ast.FunctionDef)}
        elif isinstance(node, ast.FunctionDef):
            stubbed[node.name] = None
    public = {n for n in dir(core) if not n.startswith("_")}
    assert public == set(stubbed), (public ^ set(stubbed))
    for name, members in stubbed.items():
        if members is None:
            continue
        cls = getattr(core, name)
        actual = {n for n, _ in inspect.getmembers(cls) if not n.startswith("_")}
        expected = {m for m in members if not m.startswith("_")}
        if name == "SolverError":
            continue
        assert actual == expected, (name, actual ^ expected)


def test_rules_and_physical_guards_hold_in_python():
    """Issue 11: the rules between parameters hold for changes from Python too, and a state
    leaving its physical domain is a SolverError naming it, never impossible numbers."""
    twin = pt.Twin(keep_samples=False)
    with pytest.raises(ValueError, match=r"aortic_valve.min_area \(4 cm2\) must be below"):
        twin.parameters["aortic_valve.min_area"] = 4.0
    model = pt.personalise()
    model.parameters["systemic_arteries.compliance"] = 1000.0
    with pytest.raises(pt.SolverError, match="physical domain: the blood volume of vena_cava"):
        pt.Twin(model=model)


def test_an_output_never_replaces_the_record_it_came_from(tmp_path):
    """Issue 11: a stored twin or an HDF5 file is refused over the patient file or record the
    twin was made from (compared by identity), and the record stays as it was."""
    record = tmp_path / "record.json"
    record.write_bytes(Path(RECORD).read_bytes())
    before = record.read_bytes()
    model = pt.personalise(record, calibrate=False)
    with pytest.raises(OSError, match="is the patient file"):
        model.save(record)
    twin = pt.Twin(model=model)
    twin.advance(1.0)
    with pytest.raises(OSError, match="is the patient file"):
        twin.save(record)
    assert record.read_bytes() == before


def test_heart_rate_variability_per_beat():
    # NaN until a minute of beats, then the trailing minute's SDNN and RMSSD (ms); slow paced
    # breathing widens the respiratory sinus arrhythmia (docs/models/control.md).
    twin = pt.Twin(patient=pt.reference_patient("adult_male"), keep_samples=False)
    twin.advance(70.0)
    beats = twin.beats()
    time, sdnn = np.asarray(beats.time), np.asarray(beats["sdnn"])
    assert np.isnan(sdnn[time < 55.0]).all()
    rest = sdnn[-1]
    assert 10.0 < rest < 100.0 and 10.0 < beats["rmssd"][-1] < 100.0
    twin.apply("paced_breathing", rate=6)
    twin.advance(120.0)
    assert twin.breaths()["respiratory_rate"][-1] == pytest.approx(6.0, abs=0.05)
    assert twin.beats()["sdnn"][-1] > 1.5 * rest
