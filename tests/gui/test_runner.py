"""The task runner's bookkeeping, seen from a result slot on the GUI thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Slot

from console.tasks.runner import POOL_API, TaskRunner
from tests.gui.conftest import WAIT_MS


class Recorder(QObject):
    """Records what the runner listed as running when each result reached the GUI."""

    def __init__(self, runner: TaskRunner) -> None:
        super().__init__()
        self.runner = runner
        self.seen: list[tuple[str, int, bool]] = []

    @Slot(object, object)
    def ok(self, context: object, _value: object) -> None:
        self.seen.append(("ok", len(self.runner.running(POOL_API)), self.runner.busy))

    @Slot(object, object)
    def bad(self, context: object, _exc: BaseException) -> None:
        self.seen.append(("failed", len(self.runner.running(POOL_API)), self.runner.busy))


def _boom() -> None:
    raise ValueError("platform said no")


def test_a_result_slot_never_sees_its_own_task_still_running(qtbot) -> None:
    """The profiles dialog shows "Connected" from such a slot; an Open clicked then
    was refused as "work is still running" while the finished task was still listed."""
    runner = TaskRunner()
    recorder = Recorder(runner)
    try:
        runner.submit(POOL_API, int, "7", on_success=recorder.ok)
        qtbot.waitUntil(lambda: len(recorder.seen) == 1, timeout=WAIT_MS)
        runner.submit(POOL_API, _boom, on_failure=recorder.bad)
        qtbot.waitUntil(lambda: len(recorder.seen) == 2, timeout=WAIT_MS)
        # (kind, tasks listed, busy) when the slot ran: nothing listed, not busy.
        assert recorder.seen == [("ok", 0, False), ("failed", 0, False)]
    finally:
        runner.shutdown()


def test_a_slow_task_is_listed_until_its_result_then_forgotten_before_it(qtbot) -> None:
    runner = TaskRunner()
    recorder = Recorder(runner)
    release = threading.Event()
    try:
        runner.submit(POOL_API, release.wait, 30, on_success=recorder.ok)
        assert len(runner.running(POOL_API)) == 1 and runner.busy
        release.set()
        qtbot.waitUntil(lambda: recorder.seen != [], timeout=WAIT_MS)
        assert recorder.seen == [("ok", 0, False)]
    finally:
        runner.shutdown()
