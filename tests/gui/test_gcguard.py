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
        # Enough live container allocations to make a young collection due.
        kept = [[] for _ in range(gc.get_threshold()[0] + 1)]
        assert gc.get_count()[0] > gc.get_threshold()[0] and len(kept) > 0
        assert holder() is not None  # nothing collects it behind the collector's back
        assert collector.collect() > 0  # the collector's own timer slot frees it
        assert holder() is None
    finally:
        collector.stop()
    assert gc.get_freeze_count() == 0  # stop gives everything back to the collector


def test_a_full_collection_freezes_its_survivors_so_the_next_walks_only_newer_objects(
    qtbot,
) -> None:
    collector = GuiThreadCollector(interval_ms=60_000, freeze_after_ms=None)
    try:
        collector.freeze()
        frozen = gc.get_freeze_count()
        survivors = [[i] for i in range(50_000)]  # long-lived, like log lines
        gc.collect(1)  # promote them, as the timer's younger collections would
        thresholds = gc.get_threshold()
        gc.set_threshold(1, 1, 1)  # make a full collection due now
        try:
            kept: list[list[object]] = []
            for _ in range(50):  # younger collections until a full one is due and made
                kept.extend([] for _ in range(10))  # live allocations cross the thresholds
                collector.collect()
                if gc.get_freeze_count() > frozen:
                    break
        finally:
            gc.set_threshold(*thresholds)
        assert gc.get_freeze_count() >= frozen + len(survivors)
        holder = weakref.ref(Holder())  # garbage made after: still collected
        gc.collect()
        assert holder() is None
    finally:
        collector.stop()
    assert gc.get_freeze_count() == 0
