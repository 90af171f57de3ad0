#!/usr/bin/env python3
"""A/B wall-clock comparison of two builds of the benchmarks (docs/performance.md).

The project's machine is a shared virtual machine whose wall clock moves by up to 30 %
between runs, so two builds are compared by alternating them for several rounds and pooling
every repetition; the medians of the pooled times are what docs/performance.md quotes.

    /usr/bin/python3 benchmarks/ab_compare.py OLD_BINARY NEW_BINARY [ROUNDS] [FILTER]
"""
import json
import statistics
import subprocess
import sys


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    binaries = {"A": sys.argv[1], "B": sys.argv[2]}
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    pattern = sys.argv[4] if len(sys.argv) > 4 else "60s"
    times: dict[str, dict[str, list[float]]] = {k: {} for k in binaries}
    for _ in range(rounds):
        for label, path in binaries.items():
            run = subprocess.run(
                [path, f"--benchmark_filter={pattern}", "--benchmark_repetitions=5",
                 "--benchmark_format=json"],
                capture_output=True, text=True, check=True)
            for b in json.loads(run.stdout)["benchmarks"]:
                if b.get("run_type") == "iteration":
                    times[label].setdefault(b["run_name"], []).append(b["real_time"])
    for label, path in binaries.items():
        print(f"{label}: {path}")
        for name, t in sorted(times[label].items()):
            t.sort()
            median = statistics.median(t)
            factor = f", {60000.0 / median:.0f}x real time" if name.endswith("60s/real_time") else ""
            print(f"  {name}: median {median:.1f} (n={len(t)}, min {t[0]:.1f}, "
                  f"max {t[-1]:.1f}){factor}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
