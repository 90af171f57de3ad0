"""The C interface from Python's ctypes, against the same libphysiotwin_c.so an engine loads
(bindings/c/include/physiotwin_c.h): no pybind11, only the C symbols.

    python3 tests/c/test_ctypes.py LIBPHYSIOTWIN_C MODELS_DIR
"""

import ctypes as C
import math
import sys
from pathlib import Path

library, models = Path(sys.argv[1]), Path(sys.argv[2])
lib = C.CDLL(str(library))

PT_OK, PT_ERROR_NULL_ARGUMENT, PT_ERROR_INVALID_INPUT, PT_ERROR_NOT_FOUND = 0, 1, 2, 5
twin_p = C.c_void_p
lib.pt_version.restype = C.c_char_p
lib.pt_abi_version.restype = C.c_int
lib.pt_last_error.restype = C.c_char_p
lib.pt_twin_create_from_files.argtypes = [C.c_char_p, C.c_char_p, C.POINTER(twin_p)]
lib.pt_twin_destroy.argtypes = [twin_p]
lib.pt_twin_advance.argtypes = [twin_p, C.c_double]
lib.pt_twin_time.argtypes = [twin_p]
lib.pt_twin_time.restype = C.c_double
lib.pt_twin_signal_count.argtypes = [twin_p]
lib.pt_twin_signal_count.restype = C.c_size_t
lib.pt_twin_signal_name.argtypes = [twin_p, C.c_size_t]
lib.pt_twin_signal_name.restype = C.c_char_p
lib.pt_twin_signal_unit.argtypes = [twin_p, C.c_size_t]
lib.pt_twin_signal_unit.restype = C.c_char_p
lib.pt_twin_read_signals.argtypes = [twin_p, C.POINTER(C.c_double), C.c_size_t]
lib.pt_twin_set_parameter.argtypes = [twin_p, C.c_char_p, C.c_double]
lib.pt_twin_get_parameter.argtypes = [twin_p, C.c_char_p, C.POINTER(C.c_double)]
lib.pt_twin_apply_action.argtypes = [twin_p, C.c_char_p]
lib.pt_twin_latest_size.argtypes = [twin_p]
lib.pt_twin_latest_size.restype = C.c_size_t
lib.pt_twin_read_latest.argtypes = [twin_p, C.POINTER(C.c_double), C.c_size_t,
                                    C.POINTER(C.c_uint64)]

failures = 0


def check(condition, what):
    global failures
    if not condition:
        failures += 1
        print(f"FAIL {what}; last error: {lib.pt_last_error().decode()}")


check(lib.pt_abi_version() == 1, "the interface's version")
check(lib.pt_version().decode().count(".") == 2, "the library's version")

twin = twin_p()
status = lib.pt_twin_create_from_files(str(models / "circulation/adult.json").encode(),
                                       str(models / "patients/adult_female.json").encode(),
                                       C.byref(twin))
check(status == PT_OK and twin.value is not None, "create")
n = lib.pt_twin_signal_count(twin)
names = [lib.pt_twin_signal_name(twin, i).decode() for i in range(n)]
check("aorta.pressure" in names and len(set(names)) == n, "signal names, each once")
aorta = names.index("aorta.pressure")
check(lib.pt_twin_signal_unit(twin, aorta) == b"mmHg", "unit")

values = (C.c_double * n)()
pressures = []
statuses = set()
for frame in range(5 * 90):  # 5 s at 90 frames per second
    statuses.add(lib.pt_twin_advance(twin, 1.0 / 90.0))
    statuses.add(lib.pt_twin_read_signals(twin, values, n))
    pressures.append(values[aorta])
check(statuses == {PT_OK}, "every frame advanced and read")
check(abs(lib.pt_twin_time(twin) - 5.0) < 1e-9, "time after 450 frames")
late = pressures[3 * 90:]
# The reference adult at rest: about 120/80 mmHg (docs/validation.md); wide bounds, the
# pressure is checked closely by the validation tests, here only that it beats.
check(100 < max(late) < 150 and 50 < min(late) < 95, f"aortic pressure {min(late):.0f}-{max(late):.0f}")

size = lib.pt_twin_latest_size(twin)
latest = (C.c_double * size)()
publication = C.c_uint64()
check(lib.pt_twin_read_latest(twin, latest, size, C.byref(publication)) == PT_OK, "read latest")
check(latest[0] == lib.pt_twin_time(twin) and latest[1 + aorta] == values[aorta],
      "the latest sample is the last frame's")
check(publication.value == 1 + 5 * 90, "publications counted")

rate = C.c_double()
check(lib.pt_twin_set_parameter(twin, b"heart.rate", 95.0) == PT_OK, "set a parameter")
check(lib.pt_twin_get_parameter(twin, b"heart.rate", C.byref(rate)) == PT_OK and
      rate.value == 95.0, "get it back")
check(lib.pt_twin_set_parameter(twin, b"heart.rate", -5.0) == PT_ERROR_INVALID_INPUT and
      b"heart.rate" in lib.pt_last_error(), "an out-of-range value: refused, named")
check(lib.pt_twin_get_parameter(twin, b"no.such", C.byref(rate)) == PT_ERROR_NOT_FOUND,
      "an unknown parameter")
check(lib.pt_twin_apply_action(twin, b'{"action": "infusion", "rate": 1000, "volume": 250, "fluid": "saline"}')
      == PT_OK, "an action")
check(lib.pt_twin_advance(None, 0.01) == PT_ERROR_NULL_ARGUMENT, "a NULL twin")
check(lib.pt_twin_advance(twin, math.nan) == PT_ERROR_INVALID_INPUT, "a NaN interval")
lib.pt_twin_destroy(twin)

bad = twin_p(1)
check(lib.pt_twin_create_from_files(b"/nonexistent/model.json", None, C.byref(bad))
      == PT_ERROR_INVALID_INPUT and bad.value is None, "a missing model: error, no twin")

print("test_ctypes: ok" if failures == 0 else f"test_ctypes: {failures} failures")
sys.exit(1 if failures else 0)
