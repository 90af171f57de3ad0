"""pt.Plan and pt.compare(): a plan run from Python, and its comparison table as a DataFrame
(docs/planning.md, docs/python.md "Plans")."""
import os
import subprocess
from pathlib import Path

import pytest

import physiotwin as pt

PLANS = Path(__file__).resolve().parents[3] / "models" / "plans"


@pytest.mark.skipif("PHYSIOTWIN_CLI" not in os.environ, reason="needs the command-line tool")
def test_compare_reads_a_plan_file(tmp_path):
    out = tmp_path / "mr.h5"
    subprocess.run([os.environ["PHYSIOTWIN_CLI"], "plan", str(PLANS / "mitral_regurgitation_repair.json"),
                    "--out", str(out)], check=True, capture_output=True)
    table = pt.compare(out)
    assert list(table.columns[:5]) == ["unit", "baseline", "no_intervention", "surgical_repair", "edge_to_edge"]
    rf = table.loc["mitral_valve_regurgitant_fraction_mean"]
    assert rf["baseline"] > 0.45 and rf["surgical_repair"] < 0.05 and rf["threshold"] == "< 0.3"
    met = table.attrs["met"].loc["mitral_valve_regurgitant_fraction_mean"]
    assert not met["no_intervention"] and met["surgical_repair"] and met["edge_to_edge"]
    assert table.attrs["met"].loc["stroke_volume_mean", "surgical_repair"] is None  # no threshold
    assert table.attrs["errors"] == {}
    assert table.loc["stroke_volume_mean", "unit"] == "mL"


def test_compare_refuses_another_file(tmp_path):
    twin = pt.Twin()
    twin.advance(1.0)
    twin.save(tmp_path / "twin.h5")
    with pytest.raises(ValueError, match="not a physiotwin plan file"):
        pt.compare(tmp_path / "twin.h5")


@pytest.mark.skipif("PHYSIOTWIN_CLI" not in os.environ, reason="needs the command-line tool")
def test_a_plan_run_from_python_is_the_one_the_tool_runs(tmp_path):
    """The same library calls: the same comparison, value for value."""
    plan = pt.Plan(PLANS / "mitral_regurgitation_repair.json")
    assert plan.branches == ["no_intervention", "surgical_repair", "edge_to_edge"]
    table = plan.run(tmp_path / "python.h5", threads=2)
    subprocess.run([os.environ["PHYSIOTWIN_CLI"], "plan", str(PLANS / "mitral_regurgitation_repair.json"),
                    "--out", str(tmp_path / "tool.h5"), "--no-figure"], check=True, capture_output=True)
    tool = pt.compare(tmp_path / "tool.h5")
    columns = ["baseline", *plan.branches]
    assert table[columns].equals(tool[columns])
    assert table.attrs["errors"] == {}


def test_a_plan_as_a_dict(tmp_path):
    """A plan built in Python: severe aortic stenosis, then TAVR in one branch; its mean
    gradient falls below VARC-3's 20 mmHg after TAVR and stays severe (>= 40 mmHg, ACC/AHA
    2020) without it."""
    plan = pt.Plan({
        "format": "physiotwin-plan", "version": 1, "set": {"aortic_valve.max_area": 0.7},
        "baseline": {"duration": 20},
        "branches": [{"name": "none", "duration": 30},
                     {"name": "tavr", "duration": 30, "interventions": [
                         {"time": 20, "action": "aortic_valve_replacement",
                          "approach": "transcatheter", "effective_orifice_area": 1.8}]}],
        "outcomes": [{"metric": "aortic_valve_mean_gradient", "window": [40, 50],
                      "threshold": {"below": 20, "source": "VARC-3"}}]})
    table = plan.run(tmp_path / "as.h5")
    gradient = table.loc["aortic_valve_mean_gradient_mean"]
    assert gradient["none"] >= 40 and gradient["tavr"] < 20
    assert table.attrs["met"].loc["aortic_valve_mean_gradient_mean", "tavr"]


def test_a_bad_plan_is_refused_before_anything_runs(tmp_path):
    bad = {"format": "physiotwin-plan", "version": 1, "set": {"aortic_valve.area": 0.7},
           "baseline": {"duration": 5}, "branches": [{"name": "a", "duration": 5}],
           "outcomes": [{"metric": "heart_rate", "window": [6, 10]}]}
    with pytest.raises(ValueError, match=r"^plan: set\.aortic_valve\.area: "):
        pt.Plan(bad).run(tmp_path / "bad.h5")
    bad["set"] = {}
    bad["branches"][0]["interventions"] = [{"time": 2, "action": "fluid_bolus", "volume": 500}]
    with pytest.raises(ValueError, match=r"branches\[0\]\.interventions\[0\]"):
        pt.Plan(bad).run(tmp_path / "bad.h5")
    assert not (tmp_path / "bad.h5").exists()
