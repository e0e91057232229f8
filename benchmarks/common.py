"""Shared helpers: percentiles, memory, machine description, a bounded Qt wait."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any


def pct(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100), nearest-rank; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return float(ordered[rank - 1])


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else 0.0


def rss_bytes() -> int:
    """Resident memory of this process (Linux /proc)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = 0
    try:
        with open("/proc/meminfo") as f:
            mem = int(f.readline().split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        import PySide6

        qt = PySide6.__version__
    except ImportError:  # pragma: no cover
        qt = "?"
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(mem / 2**30, 1),
        "python": platform.python_version(),
        "pyside6": qt,
        "platform": platform.platform(),
    }


def wait_until(app: Any, cond: Callable[[], bool], timeout_s: float, what: str) -> None:
    """Run the Qt event loop until ``cond()`` (bounded); raises on timeout."""
    deadline = time.monotonic() + timeout_s
    while not cond():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout_s} s waiting for {what}")
        app.processEvents()
        time.sleep(0.002)


def emit(result: dict[str, Any]) -> None:
    """Benchmarks print one JSON object on the last stdout line; run.py collects it."""
    sys.stdout.write("\nRESULT " + json.dumps(result) + "\n")
    sys.stdout.flush()


def callback_body(order_id: int, record_id: int) -> bytes:
    """A dispense-result callback as the platform sends it."""
    return json.dumps(
        {
            "method": "device.delivery.response",
            "order_id": order_id,
            "record_id": record_id,
            "deliver_status": "1",
            "floor_status": "1",
            "error_msg": "",
        },
        separators=(",", ":"),
    ).encode()
