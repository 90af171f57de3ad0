#!/usr/bin/env bash
# Installs a configured build (default build/release) into a temporary prefix and checks the
# package as someone who installs it meets it (docs/architecture.md, "Packaging"):
# - the exported link interface names imported targets, never a library path of this machine;
# - a consumer of physiotwin::physiotwin (no HDF5) configures and runs with HDF5 hidden;
# - a consumer of physiotwin::io (find_package(physiotwin COMPONENTS io)) builds and writes a file;
# - a consumer of physiotwin::cohort (COMPONENTS cohort) runs a small population into a file;
# - a C program builds against the C interface through pkg-config and runs (examples/c);
# - the installed command-line tool finds its models beside itself, from any folder, and serves
#   the installed browser viewer (physiotwin view).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/release}"
prefix=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$prefix" "$work"' EXIT
cmake --install "$build" --prefix "$prefix" > /dev/null
config_dir="$prefix/lib/cmake/physiotwin"
[ -d "$config_dir" ] || config_dir=$(dirname "$(find "$prefix" -name physiotwinConfig.cmake | head -1)")

if grep -nE '(^|[ ";(])/(usr|opt|lib|lib64|home|root)/' "$config_dir"/physiotwin*Targets*.cmake; then
  echo "check-install: the exported targets name library files of this machine (above)" >&2
  exit 1
fi

echo "-- consumer of physiotwin::physiotwin (core and compiled edges), HDF5 hidden"
cmake -S examples/cpp -B "$work/core" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_DISABLE_FIND_PACKAGE_HDF5=ON > "$work/core.log" ||
  { cat "$work/core.log"; exit 1; }
cmake --build "$work/core" > /dev/null
[ ! -e "$work/core/record_to_hdf5" ] || { echo "check-install: io example built without HDF5" >&2; exit 1; }
PHYSIOTWIN_MODELS="$prefix/share/physiotwin/models" "$work/core/simulate_adult" > "$work/core.txt"
head -3 "$work/core.txt"

echo "-- consumer of physiotwin::io"
cmake -S examples/cpp -B "$work/io" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release -DPHYSIOTWIN_EXAMPLE_COMPONENTS=io > "$work/io.log" ||
  { cat "$work/io.log"; exit 1; }
cmake --build "$work/io" > /dev/null
PHYSIOTWIN_MODELS="$prefix/share/physiotwin/models" "$work/io/record_to_hdf5" "$work/example.h5"
"$prefix/bin/physiotwin" info "$work/example.h5" > /dev/null

echo "-- consumer of physiotwin::cohort"
cmake -S examples/cpp -B "$work/cohort" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release -DPHYSIOTWIN_EXAMPLE_COMPONENTS=cohort > "$work/cohort.log" ||
  { cat "$work/cohort.log"; exit 1; }
cmake --build "$work/cohort" --target virtual_cohort > /dev/null
cat > "$work/cohort.json" <<EOF
{"format": "physiotwin-cohort", "version": 1, "duration": 5,
 "model": "$prefix/share/physiotwin/models/circulation/adult.json",
 "population": {"size": 4, "age": {"distribution": "uniform", "min": 30, "max": 70}}}
EOF
"$work/cohort/virtual_cohort" "$work/cohort.json" "$work/cohort.h5" | tail -1

echo "-- a C program against the C interface, found by pkg-config (what an engine's build does)"
pc_dir=$(dirname "$(find "$prefix" -name physiotwin-c.pc | head -1)")
cc -std=c11 -Wall -Wextra -Werror examples/c/frame_loop.c \
  $(PKG_CONFIG_PATH="$pc_dir" pkg-config --cflags --libs physiotwin-c) -o "$work/frame_loop"
LD_LIBRARY_PATH=$(PKG_CONFIG_PATH="$pc_dir" pkg-config --variable=libdir physiotwin-c) \
  "$work/frame_loop" "$prefix/share/physiotwin/models/circulation/adult.json" | tail -1

echo "-- the installed tool finds its models beside itself"
(cd "$work" && env -u PHYSIOTWIN_MODELS "$prefix/bin/physiotwin" run --duration 2 --out "$work/tool.h5" > /dev/null)
"$prefix/bin/physiotwin" info "$work/tool.h5" > "$work/tool.txt"
grep -q "aorta.pressure" "$work/tool.txt"

echo "-- the installed tool serves the installed viewer (share/physiotwin/viewer)"
(cd "$work" && env -u PHYSIOTWIN_VIEWER "$prefix/bin/physiotwin" view "$work/tool.h5" > "$work/view.txt" 2>&1) &
view_pid=$!
for _ in $(seq 50); do grep -q "http://" "$work/view.txt" 2> /dev/null && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*/' "$work/view.txt" || true)
page_ok=0
[ -n "$url" ] && /usr/bin/python3 -c "import sys, urllib.request; sys.exit(b'physiotwin viewer' not in urllib.request.urlopen(sys.argv[1] + 'index.html').read())" "$url" && page_ok=1
pkill -INT -P "$view_pid" physiotwin 2> /dev/null || kill -INT "$view_pid" 2> /dev/null || true
wait "$view_pid" || true
[ "$page_ok" = 1 ] || { echo "check-install: the installed viewer was not served: $(cat "$work/view.txt")" >&2; exit 1; }
echo "check-install: ok"
