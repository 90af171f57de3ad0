#!/usr/bin/env bash
# Every test, as CI runs them: install dependencies, check formatting, build the release
# preset with warnings as errors and run all tests, run them again under AddressSanitizer +
# UndefinedBehaviorSanitizer, run the render-thread channel under ThreadSanitizer, build the
# benchmarks once (smoke run), fuzz the health-record reader and the C interface for 30 s each
# (libFuzzer, clang, ASan + UBSan; before the sanitizer stages), pip-install the Python package
# into a fresh venv and import it, then install the C++
# package and build consumers against the installed tree (scripts/check-install.sh: the core
# with HDF5 hidden, the io and cohort libraries, a C program through pkg-config). The Python
# tests and examples run in the release ctest. Each stage's wall-clock time is printed at the
# end (the CI budget is 90 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
jobs=$(nproc)

stage_names=()
stage_seconds=()
stage_started=$SECONDS
stage_name=""
stage() {
  end_stage
  stage_name="$1"
  stage_started=$SECONDS
  echo "== $1"
}
end_stage() {
  if [ -n "$stage_name" ]; then
    stage_names+=("$stage_name")
    stage_seconds+=($((SECONDS - stage_started)))
  fi
  stage_name=""
}
print_times() {
  end_stage
  echo "== stage times (wall clock, $(nproc) cores)"
  for i in "${!stage_names[@]}"; do
    printf '  %5d s  %s\n' "${stage_seconds[$i]}" "${stage_names[$i]}"
  done
  printf '  %5d s  total\n' "$SECONDS"
}
trap print_times EXIT

# expect_option BUILD_DIR NAME VALUE: the configured cache holds what this script relies on
# (a build folder configured earlier with other options must not silently skip tests).
expect_option() {
  local value
  value=$(sed -n "s/^$2:[A-Z]*=//p" "$1/CMakeCache.txt")
  if [ "$value" != "$3" ]; then
    echo "test.sh: $1 has $2=$value, expected $3 (CMakePresets.json sets it)" >&2
    exit 1
  fi
}

stage "clang-format"
mapfile -t sources < <(git ls-files '*.hpp' '*.cpp' '*.c' '*.h' 2>/dev/null || find include src tests benchmarks examples bindings -name '*.[ch]pp')
clang-format --dry-run --Werror "${sources[@]}"

stage "release build"
cmake --preset release > /dev/null
for option in PHYSIOTWIN_BUILD_TESTS PHYSIOTWIN_BUILD_BENCHMARKS PHYSIOTWIN_BUILD_EXAMPLES PHYSIOTWIN_BUILD_PYTHON PHYSIOTWIN_WARNINGS_AS_ERRORS PHYSIOTWIN_BUILD_C PHYSIOTWIN_TEST_CSHARP; do
  expect_option build/release "$option" ON
done
cmake --build build/release -j "$jobs"

stage "release tests"
ctest --preset release -j "$jobs"

stage "benchmarks (smoke run; figures are recorded in docs/performance.md)"
./build/release/benchmarks/physiotwin_benchmarks --benchmark_min_time=0.01 \
  --benchmark_filter='BM_RightHandSide|BM_ReferenceAdult60s|BM_FrameLoop90Hz$'

# The fuzz targets are the one clang build (every other stage is GCC's): run them before the
# long sanitizer stages, so that a clang-only compile error fails CI in about 15 minutes, not 45
# (47b8e2d's std::ranges::unique; docs/performance.md).
stage "fuzzing the health-record reader and the C interface (30 s each, ASan + UBSan)"
./scripts/fuzz.sh 30

stage "address + undefined sanitizers: build"
cmake --preset asan > /dev/null
expect_option build/asan PHYSIOTWIN_BUILD_TESTS ON
cmake --build build/asan -j "$jobs"

stage "address + undefined sanitizers: tests"
ctest --preset asan -j "$jobs"

stage "thread sanitizer: the render-thread channel through the C interface"
# Only what threads meet: the C library and the channel's test (a writer at full speed,
# readers at 90 Hz), not the whole suite (docs/engines.md, "Threads").
cmake --preset tsan > /dev/null
cmake --build build/tsan -j "$jobs" --target test_render_thread
./build/tsan/tests/test_render_thread models/circulation/adult.json 3

stage "the Python package as a new user installs it (venv + pip, docs/python.md)"
venv=$(mktemp -d)/venv
/usr/bin/python3 -m venv --system-site-packages "$venv"
"$venv/bin/pip" install --quiet --no-build-isolation --no-deps .
(cd "$venv" && "$venv/bin/python" -c "import physiotwin as pt; t = pt.Twin(); t.advance(2.0); print('import physiotwin: ok, MAP', round(t.beats()['mean_arterial_pressure'][-1]))")

stage "install, then build consumers against the installed package"
./scripts/check-install.sh build/release

echo "== all tests passed"
