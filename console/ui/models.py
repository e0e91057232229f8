"""Table models of the window's small lists: machines, records, follow-ups, recent orders.

Each is a ``RowsModel`` over a list of frozen rows with declared columns; the
list is replaced as a whole when fresh data arrives (these lists are small).
The log pane has its own model (``console.ui.log_pane``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from console.core.followup import ACTIVITY, FollowupSource, FollowupState, stored_text
from console.core.rules import DEVICE_TIMEOUT_S
from console.core.status import RECORD_PICKED_UP, RECORD_STATUS_LABELS
from console.settings import ui_lang
from console.ui.texts import QT_TRANSLATE_NOOP, Tr, render, translate

if TYPE_CHECKING:
    from console.core.models import Machine, OrderRecord
    from console.journal import FollowupRow, OrderSummary

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex


# A follow-up's state as the list shows it.
FOLLOWUP_STATE_WORDS: dict[str, str] = {
    FollowupState.OPEN: QT_TRANSLATE_NOOP("models", "open"),
    FollowupState.REFUND_REQUESTED: QT_TRANSLATE_NOOP("models", "refund requested"),
    FollowupState.REFUNDED: QT_TRANSLATE_NOOP("models", "refunded"),
    FollowupState.DISMISSED: QT_TRANSLATE_NOOP("models", "dismissed"),
}

# The roles the table models answer (as ints: an enum attribute lookup per call adds up).
DISPLAY = int(Qt.ItemDataRole.DisplayRole)
FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
SERVED_ROLES = frozenset({DISPLAY, FOREGROUND, TOOLTIP})

RED = QColor("#b71c1c")
GREEN = QColor("#1b5e20")
AMBER = QColor("#8d5b00")


@dataclass(frozen=True)
class Column(Generic[R]):
    title: str
    text: Callable[[R], str]
    colour: Callable[[R], QColor | None] | None = None
    tooltip: Callable[[R], str] | None = None


class RowsModel(QAbstractTableModel, Generic[R]):
    """A read-only table of ``rows`` shown through ``columns``."""

    def __init__(self, columns: Sequence[Column[R]], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[R] = []

    @property
    def rows(self) -> list[R]:
        return list(self._rows)

    def set_rows(self, rows: Sequence[R]) -> None:
        if len(rows) == len(self._rows) and all(
            a == b for a, b in zip(rows, self._rows, strict=True)
        ):
            return  # unchanged: no reset, so no repaint and the selection stays
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def retranslate(self) -> None:
        """Headers and cells in the language installed now (cells are translated when read)."""
        self.columns = [
            replace(c, title=c.title.again()) if isinstance(c.title, Tr) else c
            for c in self.columns
        ]
        if self.columns:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)
        if self._rows and self.columns:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(self.columns) - 1)
            )

    def row_at(self, row: int) -> R | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        # Called for every role of every visible cell on each repaint: roles it does not
        # serve are turned away before anything else is looked at.
        if role not in SERVED_ROLES:
            return None
        r, c = index.row(), index.column()
        if not (0 <= r < len(self._rows) and 0 <= c < len(self.columns)):
            return None
        row = self._rows[r]
        column = self.columns[c]
        if role == DISPLAY:
            return column.text(row)
        if role == FOREGROUND:
            return column.colour(row) if column.colour is not None else None
        return column.tooltip(row) if column.tooltip is not None else column.text(row)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section].title
        return None


# -- machines ---------------------------------------------------------------------


def machines_model(parent: Any = None) -> RowsModel[Machine]:
    # Typed through the annotation: the model classes are not needed before the first paint.
    model: RowsModel[Machine] = RowsModel(
        [
            Column(translate("models", "Name"), lambda m: m.machine_name),
            Column(translate("models", "Number"), lambda m: m.machine_no),
            Column(
                translate("models", "State"),
                lambda m: (
                    translate("models", "online") if m.is_online else translate("models", "OFFLINE")
                ),
                colour=lambda m: GREEN if m.is_online else RED,
                # The platform's last notice (e.g. since when it is offline): not a column
                # of its own, so that the address has room in a narrow window.
                tooltip=lambda m: m.notify_message,
            ),
            # Elided to the list's width: the whole text is the tooltip.
            Column(
                translate("models", "Address"), lambda m: m.address, tooltip=lambda m: m.address
            ),
        ],
        parent,
    )
    return model


# -- records of the open order ------------------------------------------------------------


@dataclass(frozen=True)
class RecordRow:
    record: OrderRecord
    product: str  # the product's name when the machine's products are known
    delivery_id: int = 0


def _record_status(row: RecordRow) -> str:
    raw = row.record.status
    label = RECORD_STATUS_LABELS.get(raw)
    if ui_lang() == "zh":  # the platform's own words are Chinese already
        return raw or "—"
    return f"{label} ({raw})" if label else (raw or "—")


def records_model(parent: Any = None) -> RowsModel[RecordRow]:
    return RowsModel[RecordRow](
        [
            Column(translate("models", "Record"), lambda r: str(r.record.id)),
            Column(translate("models", "Product"), lambda r: r.product),
            Column(translate("models", "Qty"), lambda r: str(r.record.quantity)),
            Column(translate("models", "Price"), lambda r: r.record.price),
            Column(
                translate("models", "Status"),
                _record_status,
                colour=lambda r: GREEN if r.record.status == RECORD_PICKED_UP else None,
            ),
            Column(
                translate("models", "Notified"),
                lambda r: (
                    translate("models", "yes")
                    if r.record.notify_sent
                    else translate("models", "no")
                ),
            ),
            Column(
                translate("models", "Last dispense"),
                lambda r: str(r.delivery_id) if r.delivery_id else "—",
            ),
        ],
        parent,
    )


# -- follow-ups ---------------------------------------------------------------------------


def _state_colour(row: FollowupRow) -> QColor | None:
    if row.state == FollowupState.OPEN:
        return RED
    if row.state == FollowupState.REFUND_REQUESTED:
        return AMBER
    return None


def followup_state_text(row: FollowupRow) -> str:
    words = FOLLOWUP_STATE_WORDS.get(row.state)
    return translate("models", words) if words else row.state.replace("_", " ")


def followup_evidence_text(f: FollowupRow) -> str:
    """What the follow-up rests on, in the window's language."""
    if f.source == FollowupSource.CALLBACK:
        return translate("models", "callback #{id}").format(id=f.source_id)
    if f.source == FollowupSource.PLATFORM_RECORD:
        if f.delivery_id:
            return translate("models", "platform record (delivery {delivery})").format(
                delivery=f.delivery_id
            )
        return translate("models", "platform record")
    if f.source == FollowupSource.REFUSED_DISPENSE:
        if f.refusal_code is not None:
            return translate("models", "dispense action #{id} refused {code}").format(
                id=f.source_id, code=f.refusal_code
            )
        return translate("models", "dispense action #{id} refused").format(id=f.source_id)
    if f.source == FollowupSource.TIMEOUT:
        return translate("models", "no result after {seconds} s").format(
            seconds=f"{DEVICE_TIMEOUT_S:g}"
        )
    return f.evidence


def actor_text(actor: str) -> str:
    """Who did something: a person's name, or the console itself."""
    if actor == "console":
        return translate("models", "the console")
    return actor or "?"


def local_time_text(ts_iso: str) -> str:
    """``2026-12-07T19:07:12.345+08:00`` as ``2026-12-07 19:07:12``."""
    return ts_iso[:19].replace("T", " ")


def followup_product_text(f: FollowupRow) -> str:
    if f.product:
        return f.product
    return translate("models", "product {id}").format(id=f.product_id) if f.product_id else "—"


def followup_last_change_text(f: FollowupRow) -> str:
    return translate("models", "{who}, {when}").format(
        who=actor_text(f.actor), when=local_time_text(f.updated_iso)
    )


def followup_meaning_text(f: FollowupRow) -> str:
    """What happened, as the journal stored it, in the window's language."""
    return render(stored_text(f.meaning))


FOLLOWUP_MEANING_COLUMN = 10  # "What happened" in followups_model


def followups_model(parent: Any = None) -> RowsModel[FollowupRow]:
    # Typed through the annotation, not ``RowsModel[FollowupRow]``: the journal is
    # imported for type checking only (the first paint does not need it).
    columns: list[Column[FollowupRow]] = [
        Column("#", lambda f: str(f.id)),
        Column(translate("models", "Opened (local)"), lambda f: local_time_text(f.ts_iso)),
        Column(translate("models", "Amount"), lambda f: f.amount or "—"),
        Column(translate("models", "Trade id"), lambda f: f.trade_id or "—"),
        Column(translate("models", "Order"), lambda f: str(f.order_id)),
        Column(
            translate("models", "Record"),
            lambda f: "" if f.record_id is None else str(f.record_id),
        ),
        Column(translate("models", "Machine"), lambda f: f.machine_no),
        Column(translate("models", "Slot"), lambda f: f.slot or "—"),
        Column(translate("models", "Product"), followup_product_text),
        Column(translate("models", "Paid on (platform date)"), lambda f: f.order_date or "—"),
        Column(
            translate("models", "What happened"),
            followup_meaning_text,
            tooltip=followup_meaning_text,
        ),
        Column(translate("models", "Evidence"), followup_evidence_text),
        Column(translate("models", "State"), followup_state_text, colour=_state_colour),
        Column(translate("models", "Last change"), followup_last_change_text),
        Column(
            translate("models", "Note"),
            lambda f: f.note.splitlines()[-1] if f.note else "",
            tooltip=lambda f: f.note,
        ),
    ]
    return RowsModel(columns, parent)


# -- recent orders ---------------------------------------------------------------------


def recent_order_text(o: OrderSummary) -> str:
    text = translate("models", "{order} · machine {machine} · {activity}").format(
        order=o.order_id,
        machine=o.machine_no or "?",
        activity=render(stored_text(o.last_activity, ACTIVITY)),
    )
    if o.open_followups:
        n = o.open_followups
        many = (
            translate("models", "{n} follow-ups") if n > 1 else translate("models", "{n} follow-up")
        )
        text += " · " + many.format(n=n)
    return text


def recent_orders_model(parent: Any = None) -> RowsModel[OrderSummary]:
    columns: list[Column[OrderSummary]] = [Column(translate("models", "Order"), recent_order_text)]
    return RowsModel(columns, parent)
