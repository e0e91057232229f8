"""A small chart of one machine's dispense history, drawn with QPainter.

Left: results per day (green dropped, red failed, stacked). Right: failures by
slot, worst first. Staff look at it to see "A12 keeps failing" without reading.
The same numbers are in the widget's tooltip and accessible description.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from console.ui.texts import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from console.troubleshoot import MachineHistory

OK_COLOUR = QColor("#43a047")
FAIL_COLOUR = QColor("#c62828")
AXIS_COLOUR = QColor("#9e9e9e")
TEXT_COLOUR = QColor("#424242")
MAX_SLOTS = 6
translate = QCoreApplication.translate

# User-visible words (kept together so they can be marked for translation).
TITLE_DAYS = QT_TRANSLATE_NOOP("HistoryChart", "Dispense results per day")
TITLE_SLOTS = QT_TRANSLATE_NOOP("HistoryChart", "Failures by slot (today in brackets)")
LEGEND_OK = QT_TRANSLATE_NOOP("HistoryChart", "dropped")
LEGEND_FAILED = QT_TRANSLATE_NOOP("HistoryChart", "failed")
NO_HISTORY = QT_TRANSLATE_NOOP("HistoryChart", "No dispense history yet: run a check.")
NO_RESULTS = QT_TRANSLATE_NOOP(
    "HistoryChart", "No dispense results in the journal for this machine."
)
NO_FAILURES = QT_TRANSLATE_NOOP("HistoryChart", "No failures")
SLOT_UNKNOWN = QT_TRANSLATE_NOOP("HistoryChart", "slot ?")


@dataclass(frozen=True)
class DayBar:
    day: str  # YYYY-MM-DD
    ok: int
    failed: int


@dataclass(frozen=True)
class SlotBar:
    slot: str
    failures: int
    today: int


class HistoryChart(QWidget):
    """Bars of a ``MachineHistory``; ``set_history(None)`` shows an empty state."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.days: list[DayBar] = []
        self.slots: list[SlotBar] = []
        self.has_history = False
        self.setMinimumHeight(110)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setToolTip(translate("HistoryChart", NO_HISTORY))

    def sizeHint(self) -> QSize:
        return QSize(480, 150)

    def set_history(self, history: MachineHistory | None) -> None:
        self.has_history = history is not None
        if history is None:
            self.days, self.slots = [], []
        else:
            self.days = [DayBar(d.day, d.ok, d.failed) for d in history.daily()]
            self.slots = [
                SlotBar(s.slot or translate("HistoryChart", SLOT_UNKNOWN), s.failures, s.today)
                for s in history.by_slot()[:MAX_SLOTS]
            ]
        summary = self.summary()
        self.setToolTip(summary)
        self.setAccessibleDescription(summary)
        self.update()

    def summary(self) -> str:
        """The chart in words (tooltip, screen readers, tests)."""
        if not self.has_history:
            return translate("HistoryChart", NO_HISTORY)
        days = ", ".join(
            translate("HistoryChart", "{day}: {ok} ok / {failed} failed").format(
                day=d.day[5:], ok=d.ok, failed=d.failed
            )
            for d in self.days
        )
        slots = ", ".join(
            translate("HistoryChart", "{slot} ×{failures} ({today} today)").format(
                slot=s.slot, failures=s.failures, today=s.today
            )
            for s in self.slots
        )
        title_days = translate("HistoryChart", TITLE_DAYS)
        title_slots = translate("HistoryChart", TITLE_SLOTS)
        no_failures = translate("HistoryChart", NO_FAILURES)
        return f"{title_days}: {days}\n{title_slots}: {slots or no_failures}"

    # -- drawing ---------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        try:
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            area = QRectF(self.rect()).adjusted(6, 4, -6, -4)
            p.setPen(TEXT_COLOUR)
            if not self.has_history or not any(d.ok or d.failed for d in self.days):
                text = (
                    translate("HistoryChart", NO_HISTORY)
                    if not self.has_history
                    else translate("HistoryChart", NO_RESULTS)
                )
                p.drawText(area, Qt.AlignmentFlag.AlignCenter, text)
                return
            left = QRectF(area.left(), area.top(), area.width() * 0.55, area.height())
            right = QRectF(
                left.right() + 12, area.top(), area.right() - left.right() - 12, area.height()
            )
            self._draw_days(p, left)
            self._draw_slots(p, right)
        finally:
            p.end()

    def _title(self, p: QPainter, rect: QRectF, text: str) -> float:
        font = QFont(self.font())
        font.setBold(True)
        p.setFont(font)
        height = float(p.fontMetrics().height())
        p.setPen(TEXT_COLOUR)
        p.drawText(
            QRectF(rect.left(), rect.top(), rect.width(), height),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            text,
        )
        p.setFont(self.font())
        return height + 4

    def _draw_days(self, p: QPainter, rect: QRectF) -> None:
        top = rect.top() + self._title(p, rect, translate("HistoryChart", TITLE_DAYS))
        fm = p.fontMetrics()
        line = float(fm.height())
        # Legend on the title line's right.
        x = rect.right()
        for colour, word in (
            (FAIL_COLOUR, translate("HistoryChart", LEGEND_FAILED)),
            (OK_COLOUR, translate("HistoryChart", LEGEND_OK)),
        ):
            w = fm.horizontalAdvance(word)
            x -= w
            p.setPen(TEXT_COLOUR)
            p.drawText(QRectF(x, rect.top(), w, line), Qt.AlignmentFlag.AlignVCenter, word)
            x -= 14
            p.fillRect(QRectF(x, rect.top() + line / 2 - 5, 10, 10), colour)
            x -= 10
        chart = QRectF(rect.left(), top + line, rect.width(), rect.bottom() - top - 2 * line)
        if chart.height() < 10 or not self.days:
            return
        peak = max(max(d.ok + d.failed for d in self.days), 1)
        slot_w = chart.width() / len(self.days)
        bar_w = max(4.0, min(36.0, slot_w * 0.6))
        p.setPen(AXIS_COLOUR)
        p.drawLine(chart.bottomLeft(), chart.bottomRight())
        today = date.today().isoformat()
        for i, d in enumerate(self.days):
            cx = chart.left() + slot_w * (i + 0.5)
            ok_h = chart.height() * d.ok / peak
            fail_h = chart.height() * d.failed / peak
            bottom = chart.bottom()
            if ok_h:
                p.fillRect(QRectF(cx - bar_w / 2, bottom - ok_h, bar_w, ok_h), OK_COLOUR)
            if fail_h:
                p.fillRect(
                    QRectF(cx - bar_w / 2, bottom - ok_h - fail_h, bar_w, fail_h), FAIL_COLOUR
                )
            total = d.ok + d.failed
            if total:
                label = (
                    f"{d.failed} {translate('HistoryChart', LEGEND_FAILED)}"
                    if d.failed
                    else str(total)
                )
                p.setPen(FAIL_COLOUR if d.failed else TEXT_COLOUR)
                p.drawText(
                    QRectF(cx - slot_w / 2, bottom - ok_h - fail_h - line, slot_w, line),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                    label,
                )
            p.setPen(TEXT_COLOUR)
            font = QFont(self.font())
            font.setBold(d.day == today)
            p.setFont(font)
            p.drawText(
                QRectF(cx - slot_w / 2, bottom + 2, slot_w, line),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                d.day[5:],
            )
            p.setFont(self.font())

    def _draw_slots(self, p: QPainter, rect: QRectF) -> None:
        top = rect.top() + self._title(p, rect, translate("HistoryChart", TITLE_SLOTS))
        fm = p.fontMetrics()
        line = float(fm.height())
        if not self.slots:
            p.setPen(OK_COLOUR)
            p.drawText(
                QRectF(rect.left(), top, rect.width(), line),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                translate("HistoryChart", NO_FAILURES),
            )
            return
        label_w = max(fm.horizontalAdvance(s.slot) for s in self.slots) + 8
        count_w = fm.horizontalAdvance("×999 (999)") + 6
        bar_area = rect.width() - label_w - count_w
        peak = max(s.failures for s in self.slots)
        row_h = min(line + 6, (rect.bottom() - top) / len(self.slots))
        for i, s in enumerate(self.slots):
            y = top + i * row_h
            p.setPen(TEXT_COLOUR)
            p.drawText(
                QRectF(rect.left(), y, label_w, row_h),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                s.slot,
            )
            w = max(3.0, bar_area * s.failures / peak)
            bar = QRectF(rect.left() + label_w, y + 3, w, max(4.0, row_h - 6))
            p.fillRect(bar, FAIL_COLOUR)
            p.setPen(FAIL_COLOUR)
            p.drawText(
                QRectF(bar.right() + 4, y, count_w, row_h),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                f"×{s.failures} ({s.today})",
            )
