#!/usr/bin/env bash
# Every test, as CI runs them: install dependencies, check formatting, build the release
# preset with warnings as errors and run all tests, run them again under AddressSanitizer +
# UndefinedBehaviorSanitizer, build the benchmarks once (smoke run), fuzz the health-record
# reader for 30 s (libFuzzer, clang), pip-install the Python package into a fresh venv and
# import it, then install the C++ package and build an example against the installed tree
# with find_package(physiotwin). The Python tests and examples run in the release ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
jobs=$(nproc)

echo "== clang-format"
mapfile -t sources < <(git ls-files '*.hpp' '*.cpp' 2>/dev/null || find include src tests benchmarks examples -name '*.[ch]pp')
clang-format --dry-run --Werror "${sources[@]}"

echo "== release build and tests"
cmake --preset release > /dev/null
cmake --build build/release -j "$jobs"
ctest --preset release -j "$jobs"

echo "== benchmarks (smoke run; figures are recorded in docs/performance.md)"
./build/release/benchmarks/physiotwin_benchmarks --benchmark_min_time=0.01 \
  --benchmark_filter='BM_RightHandSide|BM_ReferenceAdult60s'

echo "== address + undefined sanitizers"
cmake --preset asan > /dev/null
cmake --build build/asan -j "$jobs"
ctest --preset asan -j "$jobs"

echo "== fuzzing the health-record reader (short run)"
./scripts/fuzz.sh 30

echo "== the Python package as a new user installs it (venv + pip, docs/python.md)"
venv=$(mktemp -d)/venv
/usr/bin/python3 -m venv --system-site-packages "$venv"
"$venv/bin/pip" install --quiet --no-build-isolation --no-deps .
(cd "$venv" && "$venv/bin/python" -c "import physiotwin as pt; t = pt.Twin(); t.advance(2.0); print('import physiotwin: ok, MAP', round(t.beats()['mean_arterial_pressure'][-1]))")

echo "== install and build an example against the installed package"
prefix=$(mktemp -d)
cmake --install build/release --prefix "$prefix" > /dev/null
cmake -S examples/cpp -B build/example-installed -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build/example-installed
PHYSIOTWIN_MODELS="$prefix/share/physiotwin/models" ./build/example-installed/simulate_adult
echo "== all tests passed"
