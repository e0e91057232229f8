"""Cyclic garbage (which may hold widgets) is collected on the GUI thread only."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtWidgets import QWidget

from console.tasks.gcguard import GuiThreadCollector


class Holder:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it
        self.widget = QWidget()


def test_worker_threads_never_collect_widgets_the_gui_thread_does(qtbot) -> None:
    gc.enable()  # as in a program before the window starts
    collector = GuiThreadCollector(interval_ms=60_000)  # collect only when told here
    try:
        assert not gc.isenabled()
        holder = weakref.ref(Holder())  # garbage now, kept only by its own cycle

        kept: list[list[object]] = []

        def churn() -> None:  # enough live allocations to cross every threshold
            kept.extend([] for _ in range(100_000))

        worker = threading.Thread(target=churn)
        worker.start()
        worker.join()
        assert gc.get_count()[0] > gc.get_threshold()[0]
        # The worker allocated past every threshold, yet the widget was not collected there.
        assert holder() is not None
        assert collector.collect() > 0
        assert holder() is None  # collected here, on the GUI thread
    finally:
        collector.stop()
    assert gc.isenabled()


def test_after_start_up_old_objects_are_frozen_and_new_garbage_is_still_collected(qtbot) -> None:
    collector = GuiThreadCollector(interval_ms=60_000, freeze_after_ms=None)
    try:
        collector.freeze()  # what the timer does once start-up is over
        assert collector.frozen and gc.get_freeze_count() > 0
        holder = weakref.ref(Holder())  # garbage made after the freeze
        assert collector.collect() >= 0
        gc.collect()  # a full collection, as the timer makes when generation 2 is due
        assert holder() is None
    finally:
        collector.stop()
    assert gc.get_freeze_count() == 0  # stop gives everything back to the collector
