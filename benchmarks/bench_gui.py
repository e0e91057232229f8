"""GUI responsiveness: gaps between ticks of a 5 ms timer on the GUI thread while
5,000 callbacks arrive over 10 s through the real receiver (from another process)
and 200 status updates run through the Apply button (real thread pools, sandbox).

Baseline: the same tick gaps with the window open and idle, same run.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks import loadgen
from benchmarks.common import emit, pct
from benchmarks.window import close_console, open_console

ROOT = Path(__file__).resolve().parent.parent
CALLBACKS = 5000
SECONDS = 10.0
STATUS_UPDATES = 200
IDLE_S = 3.0


def main() -> None:
    app, console, sandbox, tmp = open_console()
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest

    w = console.window
    panel = w.order_panel
    ticks: list[float] = []
    tick = QTimer()
    tick.setTimerType(Qt.TimerType.PreciseTimer)
    tick.setInterval(5)
    tick.timeout.connect(lambda: ticks.append(time.perf_counter()))

    def gaps(since: float, until: float) -> list[float]:
        t = [x for x in ticks if since <= x <= until]
        return [(b - a) * 1000 for a, b in itertools.pairwise(t)]

    from PySide6.QtCore import QEventLoop

    def run_loop(seconds: float, until=None) -> None:
        """The real event loop (as app.exec), for ``seconds`` or until ``until()``."""
        loop = QEventLoop()
        stop_at = time.perf_counter() + seconds
        check = QTimer()
        check.timeout.connect(
            lambda: (
                loop.quit()
                if time.perf_counter() >= stop_at or (until is not None and until())
                else None
            )
        )
        check.start(20)
        loop.exec()
        check.stop()

    tick.start()
    t_idle = time.perf_counter()
    run_loop(IDLE_S)
    idle = gaps(t_idle, time.perf_counter())

    url = w.ws.env.receiver.url
    out_file = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed below; a pipe would fill up and stall the sender
    load = subprocess.Popen(
        loadgen.command(url, "rate", 4, SECONDS, 900_000_000, CALLBACKS),
        cwd=ROOT,
        stdout=out_file,
        text=True,
    )
    statuses = [
        5,
        5,
    ]  # "customer still paying" on the unpaid order: accepted each time, no question
    clicks = {"sent": 0}
    interval_ms = int(SECONDS * 1000 / STATUS_UPDATES)

    def click() -> None:
        """One status update per interval (skipped while the previous one still runs)."""
        if clicks["sent"] >= STATUS_UPDATES or panel.busy or panel.view is None:
            return
        combo = panel.status_combo
        combo.setCurrentIndex(combo.findData(statuses[clicks["sent"] % 2]))
        if panel.apply_button.isEnabled():
            QTest.mouseClick(panel.apply_button, Qt.MouseButton.LeftButton)
            clicks["sent"] += 1

    driver = QTimer()
    driver.timeout.connect(click)
    driver.start(interval_ms)
    t_load = time.perf_counter()
    run_loop(SECONDS + 60, lambda: clicks["sent"] >= STATUS_UPDATES and load.poll() is not None)
    driver.stop()
    t_end = time.perf_counter()
    sent = clicks["sent"]
    load.wait(timeout=120)
    out_file.seek(0)
    out = out_file.read()
    tick.stop()
    loaded = gaps(t_load, t_end)
    lg = json.loads(out.strip().splitlines()[-1])
    # let the last batch land, then count what the window shows
    settle = time.perf_counter()
    while time.perf_counter() - settle < 1.0:
        app.processEvents()
        time.sleep(0.005)
    journal_counts = w.ws.env.journal.callback_counts()
    log_rows = w.log_pane.model.total
    close_console(console, sandbox, tmp)
    emit(
        {
            "callbacks_sent": CALLBACKS,
            "callbacks_answered_200": lg["count"],
            "callback_errors": lg["errors"],
            "callback_p99_ms": pct(lg["latencies_ms"], 99),
            "status_updates_clicked": sent,
            "load_seconds": t_end - t_load,
            "journal_counts": journal_counts,
            "log_pane_rows": log_rows,
            "idle_p99_gap_ms": pct(idle, 99),
            "idle_max_gap_ms": max(idle),
            "load_p50_gap_ms": pct(loaded, 50),
            "load_p99_gap_ms": pct(loaded, 99),
            "load_max_gap_ms": max(loaded),
            "load_p99_over_idle_p99": pct(loaded, 99) / pct(idle, 99),
            "ticks_under_load": len(loaded),
            "target_p99_ms": 16.0,
            "target_max_ms": 50.0,
            "target_p99_over_idle": 2.5,
        }
    )


if __name__ == "__main__":
    main()
