"""Table models of the window's small lists: machines, records, follow-ups, recent orders.

Each is a ``RowsModel`` over a list of frozen rows with declared columns; the
list is replaced as a whole when fresh data arrives (these lists are small).
The log pane has its own model (``console.ui.log_pane``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from console.core.followup import FollowupState
from console.core.models import Machine, OrderRecord
from console.core.status import RECORD_PICKED_UP, RECORD_STATUS_LABELS
from console.journal import FollowupRow, OrderSummary

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex

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
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> R | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self.columns):
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.ForegroundRole and column.colour is not None:
            return column.colour(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(row) if column.tooltip is not None else column.text(row)
        return None

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
    return RowsModel[Machine](
        [
            Column("Name", lambda m: m.machine_name),
            Column("Number", lambda m: m.machine_no),
            Column(
                "State",
                lambda m: "online" if m.is_online else "OFFLINE",
                colour=lambda m: GREEN if m.is_online else RED,
            ),
            Column("Address", lambda m: m.address),
            Column("Last notice", lambda m: m.notify_message),
        ],
        parent,
    )


# -- records of the open order ------------------------------------------------------------


@dataclass(frozen=True)
class RecordRow:
    record: OrderRecord
    product: str  # the product's name when the machine's products are known
    delivery_id: int = 0


def _record_status(row: RecordRow) -> str:
    raw = row.record.status
    label = RECORD_STATUS_LABELS.get(raw)
    return f"{label} ({raw})" if label else (raw or "—")


def records_model(parent: Any = None) -> RowsModel[RecordRow]:
    return RowsModel[RecordRow](
        [
            Column("Record", lambda r: str(r.record.id)),
            Column("Product", lambda r: r.product),
            Column("Qty", lambda r: str(r.record.quantity)),
            Column("Price", lambda r: r.record.price),
            Column(
                "Status",
                _record_status,
                colour=lambda r: GREEN if r.record.status == RECORD_PICKED_UP else None,
            ),
            Column("Notified", lambda r: "yes" if r.record.notify_sent else "no"),
            Column("Last dispense", lambda r: str(r.delivery_id) if r.delivery_id else "—"),
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


def followups_model(parent: Any = None) -> RowsModel[FollowupRow]:
    return RowsModel[FollowupRow](
        [
            Column("#", lambda f: str(f.id)),
            Column("Opened", lambda f: f.ts_iso[:19].replace("T", " ")),
            Column("Order", lambda f: str(f.order_id)),
            Column("Record", lambda f: "" if f.record_id is None else str(f.record_id)),
            Column("Machine", lambda f: f.machine_no),
            Column("State", lambda f: f.state.replace("_", " "), colour=_state_colour),
            Column("What happened", lambda f: f.meaning),
            Column("Note", lambda f: f.note),
        ],
        parent,
    )


# -- recent orders ---------------------------------------------------------------------


def recent_order_text(o: OrderSummary) -> str:
    text = f"{o.order_id} · machine {o.machine_no or '?'} · {o.last_activity}"
    if o.open_followups:
        text += f" · {o.open_followups} follow-up{'s' if o.open_followups > 1 else ''}"
    return text


def recent_orders_model(parent: Any = None) -> RowsModel[OrderSummary]:
    return RowsModel[OrderSummary]([Column("Order", recent_order_text)], parent)
