"""pt.compare(): a plan's comparison table as a DataFrame (docs/planning.md)."""
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
