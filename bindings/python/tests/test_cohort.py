"""Cohorts from Python (docs/python.md, "Cohorts"): patients made and pickled in Python, a
cohort from a DataFrame run on the library's threads, its summary as a DataFrame."""

import io
import contextlib
import pickle

import numpy as np
import pandas as pd
import pytest

import physiotwin as pt

SUMMARIES = {"summaries": [{"metric": "heart_rate", "window": [10, 20]},
                           {"metric": "mean_arterial_pressure", "window": [10, 20]}]}


def test_patient_from_keywords_is_checked_as_a_patient_file():
    p = pt.Patient(sex="female", age=63, height=160, weight=58,
                   measurements={"systolic_pressure": 140, "diastolic_pressure": 85})
    assert (p.sex, p.age, p.height, p.weight) == ("female", 63, 160, 58)
    assert p.measurements == {"systolic_pressure": 140.0, "diastolic_pressure": 85.0}
    with pytest.raises(ValueError, match=r"height.value: height = 360 cm is outside the allowed range \[120, 230\] cm"):
        pt.Patient(sex="female", age=63, height=360, weight=58)
    with pytest.raises(ValueError, match="unknown \"sbp\"; known: height"):
        pt.Patient(sex="male", age=40, height=175, weight=70, measurements={"sbp": 120})
    with pytest.raises(ValueError, match="sex"):
        pt.Patient(sex="x", age=40, height=175, weight=70)
    old = pt.Patient(sex="male", age=95, height=170, weight=70)  # Safe Harbor: 90 or older
    assert old.age == 90 and old.age_90_or_older


def test_patients_and_models_pickle_exactly():
    p = pt.Patient(sex="male", age=52, height=181, weight=88, measurements={"heart_rate": 66})
    q = pickle.loads(pickle.dumps(p))
    assert (q.sex, q.age, q.height, q.weight, q.measurements) == \
        (p.sex, p.age, p.height, p.weight, p.measurements)
    model = pt.personalise(pt.reference_patient("adult_female"))
    copy = pickle.loads(pickle.dumps(model))
    assert [x.value for x in copy.parameters.values()] == [x.value for x in model.parameters.values()]
    a, b = pt.Twin(model=model), pt.Twin(model=copy)
    a.advance(3.0)
    b.advance(3.0)
    assert np.array_equal(a.results()["aorta.pressure"], b.results()["aorta.pressure"])


@pytest.fixture(scope="module")
def frame():
    return pd.DataFrame({"sex": ["female", "male", "male", "female"], "age": [63, 30, 75, 45],
                         "height": [160, 185, 170, 168], "weight": [58, 90, 70, 64],
                         "heart.rate": [85, np.nan, 70, 500]})  # 500: beyond its range


def test_cohort_from_a_dataframe(tmp_path, frame):
    calls = []
    cohort = pt.Cohort.from_dataframe(frame, duration=20, outputs=SUMMARIES)
    summary = cohort.run(tmp_path / "one.h5", threads=1,
                         progress=lambda done, failed, total: calls.append((done, failed, total)))
    assert list(summary.status) == ["ok", "ok", "ok", "input_error"]
    assert "heart.rate: value 500 1/min is outside" in summary.error[3]  # its own failure
    assert calls[-1] == (4, 1, 4) and len(calls) == 4
    assert summary.attrs["units"]["mean_arterial_pressure_mean"] == "mmHg"
    assert summary.attrs["units"]["heart.rate"] == "1/min"
    assert summary["heart.rate"][0] == 85.0
    # The drawn value is the beat's: the baroreflex moves the rate a little, not to 72.
    assert abs(summary.heart_rate_mean[0] - 85.0) < 5.0
    member = cohort.member(0)
    assert member.status == "ok" and member.parameters["heart.rate"] == 85.0
    assert member.beats.index.name == "time" and "stroke_volume" in member.beats
    # Threads do not change results.
    again = pt.Cohort.from_dataframe(frame, duration=20, outputs=SUMMARIES)
    other = again.run(tmp_path / "two.h5", threads=2)
    numeric = summary.select_dtypes("number")
    assert np.array_equal(numeric.to_numpy(), other.select_dtypes("number").to_numpy(),
                          equal_nan=True)
    # Run again into the same file: replaced by the same results (an interrupted run would
    # have been resumed: tests/cli/test_cohort.py).
    third = again.run(tmp_path / "two.h5", threads=2)
    assert again.outcome == {"members": 4, "failed": 1, "resumed": 0, "not_resumed_because": "",
                             "not_analysed": []}
    assert np.array_equal(third.select_dtypes("number").to_numpy(), numeric.to_numpy(),
                          equal_nan=True)


def test_cohort_from_patients_and_a_description_file(tmp_path):
    patients = [pt.reference_patient("adult_male"), pt.reference_patient("adult_female")]
    cohort = pt.Cohort.from_patients(patients, parameters=[{"heart.rate": 60}, {}],
                                     duration=20, outputs=SUMMARIES, name="two")
    summary = cohort.run(tmp_path / "two.h5")
    assert list(summary.patient_id) == ["adult_male", "adult_female"]
    assert summary.attrs["file"]["cohort_name"] == "two"
    # The description written beside the file runs from the command line as well.
    assert (tmp_path / "two.h5.cohort.json").exists()
    assert pt.read_cohort(tmp_path / "two.h5").equals(summary)


def test_a_tqdm_bar_when_tqdm_is_there(tmp_path):
    pytest.importorskip("tqdm")
    cohort = pt.Cohort.from_patients([pt.reference_patient("adult_male")], duration=5,
                                     outputs={"summaries": [{"metric": "heart_rate",
                                                             "window": [0, 5]}]})
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        cohort.run(tmp_path / "bar.h5")
    assert "1/1" in err.getvalue()


def test_dask_workers_give_the_threaded_results(tmp_path, frame):
    distributed = pytest.importorskip("distributed")
    description = {"format": "physiotwin-cohort", "version": 1, "name": "dask", "duration": 20,
                   "population": {"size": 8, "seed": 4,
                                  "age": {"distribution": "uniform", "min": 25, "max": 85}},
                   "outputs": SUMMARIES}
    threaded = pt.Cohort(description).run(tmp_path / "threads.h5", threads=2)
    calls = []
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        cohort = pt.Cohort(description)
        on_dask = cohort.run(tmp_path / "dask.h5", client=client, chunk_size=3,
                             progress=lambda d, f, t: calls.append(d))
    assert sorted(calls) == list(range(1, 9))
    assert list(on_dask.status) == ["ok"] * 8
    assert np.array_equal(on_dask.select_dtypes("number").to_numpy(),
                          threaded.select_dtypes("number").to_numpy(), equal_nan=True)


def test_sensitivity_from_python(tmp_path):
    import physiotwin.plots as plots
    spec = {"format": "physiotwin-cohort", "version": 1, "duration": 20,
            "sensitivity": {"method": "sobol", "base_samples": 8, "seed": 2, "bootstrap": 50,
                            "inputs": {"systemic_arteries.compliance": {"min": 0.96, "max": 1.44},
                                       "baroreflex.set_point": {"min": 75, "max": 100}}},
            "outputs": {"beats": False, "breaths": False,
                        "summaries": [{"metric": "pulse_pressure", "window": [10, 20]}]}}
    indices = pt.sensitivity(spec, tmp_path / "s.h5", progress=lambda *a: None)
    assert list(indices.columns[:2]) == ["input", "output"] or {"input", "output"} <= set(indices)
    assert indices.attrs["runs"] == 8 * 4 and indices.attrs["failed"] == 0
    total = dict(zip(indices.input, indices.total))
    # Pulse pressure: the arteries' compliance, not the reflex's set point (docs/sensitivity.md).
    assert total["systemic_arteries.compliance"] > total["baroreflex.set_point"]
    fig = plots.sensitivity_indices(indices)
    fig.savefig(tmp_path / "indices.png")
    assert (tmp_path / "indices.png").stat().st_size > 0
    with pytest.raises(ValueError, match="no \"sensitivity\" block"):
        pt.sensitivity({"format": "physiotwin-cohort", "version": 1, "members": []})
