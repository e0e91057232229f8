"""Regression for the PySide6 6.12 / Python 3.11 "version trap" and for log-pane load.

That combination released one reference too many on every call returning
None or a bool and aborted the interpreter after ~5,000 of them (emit,
setText, isEnabled, ...). These tests make tens of thousands of such calls
across threads; on a bad build the process dies here instead of in a shop.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QLabel

from console.tasks.logfeed import LogEntry
from console.tasks.runner import POOL_API, TaskRunner

TASKS = 5_000
PROGRESS_EMITS = 50_000
CALLS = 50_000


class Counter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.results = 0
        self.progress = 0
        self.threads: set[str] = set()

    @Slot(object, object)
    def done(self, _context: object, _value: object) -> None:
        self.results += 1
        self.threads.add(threading.current_thread().name)

    @Slot(object, object)
    def step(self, _context: object, _value: object) -> None:
        self.progress += 1


def chatter(n: int, *, progress) -> int:
    for i in range(n):
        progress(i)
    return n


def test_tens_of_thousands_of_emits_from_worker_threads(qtbot):
    runner = TaskRunner()
    counter = Counter()
    try:
        for i in range(TASKS):
            runner.submit(POOL_API, abs, -i, on_success=counter.done)
        runner.submit(
            POOL_API, chatter, PROGRESS_EMITS, on_success=counter.done, on_progress=counter.step
        )
        qtbot.waitUntil(lambda: counter.results == TASKS + 1, timeout=60_000)
        qtbot.waitUntil(lambda: counter.progress == PROGRESS_EMITS, timeout=60_000)
        qtbot.waitUntil(lambda: not runner.busy, timeout=10_000)
    finally:
        runner.shutdown()
    # Results ran on the GUI thread, never on a worker.
    assert counter.threads == {threading.main_thread().name}


def test_tens_of_thousands_of_none_and_bool_returning_calls(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    enabled = 0
    for i in range(CALLS):
        label.setText(str(i))  # returns None
        enabled += label.isEnabled()  # returns a bool
    assert label.text() == str(CALLS - 1) and enabled == CALLS


def test_the_log_pane_takes_a_hundred_thousand_lines(qtbot, console_app):
    window = console_app.window
    pane = window.log_pane
    before = pane.model.total
    batch = [
        LogEntry.make("response", f"line {i}", machine_no="16327130", order_id=1000 + i % 100)
        for i in range(100_000)
    ]
    for start in range(0, len(batch), 1_000):
        window.feed.push(*batch[start : start + 1_000])
    qtbot.waitUntil(lambda: pane.model.total >= before + 100_000, timeout=60_000)
    pane.order_edit.setText("1042")
    pane.apply_filter()
    assert pane.model.rowCount() == 1_000
    pane.order_edit.clear()
    pane.search_edit.setText("line 99999")
    pane.apply_filter()
    assert pane.model.rowCount() == 1
    assert pane.count_label.text() == f"1 of {pane.model.total:,}"
