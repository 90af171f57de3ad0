"""pt.Monitor: the monitor of `physiotwin monitor`, fed from Python (docs/monitoring.md)."""
import os

import h5py
import pytest

import physiotwin as pt

JAN_2026 = 1767225600  # 2026-01-01T00:00:00Z


@pytest.fixture(scope="module")
def resting_twin():
    return pt.Twin(patient=pt.reference_patient("adult_male"), sample_rate=1,
                   keep_samples=False).advance(30)


def tachycardia_lines():
    yield "time,measure,value,unit"
    for minute in range(1, 13):
        hr = 72 if minute < 5 else 120
        yield f"2026-01-01T00:{minute:02d}:00Z,heart_rate,{hr},/min"
    yield "2026-01-01T00:12:30Z,heart_rate,fast,/min"


def test_a_stream_gives_one_band_alert_as_fhir(resting_twin, tmp_path):
    monitor = pt.Monitor(resting_twin, members=3, forecast_interval=0, reorder_window=0)
    raised = monitor.feed(tachycardia_lines())
    raised += monitor.finish()
    bands = [a for a in raised if a["code"]["coding"][0]["code"] == "vital-sign-above-band"]
    assert len(bands) == 1
    alert = bands[0]
    assert alert["resourceType"] == "DetectedIssue" and alert["code"]["text"] == "heart_rate"
    assert alert["identifiedDateTime"] == "2026"  # Safe Harbor: the year only
    assert monitor.alerts == raised
    # The bad line is warned by its number, nothing quoted.
    assert len(monitor.warnings) == 1 and monitor.warnings[0].startswith("line 14: ")
    assert "fast" not in monitor.warnings[0]
    assert abs(monitor.resting()["heart_rate"] - 72.6) < 3

    estimates = monitor.estimates()
    assert list(estimates.columns[:2]) == ["blood_volume", "blood_volume_sd"]
    assert len(estimates) >= 12 and estimates.index.name == "time"

    path = tmp_path / "monitor.h5"
    monitor.write(path)
    with h5py.File(path, "r") as f:
        assert f.attrs["format"] == "physiotwin-monitor"
        assert len(f["alerts/fhir"]) == len(raised)
    assert pt.verify(path), str(pt.verify(path))  # signed as the tool signs (docs/security.md)


def test_the_trend_alert_comes_after_a_short_baseline_and_can_be_turned_off(resting_twin):
    # A 4-minute baseline at 72 /min, then 120 /min: along the twin's bleeding pattern (each
    # reading counting as 3 error SDs at most), past h 2 when finish() counts the 15-minute
    # block under way.
    monitor = pt.Monitor(resting_twin, members=2, forecast_interval=0, reorder_window=0,
                         trend_baseline=4, trend_threshold=2)
    raised = monitor.feed(tachycardia_lines()) + monitor.finish()
    codes = [a["code"]["coding"][0]["code"] for a in raised]
    assert codes.count("trend-deterioration") == 1, codes
    quiet = pt.Monitor(resting_twin, members=2, forecast_interval=0, reorder_window=0,
                       trend_baseline=4, trend_threshold=0)
    raised = quiet.feed(tachycardia_lines()) + quiet.finish()
    assert "trend-deterioration" not in [a["code"]["coding"][0]["code"] for a in raised]
    with pytest.raises(ValueError, match="trend_threshold"):
        pt.Monitor(resting_twin, members=2, trend_threshold=-1)
    with pytest.raises(ValueError, match="baseline window"):
        pt.Monitor(resting_twin, members=2, trend_baseline=-5)


def test_observe_takes_one_measurement_and_checks_it(resting_twin):
    monitor = pt.Monitor(resting_twin, members=2, forecast_interval=0, reorder_window=0)
    assert monitor.observe(JAN_2026 + 60, "heart_rate", 71) == []
    assert monitor.started
    with pytest.raises(ValueError, match="glucose"):
        monitor.observe(JAN_2026 + 120, "glucose", 5.5)
    with pytest.raises(ValueError, match=r"\[20, 300\]"):
        monitor.observe(JAN_2026 + 120, "heart_rate", 4000)
    with pytest.raises(ValueError, match="members"):
        pt.Monitor(resting_twin, members=1)


def test_write_never_replaces_a_fifo(resting_twin, tmp_path):
    monitor = pt.Monitor(resting_twin, members=2, forecast_interval=0, reorder_window=0)
    monitor.observe(JAN_2026 + 60, "heart_rate", 71)
    monitor.finish()
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises((OSError, ValueError)):
        monitor.write(fifo)
    assert fifo.is_fifo()


def test_a_better_device_s_error_sd_is_taken_by_name_and_recorded(resting_twin, tmp_path):
    monitor = pt.Monitor(resting_twin, members=2, forecast_interval=0, reorder_window=0,
                         observation_sd={"heart_rate": 2})  # a chest patch's ECG
    monitor.observe(JAN_2026 + 60, "heart_rate", 71)
    monitor.finish()
    monitor.write(tmp_path / "patch.h5", signed=False)
    with h5py.File(tmp_path / "patch.h5", "r") as f:
        assert f["observations/heart_rate"].attrs["error_sd"] == 2
        assert f["observations/spo2"].attrs["error_sd"] == 2  # the default, untouched
        assert f["observations/systolic_pressure"].attrs["error_sd"] == 8
    with pytest.raises(ValueError, match="not a measure the monitor takes"):
        pt.Monitor(resting_twin, members=2, observation_sd={"glucose": 1})
    with pytest.raises(ValueError, match=r"allowed range \[0.1, 50\] 1/min"):
        pt.Monitor(resting_twin, members=2, observation_sd={"heart_rate": 0})
