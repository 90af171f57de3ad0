#!/usr/bin/python3
"""`physiotwin view` as a user meets it (issue 15 item 3; docs/viewer.md).

  test_view.py PHYSIOTWIN_CLI VIEWER_DIR

- It serves the viewer and the one file, on the loopback interface only, at the address it
  prints; nothing else (another name under files/, a path out of the viewer's folder) is found.
- Ctrl-C (SIGINT) stops it: exit 0.
- Bad input: no such file, not HDF5, a cohort's file, a file of another format version, a
  folder, a bad --mode or --port, a --viewer that is not one, a --branch of a twin's file or
  one the plan does not have: exit 2 with a one-line message, before anything is served.
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import h5py

from checks import check, finish  # tests/cli/checks.py

CLI, VIEWER = (Path(p).resolve() for p in sys.argv[1:3])
TMP = Path(tempfile.mkdtemp(prefix="view-test-"))


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, b"", error.headers


run = subprocess.run([str(CLI), "run", "--duration", "2", "--out", str(TMP / "twin run.h5")],
                     capture_output=True, text=True)
check(run.returncode == 0, f"physiotwin run: {run.stderr}")

server = subprocess.Popen([str(CLI), "view", str(TMP / "twin run.h5"), "--viewer", str(VIEWER)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
line = server.stdout.readline()
match = re.search(r"(http://127\.0\.0\.1:(\d+))/(\?file=\S+)", line)
check(match is not None, f"it prints the page's address: {line!r}")
if match:
    base, port, query = match.group(1), int(match.group(2)), match.group(3)
    status, page, _ = get(f"{base}/{query}")
    check(status == 200 and b"physiotwin viewer" in page, f"the page is served ({status})")
    file_url = urllib.request.unquote(query.removeprefix("?file="))
    status, body, headers = get(f"{base}/{file_url}")
    check(status == 200 and body == (TMP / "twin run.h5").read_bytes(),
          f"the file is served whole at {file_url} ({status}, {len(body)} bytes)")
    check(headers.get("Content-Type") == "application/x-hdf5", f"as HDF5 ({headers.get('Content-Type')})")
    status, _, _ = get(f"{base}/vendor/h5wasm/hdf5_hl.js")
    check(status == 200, f"the viewer's files are served ({status})")
    for path in ["files/other.h5", "files/..%2F..%2Fetc%2Fpasswd", "..%2F..%2Fetc%2Fpasswd",
                 "%2e%2e/%2e%2e/etc/passwd"]:
        status, body, _ = get(f"{base}/{path}")
        check(status == 404 and b"root:" not in body, f"{path}: not found ({status})")
    # Loopback only: the listening socket is bound to 127.0.0.1, not to every interface.
    listening = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True)
    local = [row.split()[3] for row in listening.stdout.splitlines() if row.split()]
    check(local == [f"127.0.0.1:{port}"], f"bound to loopback only: {local}")
server.send_signal(signal.SIGINT)
out, err = server.communicate(timeout=10)
check(server.returncode == 0 and "stopped" in out, f"SIGINT stops it: exit {server.returncode} {err}")

# ---- bad input: exit 2, one line, nothing served ----
(TMP / "notes.h5").write_text("not an HDF5 file\n")
with h5py.File(TMP / "cohort.h5", "w") as f:
    f.attrs["format"] = "physiotwin-cohort"
    f.attrs["format_version"] = 1
with h5py.File(TMP / "later.h5", "w") as f:
    f.attrs["format"] = "physiotwin-hdf5"
    f.attrs["format_version"] = 2
(TMP / "folder.h5").mkdir()
with h5py.File(TMP / "plan.h5", "w") as f:  # the attributes and branches the tool checks
    f.attrs["format"] = "physiotwin-plan-result"
    f.attrs["format_version"] = 1
    f.create_group("branches/no_intervention")
    f.create_group("branches/tavr")
cases = [
    (["view", str(TMP / "missing.h5")], "no such file"),
    (["view", str(TMP / "notes.h5")], "not an HDF5 file"),
    (["view", str(TMP / "cohort.h5")], "a cohort file"),
    (["view", str(TMP / "later.h5")], "format_version 2"),
    (["view", str(TMP / "folder.h5")], "not a regular file"),
    (["view", str(TMP / "twin run.h5"), "--mode", "surgeon"], "--mode surgeon"),
    (["view", str(TMP / "twin run.h5"), "--port", "70000"], "--port"),
    (["view", str(TMP / "twin run.h5"), "--viewer", str(TMP)], "not a built viewer"),
    (["view", str(TMP / "twin run.h5"), "--branch", "tavr"], "is a twin's file, not a plan's"),
    (["view", str(TMP / "plan.h5"), "--branch", "tavi"],
     "--branch tavi: the plan has no such branch (it has no_intervention, tavr)"),
]
for arguments, words in cases:
    result = subprocess.run([str(CLI), *arguments], capture_output=True, text=True, timeout=20)
    first = result.stderr.splitlines()[0] if result.stderr else ""
    check(result.returncode == 2 and words in first and result.stdout == "",
          f"{' '.join(arguments[2:]) or arguments[1]}: exit {result.returncode}, {first!r}")

finish()
