"""The Troubleshoot tab: is the chosen machine healthy, which slots are bad, and why.

Checks (online state and last notice, cabinets, machine type, currency, ping
latency, clock skew), every slot of every cabinet with its status in words,
a test dispense of the chosen slot, fault meanings in plain words, and the
machine's dispense history from the journal with a small chart.

All platform and journal work runs on the task runner (``Operations.diagnose``
and ``Operations.test_dispense``); each control is disabled while its work runs.
A test dispense asks first (an item drops), is never sent while the machine is
dispensing, and is never retried.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Slot,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.core.models import Machine
from console.tasks.environment import Environment
from console.tasks.runner import POOL_API
from console.troubleshoot import Fault
from console.ui.dialogs import Question
from console.ui.history_chart import HistoryChart
from console.ui.icons import IconLine
from console.ui.models import AMBER, GREEN, RED, Column, RowsModel
from console.ui.order_panel import LOCK_STYLE, MESSAGE_STYLES
from console.ui.texts import (
    QT_TRANSLATE_NOOP,
    Tr,
    clock_text,
    describe_error,
    product_text,
    render,
    translate,
    ui_lang,
)
from console.ui.workspace import LEVEL_ERROR, LEVEL_INFO, LEVEL_OK, LEVEL_WARN, Job, Workspace

if TYPE_CHECKING:
    from console.dispensing.engine import SlotTestProgress, SlotTestResult
    from console.troubleshoot import Check, Diagnosis, SlotRow
    from console.troubleshoot.slots import SortKey

Index = QModelIndex | QPersistentModelIndex

# -- user-visible words, in one place ------------------------------------------------------

TAB_TITLE = QT_TRANSLATE_NOOP("TroubleshootView", "Troubleshoot")
CHECK_LABELS: dict[str, str] = {
    "machine": QT_TRANSLATE_NOOP("TroubleshootView", "Machine"),
    "online": QT_TRANSLATE_NOOP("TroubleshootView", "Online state"),
    "cabinets": QT_TRANSLATE_NOOP("TroubleshootView", "Cabinets"),
    "machine_type": QT_TRANSLATE_NOOP("TroubleshootView", "Machine type"),
    "currency": QT_TRANSLATE_NOOP("TroubleshootView", "Currency"),
    "ping": QT_TRANSLATE_NOOP("TroubleshootView", "Ping latency"),
    "clock": QT_TRANSLATE_NOOP("TroubleshootView", "Clock skew"),
    "slots": QT_TRANSLATE_NOOP("TroubleshootView", "Slots"),
    "history": QT_TRANSLATE_NOOP("TroubleshootView", "History"),
}
STATUS_WORDS = {
    "ok": QT_TRANSLATE_NOOP("TroubleshootView", "OK"),
    "warn": QT_TRANSLATE_NOOP("TroubleshootView", "WARN"),
    "fail": QT_TRANSLATE_NOOP("TroubleshootView", "FAIL"),
}
HEALTH_STYLES = {
    "ok": MESSAGE_STYLES[LEVEL_OK],
    "warn": MESSAGE_STYLES[LEVEL_WARN],
    "fail": MESSAGE_STYLES[LEVEL_ERROR],
}
SLOT_COLUMNS = (
    QT_TRANSLATE_NOOP("TroubleshootView", "Slot"),
    QT_TRANSLATE_NOOP("TroubleshootView", "Cabinet"),
    QT_TRANSLATE_NOOP("TroubleshootView", "Product"),
    QT_TRANSLATE_NOOP("TroubleshootView", "Price"),
    QT_TRANSLATE_NOOP("TroubleshootView", "Stock"),
    QT_TRANSLATE_NOOP("TroubleshootView", "Status"),
)
NO_MACHINE = QT_TRANSLATE_NOOP(
    "TroubleshootView", "No machine chosen: pick one on the Machines && orders tab."
)
NOT_CHECKED = QT_TRANSLATE_NOOP(
    "TroubleshootView", "Machine {no}: not checked yet — press Check again."
)
CHECKING = QT_TRANSLATE_NOOP("TroubleshootView", "Checking machine {no}…")
CHECKED = QT_TRANSLATE_NOOP(
    "TroubleshootView", "Machine {no} — {label}: {verdict} (checked {when})"
)
VERDICT = {
    "ok": QT_TRANSLATE_NOOP("TroubleshootView", "all checks passed"),
    "warn": QT_TRANSLATE_NOOP("TroubleshootView", "works, with warnings"),
    "fail": QT_TRANSLATE_NOOP("TroubleshootView", "PROBLEMS FOUND"),
}
NOT_CHECKED_FAIL = QT_TRANSLATE_NOOP("TroubleshootView", "Machine {no} was not checked: {error}")
NO_FAULTS = QT_TRANSLATE_NOOP(
    "TroubleshootView",
    "No faulty slot: no slot's last dispense result in the journal is a failure.",
)
FAULTS_HEAD = QT_TRANSLATE_NOOP(
    "TroubleshootView", "Faulty slots (last result a failure) — what it means and what to check:"
)
SLOTS_COUNT = QT_TRANSLATE_NOOP(
    "TroubleshootView", "{shown} of {total} slots · {faulty} faulty · {empty} empty · {low} low"
)
SELECT_SLOT = QT_TRANSLATE_NOOP(
    "TroubleshootView", "Choose a slot in the table to see its state or test it."
)
TEST_BUTTON = QT_TRANSLATE_NOOP("TroubleshootView", "&Test-dispense slot…")
TEST_BUTTON_SLOT = QT_TRANSLATE_NOOP("TroubleshootView", "&Test-dispense {slot}…")
TEST_TIP = QT_TRANSLATE_NOOP(
    "TroubleshootView", "Drop one item from the chosen slot to see whether it works (asks first)"
)
TEST_TITLE = QT_TRANSLATE_NOOP("TroubleshootView", "Test-dispense slot {slot}?")
TEST_TEXT = QT_TRANSLATE_NOOP(
    "TroubleshootView", "Test-dispense slot {slot}{product} on machine {no}?"
)
TEST_ACTION = QT_TRANSLATE_NOOP("TroubleshootView", "Test dispense")
TEST_DETAIL = QT_TRANSLATE_NOOP(
    "TroubleshootView",
    "An item will drop from slot {slot} now: have someone at the machine to take it. "
    "The machine is locked until it reports; a test dispense is never retried.",
)
TEST_OFFLINE = QT_TRANSLATE_NOOP(
    "TroubleshootView", " The machine is OFFLINE: the platform will probably refuse."
)
NOTHING_SENT = QT_TRANSLATE_NOOP("TroubleshootView", "Nothing was sent.")
LOCKED = QT_TRANSLATE_NOOP(
    "TroubleshootView",
    "Machine {no} is dispensing an order: wait for its result before testing a slot. "
    "Nothing was sent.",
)
TEST_SENDING = QT_TRANSLATE_NOOP(
    "TroubleshootView", "Sending the test dispense of slot {slot} to machine {no}…"
)
TEST_WAITING = QT_TRANSLATE_NOOP(
    "TroubleshootView",
    "Machine {no} is locked: test-dispensing slot {slot}, delivery {delivery}. "
    "Waiting for the machine's result (Cancel stops waiting, not the machine).",
)
TEST_DROPPED = QT_TRANSLATE_NOOP(
    "TroubleshootView", "Test dispense of slot {slot} worked: the item dropped{delivery}."
)
TEST_FAILED = QT_TRANSLATE_NOOP(
    "TroubleshootView", "Test dispense of slot {slot} FAILED{delivery}: {detail}"
)
TEST_NO_RESULT = QT_TRANSLATE_NOOP(
    "TroubleshootView", "Test dispense of slot {slot}: no result{delivery} — {detail}"
)
TEST_NOT_SENT = QT_TRANSLATE_NOOP("TroubleshootView", "Slot {slot} was not test-dispensed: {error}")
CALLBACK_LINE = QT_TRANSLATE_NOOP(
    "TroubleshootView",
    "Callback #{id} at {when}: deliver_status {deliver}, floor_status {floor}, "
    "error_msg “{error}”, channel_name {channel}.",
)
NO_CALLBACK = QT_TRANSLATE_NOOP(
    "TroubleshootView",
    "The platform's dispense record gave the result; the machine's callback had not arrived "
    "a few seconds later (the log pane shows it when it does).",
)
HISTORY_TITLE = QT_TRANSLATE_NOOP("TroubleshootView", "History from the journal (last 7 days)")
RECENT_HEAD = QT_TRANSLATE_NOOP("TroubleshootView", "Recent dispense results:")
NO_HISTORY = QT_TRANSLATE_NOOP("TroubleshootView", "The journal was not read: no history.")

# Backgrounds that make bad slots stand out (the status column also says it in words).
STATUS_BACKGROUND = {
    "faulty": QColor("#ffcdd2"),
    "empty": QColor("#ffe0b2"),
    "low": QColor("#fff9c4"),
}
STATUS_FOREGROUND = {"faulty": RED, "empty": AMBER, "low": AMBER, "ok": GREEN}
SORT_KEYS: tuple[SortKey, ...] = ("slot", "cabinet", "product", "price", "stock", "status")
RECENT_EVENTS = 10


def _check_colour(c: Check) -> QColor:
    return {"ok": GREEN, "warn": AMBER, "fail": RED}[c.status]


def checks_model(parent: Any = None) -> RowsModel[Check]:
    # Typed through the annotation: ``Check`` is imported for type checking only.
    columns: list[Column[Check]] = [
        Column(
            translate("TroubleshootView", "Check"),
            lambda c: translate("TroubleshootView", CHECK_LABELS.get(c.name, c.name)),
        ),
        Column(
            translate("TroubleshootView", "Result"),
            lambda c: translate("TroubleshootView", STATUS_WORDS[c.status]),
            colour=_check_colour,
        ),
        Column(
            translate("TroubleshootView", "Details"),
            lambda c: c.summary,
            colour=lambda c: None if c.status == "ok" else _check_colour(c),
            tooltip=lambda c: c.summary + (f"\n\n{c.detail}" if c.detail else ""),
        ),
    ]
    return RowsModel(columns, parent)


def _sorted(rows: list[SlotRow], key: SortKey, descending: bool) -> list[SlotRow]:
    """``sort_rows``, imported only once there are rows: sorting is enabled (and so
    runs) while the window is built, before its first paint."""
    if not rows:
        return []
    from console.troubleshoot import sort_rows

    return sort_rows(rows, key, descending=descending)


class SlotsModel(QAbstractTableModel):
    """Every slot of the machine; sorted and filtered in Python (see design §4),
    shown rows replaced as a whole. ``Qt.UserRole`` gives the ``SlotRow``."""

    def __init__(self, parent: Any = None, lang: str = "en") -> None:
        super().__init__(parent)
        self.lang = lang
        self._all: list[SlotRow] = []
        self._shown: list[SlotRow] = []
        self._text = ""
        self._problems_only = False
        self._sort: SortKey = "slot"
        self._descending = False

    @property
    def total(self) -> int:
        return len(self._all)

    @property
    def all_rows(self) -> list[SlotRow]:
        return list(self._all)

    @property
    def shown(self) -> list[SlotRow]:
        return list(self._shown)

    def set_rows(self, rows: Sequence[SlotRow]) -> None:
        self._all = list(rows)
        self._refresh()

    def set_filter(self, text: str = "", problems_only: bool = False) -> None:
        self._text, self._problems_only = text, problems_only
        self._refresh()

    def _refresh(self) -> None:
        rows: list[SlotRow] = []
        if self._all:  # an empty table (as the window is built) needs no slot logic
            from console.troubleshoot import filter_rows

            statuses = ("faulty", "empty", "low") if self._problems_only else None
            rows = filter_rows(self._all, text=self._text, statuses=statuses)
        self.beginResetModel()
        self._shown = _sorted(rows, self._sort, self._descending)
        self.endResetModel()

    def row_at(self, row: int) -> SlotRow | None:
        return self._shown[row] if 0 <= row < len(self._shown) else None

    def row_of(self, slot: str) -> int:
        return next((i for i, r in enumerate(self._shown) if r.slot == slot), -1)

    # -- Qt ----------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(SLOT_COLUMNS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(SLOT_COLUMNS)
        ):
            return translate("TroubleshootView", SLOT_COLUMNS[section])
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(SORT_KEYS):
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        before = [(self._shown[i.row()], i.column()) for i in persistent]
        self._sort = SORT_KEYS[column]
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._shown = _sorted(self._shown, self._sort, self._descending)
        position = {id(r): i for i, r in enumerate(self._shown)}
        # Persistent indexes (the selection) follow their rows.
        self.changePersistentIndexList(
            persistent, [self.index(position[id(r)], c) for r, c in before]
        )
        self.layoutChanged.emit()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._shown):
            return None
        col = index.column()
        if not 0 <= col < len(SLOT_COLUMNS):
            return None
        r = self._shown[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text_of(r, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{r.slot or '?'} · {r.product}\n{r.status_text(self.lang)}"
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = STATUS_BACKGROUND.get(r.status)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.ForegroundRole and col in (4, 5):
            return STATUS_FOREGROUND[r.status if col == 5 else r.stock_status]
        if role == Qt.ItemDataRole.FontRole and col == 5 and r.status != "ok":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (3, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return r
        return None

    def _text_of(self, r: SlotRow, col: int) -> str:
        if col == 0:
            return r.slot or "?"
        if col == 1:
            return r.cabinet
        if col == 2:
            return product_text(r.product, r.product_id) if r.product_id else r.product
        if col == 3:
            return r.price
        if col == 4:
            return r.stock_text
        return r.status_text(self.lang)


class TroubleshootView(QWidget):
    """The chosen machine's health, slots, test dispense, faults and history.

    ``machine_busy(no)`` says whether another part of the window is dispensing
    on that machine (its lock); a test dispense is then not sent.
    """

    def __init__(
        self,
        ws: Workspace,
        machine_lookup: Callable[[str], Machine | None],
        machine_busy: Callable[[str], bool] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ws = ws
        self.machine_lookup = machine_lookup
        self.machine_busy: Callable[[str], bool] = machine_busy or (lambda _no: False)
        self.lang = ui_lang()
        self._checked_lang = self.lang
        self.machine_no = ""
        self.diagnosis: Diagnosis | None = None
        self.active = False  # the tab is showing: check the machine when it changes
        self._diagnosing = ""  # the machine being checked
        self._testing = ""  # the slot being test-dispensed
        self.last_test: SlotTestResult | None = None
        self._build()
        ws.environment_changed.connect(self._environment_changed)
        self._show_diagnosis(None)

    # -- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.header_label = QLabel()
        self.header_label.setTextFormat(Qt.TextFormat.PlainText)
        self.header_label.setWordWrap(True)
        font = self.header_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.header_label.setFont(font)
        self.check_button = QPushButton(translate("TroubleshootView", "Check a&gain"))
        self.check_button.setToolTip(
            translate(
                "TroubleshootView",
                "Ping the platform and read the machine, its slots and the journal again",
            )
        )
        top.addWidget(self.header_label, 1)
        top.addWidget(self.check_button)
        layout.addLayout(top)

        # Health is a one-line summary (the full table is a sub-tab below): the slots
        # table, the working table, takes the height.
        self.health_label = QLabel()
        self.health_label.setTextFormat(Qt.TextFormat.PlainText)
        self.health_label.setWordWrap(True)
        self.health_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.health_label)

        self.checks = checks_model(self)
        self.checks_view = QTableView()
        self.checks_view.setModel(self.checks)
        self.checks_view.setTabKeyNavigation(False)  # Tab leaves the table, Ctrl+Tab changes tabs
        self.checks_view.setAccessibleName(translate("TroubleshootView", "Health checks"))
        self.checks_view.verticalHeader().hide()
        self.checks_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.checks_view.setWordWrap(False)
        _compact_rows(self.checks_view)
        header = self.checks_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

        history_page = QWidget()
        history_layout = QHBoxLayout(history_page)
        history_layout.setContentsMargins(2, 2, 2, 2)
        self.chart = HistoryChart()
        self.history_text = QPlainTextEdit()
        self.history_text.setReadOnly(True)
        self.history_text.setAccessibleName(
            translate("TroubleshootView", "Recent dispense results")
        )
        self.history_text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.history_text.setMaximumBlockCount(200)
        self.history_text.setMinimumHeight(3 * self.history_text.fontMetrics().height())
        history_layout.addWidget(self.chart, 3)
        history_layout.addWidget(self.history_text, 2)

        slots_page = QWidget()
        slots_layout = QVBoxLayout(slots_page)
        slots_layout.setContentsMargins(2, 2, 2, 2)
        self.faults_label = QLabel()
        self.faults_label.setTextFormat(Qt.TextFormat.PlainText)  # platform text
        self.faults_label.setWordWrap(True)
        self.faults_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        slots_layout.addWidget(self.faults_label)
        filters = QHBoxLayout()
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(
            translate("TroubleshootView", "slot or product, e.g. A12 or cola")
        )
        self.filter_edit.setClearButtonEnabled(True)
        filter_label = QLabel(translate("TroubleshootView", "Fi&lter:"))
        filter_label.setBuddy(self.filter_edit)
        self.problems_check = QCheckBox(translate("TroubleshootView", "&Problems only"))
        self.problems_check.setToolTip(
            translate("TroubleshootView", "Show only faulty, empty and low slots")
        )
        self.count_label = QLabel()
        filters.addWidget(filter_label)
        filters.addWidget(self.filter_edit, 1)
        filters.addWidget(self.problems_check)
        filters.addWidget(self.count_label)
        slots_layout.addLayout(filters)

        self.slots = SlotsModel(self, self.lang)
        self.slots_view = QTableView()
        self.slots_view.setModel(self.slots)
        self.slots_view.setTabKeyNavigation(False)  # Tab leaves the table, Ctrl+Tab changes tabs
        self.slots_view.setAccessibleName(translate("TroubleshootView", "Slots"))
        self.slots_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.slots_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.slots_view.setSortingEnabled(True)
        self.slots_view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.slots_view.verticalHeader().hide()
        self.slots_view.setWordWrap(False)
        _compact_rows(self.slots_view)
        header = self.slots_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        slots_layout.addWidget(self.slots_view, 1)

        test_row = QHBoxLayout()
        self.test_button = QPushButton(translate("TroubleshootView", TEST_BUTTON))
        self.test_button.setToolTip(translate("TroubleshootView", TEST_TIP))
        self.slot_label = QLabel()
        self.slot_label.setTextFormat(Qt.TextFormat.PlainText)
        self.slot_label.setWordWrap(True)
        self.slot_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        test_row.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignTop)
        test_row.addWidget(self.slot_label, 1)
        slots_layout.addLayout(test_row)
        self.lock_label = IconLine("lock", LOCK_STYLE)
        self.lock_label.hide()
        slots_layout.addWidget(self.lock_label)
        self.result_label = QLabel()
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        slots_layout.addWidget(self.result_label)

        # Slots, the full health table and the history each get the tab's whole height.
        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        self.pages.addTab(slots_page, translate("TroubleshootView", "Slots (all cabinets)"))
        self.pages.addTab(self.checks_view, translate("TroubleshootView", "Health"))
        self.pages.addTab(history_page, translate("TroubleshootView", HISTORY_TITLE))
        layout.addWidget(self.pages, 1)

        self.check_button.clicked.connect(self.check)
        self.filter_edit.textChanged.connect(self._filter_changed)
        self.problems_check.toggled.connect(self._filter_changed)
        self.test_button.clicked.connect(self.test_selected)
        self.slots_view.selectionModel().selectionChanged.connect(self._slot_selected)
        self.slots.modelReset.connect(self._slot_selected)
        self.checks.modelReset.connect(self._summarize_health)

    @Slot()
    def _summarize_health(self) -> None:
        """The health checks in a line: how many passed, and the ones that did not."""
        checks = self.checks.rows
        if not checks:
            self.health_label.clear()
            self.health_label.setStyleSheet("")
            return
        bad = [c for c in checks if c.status != "ok"]
        if not bad:
            text = translate("TroubleshootView", "Health: all {count} checks OK").format(
                count=len(checks)
            )
        else:
            problems = "; ".join(
                translate("TroubleshootView", "{check} {result}: {summary}").format(
                    check=translate("TroubleshootView", CHECK_LABELS.get(c.name, c.name)),
                    result=translate("TroubleshootView", STATUS_WORDS[c.status]),
                    summary=c.summary,
                )
                for c in sorted(bad, key=lambda c: c.status != "fail")
            )
            text = translate(
                "TroubleshootView", "Health: {ok} of {count} checks OK — {problems}"
            ).format(ok=len(checks) - len(bad), count=len(checks), problems=problems)
        worst = "fail" if any(c.status == "fail" for c in bad) else "warn" if bad else "ok"
        self.health_label.setStyleSheet(HEALTH_STYLES[worst])
        self.health_label.setText(text)
        self.health_label.setToolTip(
            translate("TroubleshootView", "Every check is on the Health tab below")
        )

    # -- state --------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return bool(self._diagnosing or self._testing)

    def selected_slot(self) -> SlotRow | None:
        rows = self.slots_view.selectionModel().selectedRows()
        return self.slots.row_at(rows[0].row()) if rows else None

    def select_slot(self, slot: str) -> bool:
        row = self.slots.row_of(slot)
        if row >= 0:
            self.slots_view.selectRow(row)
        return row >= 0

    def show_message(self, level: str, text: str) -> None:
        self.result_label.setStyleSheet(MESSAGE_STYLES.get(level, ""))
        self.result_label.setText(text)
        self.ws.post(level, text)

    def _update_actions(self) -> None:
        ready = self.ws.env is not None and bool(self.machine_no)
        self.check_button.setEnabled(ready and not self._diagnosing)
        selected = self.selected_slot()
        self.test_button.setText(
            translate("TroubleshootView", TEST_BUTTON_SLOT).format(slot=selected.slot)
            if selected and selected.slot
            else translate("TroubleshootView", TEST_BUTTON)
        )
        self.test_button.setEnabled(
            ready
            and not self.busy
            and selected is not None
            and bool(selected.slot)
            and self.diagnosis is not None
            and self.diagnosis.machine_no == self.machine_no
        )

    @Slot(object)
    def _environment_changed(self, env: Environment | None) -> None:
        self.machine_no = ""
        self._diagnosing = ""
        self._testing = ""
        self.last_test = None
        self.lock_label.hide()
        self.result_label.clear()
        self.result_label.setStyleSheet("")
        self._show_diagnosis(None)

    @Slot(str)
    def set_machine(self, machine_no: str) -> None:
        if machine_no == self.machine_no:
            return
        self.machine_no = machine_no
        if self.diagnosis is not None and self.diagnosis.machine_no != machine_no:
            self._show_diagnosis(None)
            self.result_label.clear()
            self.result_label.setStyleSheet("")
        self._show_header()
        self._update_actions()
        if self.active:
            self.check()

    def set_active(self, active: bool) -> None:
        """The tab became visible (or hidden): check a machine not checked yet."""
        self.active = active
        if active and self.machine_no and not self._diagnosing:
            d = self.diagnosis
            if d is None or d.machine_no != self.machine_no or self._checked_lang != self.lang:
                self.check()

    # -- checking -----------------------------------------------------------------------

    @Slot()
    def check(self) -> None:
        env = self.ws.env
        if env is None or not self.machine_no or self._diagnosing:
            return
        self._diagnosing = self.machine_no
        self._checked_lang = self.lang  # the platform's answers are worded in it
        self._show_header()
        self._update_actions()
        self.ws.submit(
            POOL_API,
            env.ops.diagnose,
            self.machine_no,
            self.lang,
            on_success=self._diagnosed,
            on_failure=self._diagnose_failed,
            data=self.machine_no,
        )

    @Slot(object, object)
    def _diagnosed(self, job: Job, d: Diagnosis) -> None:
        if self.ws.stale(job):
            return
        self._diagnosing = ""
        if d.machine_no != self.machine_no:
            self._update_actions()
            return
        self._show_diagnosis(d)

    @Slot(object, object)
    def _diagnose_failed(self, job: Job, exc: BaseException) -> None:
        if self.ws.stale(job):
            return
        self._diagnosing = ""
        self._show_header()
        self._update_actions()
        if job.data == self.machine_no:
            self.show_message(
                LEVEL_ERROR,
                translate("TroubleshootView", NOT_CHECKED_FAIL).format(
                    no=job.data, error=describe_error(exc)
                ),
            )

    def retranslate(self) -> None:
        """Re-render what is computed from data in the language installed now; a machine
        already checked is checked again, as the platform's answers are worded per language
        (the window re-sets the other texts)."""
        self.lang = ui_lang()
        self.slots.lang = self.lang
        self.slots.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(SLOT_COLUMNS) - 1)
        if self.slots.rowCount():
            last = self.slots.index(self.slots.rowCount() - 1, len(SLOT_COLUMNS) - 1)
            self.slots.dataChanged.emit(self.slots.index(0, 0), last)
        self._show_diagnosis(self.diagnosis)
        self._summarize_health()
        self._slot_selected()
        if self.diagnosis is not None and self.active:
            self.check()

    def _show_header(self) -> None:
        d = self.diagnosis
        if not self.machine_no:
            text = translate("TroubleshootView", NO_MACHINE).replace("&&", "&")
        elif self._diagnosing:
            text = translate("TroubleshootView", CHECKING).format(no=self.machine_no)
        elif d is None or d.machine_no != self.machine_no:
            text = translate("TroubleshootView", NOT_CHECKED).format(no=self.machine_no)
        else:
            machine = self.machine_lookup(d.machine_no)
            name = (
                (d.detail.machine_name if d.detail else "")
                or (d.listing.machine_name if d.listing else "")
                or (machine.machine_name if machine else "")
            )
            text = translate("TroubleshootView", CHECKED).format(
                no=d.machine_no,
                label=name or "?",
                verdict=translate("TroubleshootView", VERDICT[d.status]),
                when=clock_text(d.checked_at),
            )
        colour = {"ok": GREEN, "warn": AMBER, "fail": RED}
        status = self.diagnosis.status if self.diagnosis and not self._diagnosing else ""
        self.header_label.setStyleSheet(
            f"color:{colour[status].name()};" if status in colour and self.machine_no else ""
        )
        self.header_label.setText(text)

    def _show_diagnosis(self, d: Diagnosis | None) -> None:
        selected = self.selected_slot()
        self.diagnosis = d
        self._show_header()
        if d is None:
            self.checks.set_rows([])
            self.slots.set_rows([])
            self.faults_label.setText("")
            self.faults_label.setStyleSheet("")
            self.chart.set_history(None)
            self.history_text.setPlainText("")
            self._update_actions()
            return
        self.checks.set_rows(d.checks)
        self.slots.set_rows(d.slots)
        if d.faulty_slots:
            lines = [
                translate("TroubleshootView", FAULTS_HEAD),
                *(f"• {fault_line(r, self.lang)}" for r in d.faulty_slots),
            ]
            self.faults_label.setText("\n".join(lines))
            self.faults_label.setToolTip("\n".join(d.fault_lines(self.lang)))
            self.faults_label.setStyleSheet(MESSAGE_STYLES[LEVEL_ERROR])
        else:
            self.faults_label.setText(translate("TroubleshootView", NO_FAULTS) if d.slots else "")
            self.faults_label.setToolTip("")
            self.faults_label.setStyleSheet("")
        self.chart.set_history(d.history)
        self.history_text.setPlainText(self._history_words(d))
        if selected is not None:
            self.select_slot(selected.slot)
        self._update_counts()
        self._update_actions()

    def _history_words(self, d: Diagnosis) -> str:
        h = d.history
        if h is None:
            check = d.check("history")
            return check.summary if check is not None else translate("TroubleshootView", NO_HISTORY)
        lines = h.lines(self.lang)
        recent = h.events[:RECENT_EVENTS]
        if recent:
            lines += [
                "",
                translate("TroubleshootView", RECENT_HEAD),
                *(e.text(self.lang) for e in recent),
            ]
        return "\n".join(lines)

    def _update_counts(self) -> None:
        rows = self.slots.all_rows
        count = {s: sum(1 for r in rows if r.status == s) for s in ("faulty", "empty", "low")}
        self.count_label.setText(
            translate("TroubleshootView", SLOTS_COUNT).format(
                shown=self.slots.rowCount(), total=len(rows), **count
            )
        )

    @Slot()
    def _filter_changed(self) -> None:
        selected = self.selected_slot()
        self.slots.set_filter(self.filter_edit.text(), self.problems_check.isChecked())
        if selected is not None:
            self.select_slot(selected.slot)
        self._update_counts()

    @Slot()
    @Slot(QItemSelection, QItemSelection)
    def _slot_selected(self, *_: object) -> None:
        r = self.selected_slot()
        if r is None:
            self.slot_label.setText(
                translate("TroubleshootView", SELECT_SLOT) if self.slots.total else ""
            )
        else:
            product = f" · {r.product}" if r.product else ""
            self.slot_label.setText(
                f"{r.slot or '?'}{product} · {r.price} · {r.stock_text}: {r.status_text(self.lang)}"
            )
        self._update_actions()

    # -- test dispense -----------------------------------------------------------------

    @Slot()
    def test_selected(self) -> None:
        env, row, d = self.ws.env, self.selected_slot(), self.diagnosis
        if env is None or row is None or not row.slot or d is None or self.busy:
            return
        no = d.machine_no
        if self.machine_busy(no):
            self.show_message(LEVEL_WARN, translate("TroubleshootView", LOCKED).format(no=no))
            return
        detail = translate("TroubleshootView", TEST_DETAIL).format(slot=row.slot)
        online = d.check("online")
        if online is not None and online.status == "fail":
            detail += translate("TroubleshootView", TEST_OFFLINE)
        question = Question(
            title=translate("TroubleshootView", TEST_TITLE).format(slot=row.slot),
            text=translate("TroubleshootView", TEST_TEXT).format(
                slot=row.slot, product=f" ({row.product})" if row.product else "", no=no
            ),
            action=translate("TroubleshootView", TEST_ACTION),
            detail=detail,
        )
        if not self.ws.confirm(question):
            self.show_message(LEVEL_INFO, translate("TroubleshootView", NOTHING_SENT))
            return
        if self.busy or self.machine_busy(no):  # changed while the question was open
            self.show_message(LEVEL_WARN, translate("TroubleshootView", LOCKED).format(no=no))
            return
        self._testing = row.slot
        self._update_actions()
        self.lock_label.setText(
            translate("TroubleshootView", TEST_SENDING).format(slot=row.slot, no=no)
        )
        self.lock_label.show()
        self.result_label.clear()
        self.result_label.setStyleSheet("")
        self.ws.submit(
            POOL_API,
            env.ops.test_dispense,
            no,
            row.slot,
            on_success=self._tested,
            on_failure=self._test_failed,
            on_progress=self._test_progress,
            data=(no, row.slot),
            cancellable=True,
        )

    @Slot(object, object)
    def _test_progress(self, job: Job, step: SlotTestProgress) -> None:
        if self.ws.stale(job):
            return
        if step.stage == "waiting":
            text = translate("TroubleshootView", TEST_WAITING).format(
                no=step.machine_no, slot=step.slot, delivery=step.delivery_id
            )
        else:
            text = translate("TroubleshootView", TEST_SENDING).format(
                slot=step.slot, no=step.machine_no
            )
        self.lock_label.setText(text)
        self.lock_label.show()

    @Slot(object, object)
    def _tested(self, job: Job, result: SlotTestResult) -> None:
        if self.ws.stale(job):
            return
        self._testing = ""
        self.lock_label.hide()
        self.last_test = result
        level = {"dropped": LEVEL_OK, "failed": LEVEL_ERROR}.get(result.result, LEVEL_WARN)
        # Made again in the new language when the language changes (Tr.call).
        self.show_message(level, Tr.call(test_result_text, result))
        self.ws.journal_changed.emit()
        self._update_actions()
        # Stock and the slot's state changed: read the machine and the journal again.
        if result.machine_no == self.machine_no:
            self.check()

    @Slot(object, object)
    def _test_failed(self, job: Job, exc: BaseException) -> None:
        if self.ws.stale(job):
            return
        self._testing = ""
        self.lock_label.hide()
        self._update_actions()
        _, slot = job.data
        self.show_message(
            LEVEL_ERROR,
            translate("TroubleshootView", TEST_NOT_SENT).format(
                slot=slot, error=describe_error(exc, write=True)
            ),
        )
        self.ws.journal_changed.emit()


def _compact_rows(view: QTableView) -> None:
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 6)


def fault_line(row: SlotRow, lang: str = "en") -> str:
    """One faulty slot in a line: what it reported, what that means, what to check."""
    assert row.fault is not None
    fault = row.fault.fault
    product = f" {row.product}" if row.product else ""
    return f"{row.slot}{product} — {fault.label(lang)}: {fault.meaning.text(lang)}"


def test_result_text(result: SlotTestResult) -> str:
    """What a test dispense did, in the language of the moment, with its callback."""
    delivery = (
        translate("TroubleshootView", " (delivery {delivery})").format(delivery=result.delivery_id)
        if result.delivery_id
        else ""
    )
    if result.result == "dropped":
        head = translate("TroubleshootView", TEST_DROPPED).format(
            slot=result.slot, delivery=delivery
        )
    elif result.result == "failed":
        fault = Fault(result.fault_text, result.floor_status)
        detail = fault.words(ui_lang()) if result.fault_text else render(result.detail)
        head = translate("TroubleshootView", TEST_FAILED).format(
            slot=result.slot, delivery=delivery, detail=detail
        )
    else:
        head = translate("TroubleshootView", TEST_NO_RESULT).format(
            slot=result.slot, delivery=delivery, detail=render(result.detail)
        )
    return f"{head}\n{callback_text(result)}"


def callback_text(result: SlotTestResult) -> str:
    """The test dispense's result callback, as received."""
    row = result.callback
    if row is None:
        return translate("TroubleshootView", NO_CALLBACK) if result.read_first else ""
    return translate("TroubleshootView", CALLBACK_LINE).format(
        id=row.id,
        when=clock_text(row.ts),
        deliver=row.deliver_status or "—",
        floor=row.floor_status if row.floor_status not in (None, "") else "—",
        error=row.error_msg,
        channel=row.channel_name or "—",
    )
