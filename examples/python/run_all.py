"""Runs every Python example headless (CI's python_examples test) and checks that each wrote
its figures: python examples/python/run_all.py OUTPUT_DIRECTORY"""

import os
import subprocess
import sys
from pathlib import Path

here = Path(__file__).resolve().parent
out = Path(sys.argv[1] if len(sys.argv) > 1 else "figures")
expected = {
    "wiggers_reference_adult.py": ["wiggers.png", "pv_loops.png", "breathing_loops.png"],
    "synthea_calibrate.py": ["synthea_calibration.png"],
    "aortic_valve_sweep.py": ["aortic_valve_sweep.png"],
    "hemorrhage_baroreflex.py": ["hemorrhage_baroreflex.png"],
    "graded_hemorrhage.py": ["graded_hemorrhage.png"],
    "mental_stress.py": ["mental_stress.png"],
    "paced_breathing.py": ["paced_breathing.png"],
    "autonomic_blockade.py": ["autonomic_blockade.png"],
    "inspired_oxygen.py": ["inspired_oxygen.png"],
    "graded_exercise.py": ["graded_exercise.png"],
    "post_exercise_hypotension.py": ["post_exercise_hypotension.png"],
    "virtual_population_age.py": ["virtual_population_age.png"],
    "sensitivity_pressure_flow.py": ["sensitivity_pressure_flow.png"],
    "plots_gallery.py": ["plot_wiggers.png", "plot_pv_loops.png", "plot_breathing.png",
                         "plot_breathing_ventilated.png", "plot_trends.png", "plot_composed.png"],
}
# Sizes for CI (a few seconds each): the cohort example with 64 members instead of 500, the
# sensitivity study with N = 8 base samples (64 runs) instead of 64 (512 runs).
arguments = {"virtual_population_age.py": ["64"], "sensitivity_pressure_flow.py": ["8"]}
env = dict(os.environ, MPLBACKEND="Agg")
failures = 0
for script, figures in expected.items():
    for f in figures:
        (out / f).unlink(missing_ok=True)
    result = subprocess.run([sys.executable, str(here / script), str(out),
                             *arguments.get(script, [])], env=env)
    missing = [f for f in figures if not (out / f).is_file() or (out / f).stat().st_size == 0]
    if result.returncode != 0 or missing:
        print(f"FAIL {script}: exit {result.returncode}, missing {missing}")
        failures += 1
    else:
        print(f"ok   {script}")
sys.exit(1 if failures else 0)
