"""Cold start to the first paint: the console (Sandbox profile) vs a bare PySide6 window.

Each start is a fresh interpreter (subprocess, offscreen); runs alternate between
the two so both see the same machine state; the median of the runs is compared.
The time is from just before the process is spawned to the end of the first
paint of the main window. For the console, the time until the Sandbox profile
is open (sandbox started, journal and receiver ready) is reported as well.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import emit, median

ROOT = Path(__file__).resolve().parent.parent
RUNS = 11


def once(args: list[str]) -> dict[str, float]:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    t0 = time.time()
    p = subprocess.run(
        [sys.executable, "-m", "benchmarks.startup_child", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    marks = {}
    for line in p.stdout.splitlines():
        key, _, value = line.partition(" ")
        if key in ("PAINTED", "READY"):
            marks[key.lower()] = float(value) - t0
    if "painted" not in marks:
        raise RuntimeError(f"child {args} failed: {p.returncode}\n{p.stderr[-2000:]}")
    return marks


def main() -> None:
    bare, app, ready = [], [], []
    once(["bare"])  # warm the OS file cache for both, as a second start would be
    with tempfile.TemporaryDirectory(prefix="bench-start-") as home:
        once(["app", home + "/warm"])
        for n in range(RUNS):
            bare.append(once(["bare"])["painted"])
            m = once(["app", f"{home}/{n}"])  # a fresh profile dir each time: first run
            app.append(m["painted"])
            ready.append(m.get("ready", 0.0))
    b, a = median(bare), median(app)
    emit(
        {
            "runs": RUNS,
            "bare_first_paint_s": b,
            "console_first_paint_s": a,
            "ratio": a / b,
            "target_ratio": 1.5,
            "console_sandbox_open_s": median(ready),
            "bare_all_s": bare,
            "console_all_s": app,
        }
    )


if __name__ == "__main__":
    main()
