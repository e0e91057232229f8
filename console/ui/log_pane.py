"""The log pane: every request, answer, callback and error, filterable, newest at the bottom.

A ``QTableView`` over ``LogModel``, filtered by a plain Python scan and a model
reset (measured: a proxy model took ~6 s on 1M rows, a scan ~0.05 s). Entries
arrive in batches from the window's drain timer; follow-tail scrolls to each.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Slot,
)
from PySide6.QtGui import QColor, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStyle,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.settings import ui_lang
from console.tasks.logfeed import (
    KIND_CALLBACK,
    KIND_ERROR,
    KIND_INFO,
    KIND_REQUEST,
    KIND_RESPONSE,
    LogEntry,
    write_jsonl,
)
from console.tasks.runner import POOL_API
from console.ui.models import DISPLAY, FOREGROUND, SERVED_ROLES
from console.ui.steady import SteadyBox
from console.ui.texts import QT_TRANSLATE_NOOP, describe_error, translate
from console.ui.workspace import LEVEL_ERROR, LEVEL_OK, Job, Workspace

Index = QModelIndex | QPersistentModelIndex
MAX_ENTRIES = 250_000
QWIDGETSIZE_MAX = (1 << 24) - 1  # Qt's "no maximum" for a widget's size
FILTER_DELAY_MS = 200

KIND_CHOICES: tuple[tuple[str, str], ...] = (
    (QT_TRANSLATE_NOOP("LogPane", "All kinds"), ""),
    (QT_TRANSLATE_NOOP("LogPane", "Requests"), KIND_REQUEST),
    (QT_TRANSLATE_NOOP("LogPane", "Responses"), KIND_RESPONSE),
    (QT_TRANSLATE_NOOP("LogPane", "Callbacks"), KIND_CALLBACK),
    (QT_TRANSLATE_NOOP("LogPane", "Errors"), KIND_ERROR),
    (QT_TRANSLATE_NOOP("LogPane", "Console notes"), KIND_INFO),
)
# The kind column's words (a line's kind itself stays the English key: filters, export).
KIND_WORDS = {
    KIND_REQUEST: QT_TRANSLATE_NOOP("LogModel", "request"),
    KIND_RESPONSE: QT_TRANSLATE_NOOP("LogModel", "response"),
    KIND_CALLBACK: QT_TRANSLATE_NOOP("LogModel", "callback"),
    KIND_ERROR: QT_TRANSLATE_NOOP("LogModel", "error"),
    KIND_INFO: QT_TRANSLATE_NOOP("LogModel", "info"),
}
KIND_COLOURS = {KIND_ERROR: QColor("#b71c1c"), KIND_CALLBACK: QColor("#0d47a1")}


@dataclass(frozen=True)
class LogFilter:
    kind: str = ""
    machine: str = ""
    order: str = ""
    text: str = ""

    @property
    def active(self) -> bool:
        return bool(self.kind or self.machine or self.order or self.text)

    def matches(self, e: LogEntry) -> bool:
        if self.kind and e.kind != self.kind:
            return False
        if self.machine and self.machine not in e.machine_no:
            return False
        if self.order and str(e.order_id or "") != self.order:
            return False
        return not self.text or self.text in e.search_text


# How many lines' Chinese words the model keeps (a screenful is re-worded on a scroll).
SAID_KEPT = 2000


class LogModel(QAbstractTableModel):
    """All entries (up to ``max_entries``) and the ones the filter lets through."""

    COLUMNS = (
        QT_TRANSLATE_NOOP("LogModel", "Time (local)"),
        QT_TRANSLATE_NOOP("LogModel", "Kind"),
        QT_TRANSLATE_NOOP("LogModel", "Machine"),
        QT_TRANSLATE_NOOP("LogModel", "Order"),
        QT_TRANSLATE_NOOP("LogModel", "What"),
    )

    def __init__(self, parent: Any = None, max_entries: int = MAX_ENTRIES) -> None:
        super().__init__(parent)
        self.max_entries = max_entries
        self._all: list[LogEntry] = []
        self._shown: list[LogEntry] = self._all  # the same list while nothing is filtered
        self._filter = LogFilter()
        self._kind_words = {k: translate("LogModel", w) for k, w in KIND_WORDS.items()}
        self._time_second = -1
        self._time_prefix = ""
        # Lines worded in Chinese, by entry (English is each entry's ``summary`` as is).
        self._zh = ui_lang() == "zh"
        self._said: dict[int, tuple[LogEntry, str]] = {}

    @property
    def total(self) -> int:
        return len(self._all)

    @property
    def filter(self) -> LogFilter:
        return self._filter

    def entry(self, row: int) -> LogEntry | None:
        return self._shown[row] if 0 <= row < len(self._shown) else None

    def shown(self) -> list[LogEntry]:
        return list(self._shown)

    def append(self, entries: list[LogEntry]) -> None:
        if not entries:
            return
        if len(self._all) + len(entries) > self.max_entries:
            self._trim(len(entries))
        if self._shown is self._all:
            first = len(self._all)
            self.beginInsertRows(QModelIndex(), first, first + len(entries) - 1)
            self._all.extend(entries)
            self.endInsertRows()
            return
        self._all.extend(entries)
        passing = [e for e in entries if self._filter.matches(e)]
        if passing:
            first = len(self._shown)
            self.beginInsertRows(QModelIndex(), first, first + len(passing) - 1)
            self._shown.extend(passing)
            self.endInsertRows()

    def _trim(self, incoming: int) -> None:
        """Drop the oldest tenth (at least what makes room): the journal keeps the record."""
        drop = len(self._all) + incoming - self.max_entries + self.max_entries // 10
        self.beginResetModel()
        del self._all[: min(drop, len(self._all))]
        self._shown = self._all if not self._filter.active else self._scan()
        self.endResetModel()

    def _scan(self) -> list[LogEntry]:
        f = self._filter
        return [e for e in self._all if f.matches(e)]

    def set_filter(self, f: LogFilter) -> None:
        if f == self._filter:
            return
        self.beginResetModel()
        self._filter = f
        self._shown = self._all if not f.active else self._scan()
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self._all.clear()
        self._shown = self._all if not self._filter.active else []
        self.endResetModel()

    # -- Qt model -------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        # Called for every role of every visible cell on each repaint: roles it does not
        # serve are turned away before anything else is looked at.
        if role not in SERVED_ROLES:
            return None
        row, col = index.row(), index.column()
        if not 0 <= row < len(self._shown):
            return None
        e = self._shown[row]
        if role == DISPLAY:
            if col == 0:
                return self._time_text(e.ts)
            if col == 1:
                return self._kind_words.get(e.kind, e.kind)
            if col == 2:
                return e.machine_no
            if col == 3:
                return "" if e.order_id is None else str(e.order_id)
            if col == 4:
                return self._summary(e)
            return None
        if role == FOREGROUND:
            return KIND_COLOURS.get(e.kind)
        if col == 4:  # the tooltip
            return self._summary(e)
        return None

    def _summary(self, e: LogEntry) -> str:
        """The line's words in the window's language (English: the summary as made)."""
        if not self._zh or e.message is None:
            return e.summary
        kept = self._said.get(id(e))
        if kept is not None and kept[0] is e:
            return kept[1]
        if len(self._said) > SAID_KEPT:
            self._said.clear()
        said = e.message.render(translate, "zh")
        self._said[id(e)] = (e, said)
        return said

    def retranslate(self) -> None:
        """Headers and kinds in the language installed now."""
        self._kind_words = {k: translate("LogModel", w) for k, w in KIND_WORDS.items()}
        self._zh = ui_lang() == "zh"
        self._said.clear()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.COLUMNS) - 1)
        if self._shown:
            last = self.index(len(self._shown) - 1, len(self.COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def _time_text(self, ts: float) -> str:
        """``HH:MM:SS.mmm``; the whole seconds are formatted once per second shown."""
        second = int(ts)
        if second != self._time_second:
            self._time_second = second
            self._time_prefix = time.strftime("%H:%M:%S", time.localtime(second))
        return f"{self._time_prefix}.{int((ts % 1) * 1000):03d}"

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.COLUMNS)
        ):
            return translate("LogModel", self.COLUMNS[section])
        return None


def entry_details(e: LogEntry) -> str:
    """The details view's text: pretty JSON, and the request as curl when there is one."""
    said = e.summary if e.message is None else e.message.render(translate, ui_lang())
    text = f"{said}\n\n" + json.dumps(e.detail, ensure_ascii=False, indent=2, default=str)
    if e.curl:
        text += "\n\n# " + translate("LogPane", "as curl (secrets masked):") + f"\n{e.curl}"
    return text


class LogPane(QDockWidget):
    """The dock that shows the log model, its filters, details and actions."""

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(translate("LogPane", "Log"), parent)
        self.setObjectName("log_pane")
        self.ws = ws
        self.model = LogModel(self)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)

        filters = QHBoxLayout()
        self.kind_combo = QComboBox()
        for caption, kind in KIND_CHOICES:
            self.kind_combo.addItem(translate("LogPane", caption), kind)
        self.machine_edit = QLineEdit()
        self.machine_edit.setPlaceholderText(translate("LogPane", "machine no."))
        self.order_edit = QLineEdit()
        self.order_edit.setPlaceholderText(translate("LogPane", "order id"))
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(translate("LogPane", "search text (Ctrl+F)"))
        self.search_edit.setClearButtonEnabled(True)
        self.follow_check = QCheckBox(translate("LogPane", "Follow tail"))
        self.follow_check.setChecked(True)
        self.count_label = QLabel()
        for text, widget in (
            (translate("LogPane", "&Kind:"), self.kind_combo),
            (translate("LogPane", "Mac&hine:"), self.machine_edit),
            (translate("LogPane", "O&rder:"), self.order_edit),
            (translate("LogPane", "&Search:"), self.search_edit),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            filters.addWidget(label)
            filters.addWidget(widget, 2 if widget is self.search_edit else 1)
        filters.addWidget(self.follow_check)
        filters.addWidget(SteadyBox(self.count_label))  # changes with every batch
        layout.addLayout(filters)

        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setTabKeyNavigation(False)  # Tab leaves the table, Ctrl+Tab changes tabs
        self.view.setAccessibleName(translate("LogPane", "Log lines"))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        vheader = self.view.verticalHeader()
        vheader.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vheader.setDefaultSectionSize(self.view.fontMetrics().height() + 6)
        vheader.hide()
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        for col, width in enumerate((96, 72, 80, 64)):
            header.resizeSection(col, width)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setAccessibleName(translate("LogPane", "Details of the selected line"))
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setPlaceholderText(translate("LogPane", "Select a line to see its details."))
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setObjectName("log_splitter")
        split.addWidget(self.view)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout.addWidget(split, 1)
        self._split = split

        actions = QHBoxLayout()
        self.curl_button = QPushButton(translate("LogPane", "Copy as &curl"))
        self.replay_button = QPushButton(translate("LogPane", "Replay call&back"))
        self.replay_button.setToolTip(
            translate(
                "LogPane",
                "Send the selected callback to this console's receiver again, marked as a replay "
                "(it never counts as a new result)",
            )
        )
        self.export_button = QPushButton(translate("LogPane", "E&xport…"))
        self.export_button.setToolTip(
            translate("LogPane", "Write the lines shown (filtered) to a JSON Lines file")
        )
        self.clear_button = QPushButton(translate("LogPane", "Clear"))
        for b in (self.curl_button, self.replay_button, self.export_button, self.clear_button):
            actions.addWidget(b)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.setWidget(body)

        # The title bar is the strip the log collapses to: its name and two buttons.
        strip = QWidget()
        strip_layout = QHBoxLayout(strip)
        strip_layout.setContentsMargins(6, 1, 2, 1)
        self.title_label = QLabel(translate("LogPane", "Log"))
        self.collapse_button = QToolButton()
        self.collapse_button.setCheckable(True)
        self.collapse_button.setAutoRaise(True)
        self.collapse_button.setAccessibleName(translate("LogPane", "Collapse the log"))
        self.close_button = QToolButton()
        self.close_button.setAutoRaise(True)
        self.close_button.setIcon(
            self.style().standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton)
        )
        self.close_button.setToolTip(translate("LogPane", "Hide the log (View ▸ Log shows it)"))
        self.close_button.setAccessibleName(translate("LogPane", "Hide the log"))
        strip_layout.addWidget(self.title_label)
        strip_layout.addStretch(1)
        strip_layout.addWidget(self.collapse_button)
        strip_layout.addWidget(self.close_button)
        strip.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setTitleBarWidget(strip)
        self._open_height = 0  # the height the log had before it collapsed
        self._show_collapsed(False)
        self.collapse_button.toggled.connect(self.set_collapsed)
        self.close_button.clicked.connect(self.close)

        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.kind_combo.currentIndexChanged.connect(self.apply_filter)
        for edit in (self.machine_edit, self.order_edit, self.search_edit):
            edit.textChanged.connect(self._filter_timer.start)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._selection_changed)
        self.curl_button.clicked.connect(self.copy_curl)
        self.replay_button.clicked.connect(self.replay_selected)
        self.export_button.clicked.connect(self.export)
        self.clear_button.clicked.connect(self.model.clear)
        self._selection_changed()

    # -- entries ---------------------------------------------------------------------

    @property
    def collapsed(self) -> bool:
        return self.widget().isHidden()

    def open_height(self) -> int:
        """The log's height when open (its height before it collapsed, while it is)."""
        return self._open_height if self.collapsed else self.height()

    def set_collapsed(self, collapsed: bool, open_height: int = 0) -> None:
        """Collapse the log to its title strip (the tabs get the room), or open it again
        at the height it had; ``open_height`` sets that height (restored settings)."""
        if collapsed != self.collapsed and collapsed and self.isVisible():
            self._open_height = self.height()
        if open_height > 0:
            self._open_height = open_height
        if collapsed == self.collapsed:
            return
        if collapsed:
            self.widget().hide()
            self.setMaximumHeight(self.titleBarWidget().sizeHint().height())
        else:
            self.setMaximumHeight(QWIDGETSIZE_MAX)
            self.widget().show()
            main = self.parentWidget()
            if isinstance(main, QMainWindow) and self._open_height > 0:
                main.resizeDocks([self], [self._open_height], Qt.Orientation.Vertical)
        self._show_collapsed(collapsed)

    def _show_collapsed(self, collapsed: bool) -> None:
        button = self.collapse_button
        if button.isChecked() != collapsed:
            button.blockSignals(True)
            button.setChecked(collapsed)
            button.blockSignals(False)
        button.setArrowType(Qt.ArrowType.UpArrow if collapsed else Qt.ArrowType.DownArrow)
        button.setToolTip(
            translate("LogPane", "Open the log again")
            if collapsed
            else translate("LogPane", "Collapse the log to this strip")
        )

    def height_for_rows(self, rows: int) -> int:
        """The dock's height when its table shows ``rows`` lines (the filters, actions and
        title around it as they are laid out)."""
        view = self.view
        table = (
            view.horizontalHeader().sizeHint().height()
            + rows * view.verticalHeader().defaultSectionSize()
            + 2 * view.frameWidth()
        )
        return self.sizeHint().height() - self._split.sizeHint().height() + table

    def append(self, entries: list[LogEntry]) -> None:
        self.model.append(entries)
        if self.follow_check.isChecked():
            self.view.scrollToBottom()
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total
        self.count_label.setText(
            translate("LogPane", "{shown:,} of {total:,}").format(shown=shown, total=total)
            if shown != total
            else f"{total:,}"
        )

    @Slot()
    def apply_filter(self) -> None:
        self._filter_timer.stop()
        self.model.set_filter(
            LogFilter(
                kind=str(self.kind_combo.currentData() or ""),
                machine=self.machine_edit.text().strip(),
                order=self.order_edit.text().strip(),
                text=self.search_edit.text().strip().lower(),
            )
        )
        if self.follow_check.isChecked():
            self.view.scrollToBottom()
        self._update_count()

    def focus_search(self) -> None:
        self.show()
        self.raise_()
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    # -- selection and actions ----------------------------------------------------------

    def selected(self) -> LogEntry | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.entry(rows[0].row()) if rows else None

    @Slot()
    @Slot(QItemSelection, QItemSelection)
    def _selection_changed(self, *_: object) -> None:
        e = self.selected()
        self.details.setPlainText("" if e is None else entry_details(e))
        self.curl_button.setEnabled(bool(e and e.curl))
        self.replay_button.setEnabled(bool(e and e.callback_id is not None and self.ws.env))

    @Slot()
    def copy_curl(self) -> None:
        e = self.selected()
        if e is not None and e.curl:
            QGuiApplication.clipboard().setText(e.curl)
            self.ws.post(
                LEVEL_OK, translate("LogPane", "Copied the request as curl (secrets masked).")
            )

    @Slot()
    def replay_selected(self) -> None:
        e = self.selected()
        env = self.ws.env
        if e is None or e.callback_id is None or env is None:
            return
        self.replay_button.setEnabled(False)
        self.ws.submit(
            POOL_API,
            env.ops.replay_callback,
            e.callback_id,
            on_success=self._replayed,
            on_failure=self._replay_failed,
            data=e.callback_id,
        )

    @Slot(object, object)
    def _replayed(self, job: Job, status: int) -> None:
        self._selection_changed()
        self.ws.post(
            LEVEL_OK,
            translate("LogPane", "Callback #{id} replayed: the receiver answered {status}.").format(
                id=job.data, status=status
            ),
        )

    @Slot(object, object)
    def _replay_failed(self, job: Job, exc: BaseException) -> None:
        self._selection_changed()
        self.ws.post(
            LEVEL_ERROR,
            translate("LogPane", "Callback #{id} not replayed: {error}").format(
                id=job.data, error=describe_error(exc)
            ),
        )

    @Slot()
    def export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            translate("LogPane", "Export the log lines shown"),
            "console-log.jsonl",
            translate("LogPane", "JSON Lines (*.jsonl)"),
        )
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        self.export_button.setEnabled(False)
        self.ws.submit(
            POOL_API,
            write_jsonl,
            self.model.shown(),
            path,
            on_success=self._exported,
            on_failure=self._export_failed,
            data=path,
        )

    @Slot(object, object)
    def _exported(self, job: Job, count: int) -> None:
        self.export_button.setEnabled(True)
        self.ws.post(
            LEVEL_OK,
            translate("LogPane", "Exported {count:,} log lines to {path}.").format(
                count=count, path=job.data
            ),
        )

    @Slot(object, object)
    def _export_failed(self, job: Job, exc: BaseException) -> None:
        self.export_button.setEnabled(True)
        self.ws.post(
            LEVEL_ERROR,
            translate("LogPane", "Export to {path} failed: {error}").format(
                path=job.data, error=describe_error(exc)
            ),
        )
