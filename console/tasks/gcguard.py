"""Python's cyclic garbage collection, on the GUI thread only.

The collector runs in whichever thread happens to allocate when a threshold is
crossed: a worker thread, the receiver's handler, the sandbox's server. If the
garbage it finds holds Qt widgets (a dialog or window in a reference cycle),
they are destroyed on that thread, and Qt crashes. So automatic collection is
switched off and a timer on the GUI thread collects, with the same generation
thresholds the interpreter would use.

A full collection walks every tracked object: with the modules, Qt wrappers and
the window built at start-up that took ~30 ms on the GUI thread (a visible
stall under load), and with a full log pane (250,000 lines) ~130 ms. Once
start-up is over, what exists then is collected and frozen (``gc.freeze``),
and so is what survives each later full collection: each full collection then
walks only what was made since the last. The price: an object that was alive
at a freeze and later becomes garbage *in a reference cycle* is not reclaimed
until the collector stops (reference counting still frees everything else,
log lines included).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer, Slot

INTERVAL_MS = 500
FREEZE_AFTER_MS = 3000  # start-up (window, profile, sandbox) is over by then


class GuiThreadCollector(QObject):
    """Owns automatic collection while it lives; ``stop`` gives it back."""

    def __init__(
        self,
        parent: QObject | None = None,
        interval_ms: int = INTERVAL_MS,
        freeze_after_ms: int | None = FREEZE_AFTER_MS,
    ) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect)
        self._timer.start(interval_ms)
        self.frozen = False
        if freeze_after_ms is not None:
            QTimer.singleShot(freeze_after_ms, self, self.freeze)

    @Slot()
    def freeze(self) -> None:
        """Collect everything once, then keep what is left out of later collections."""
        gc.collect()
        gc.freeze()
        self.frozen = True

    @Slot()
    def collect(self) -> int:
        """Collect the generations whose thresholds were crossed; returns objects freed."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if counts[0] <= thresholds[0]:
            return 0
        generation = 0
        if counts[1] > thresholds[1]:
            generation = 2 if counts[2] > thresholds[2] else 1
        freed = gc.collect(generation)
        if generation == 2 and self.frozen:
            # What survived a full collection is long-lived (mostly log lines): freeze
            # it too, so the next full collection walks only what came since, not the
            # whole log (250,000 lines: ~130 ms on the GUI thread each time).
            gc.freeze()
        return freed

    def stop(self) -> None:
        self._timer.stop()
        if self.frozen:
            gc.unfreeze()
        gc.collect()
        if self._was_enabled:
            gc.enable()
