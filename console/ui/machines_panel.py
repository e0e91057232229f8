"""The merchant's machines: a filterable list from the platform, or a number typed in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QSortFilterProxyModel, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.core.rules import BadInput, check_machine_no
from console.tasks.environment import Environment
from console.tasks.runner import POOL_API
from console.ui.models import machines_model
from console.ui.texts import describe_error, translate
from console.ui.workspace import LEVEL_ERROR, LEVEL_INFO, LEVEL_WARN, Job, Workspace

if TYPE_CHECKING:
    from console.core.models import Machine

ADDRESS_COLUMN = 3  # Name, Number, State, Address (console.ui.models)


class MachinesPanel(QGroupBox):
    """Signals: ``machine_chosen(str)`` — the machine number the order panel works on."""

    machine_chosen = Signal(str)

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(translate("MachinesPanel", "Machines"), parent)
        self.ws = ws
        self.model = machines_model(self)
        self.proxy = QSortFilterProxyModel(self)  # a small list: a proxy is fine here
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(translate("MachinesPanel", "name, number, address…"))
        self.filter_edit.setClearButtonEnabled(True)
        filter_label = QLabel(translate("MachinesPanel", "F&ilter:"))
        filter_label.setBuddy(self.filter_edit)
        self.refresh_button = QPushButton(translate("MachinesPanel", "Refresh &machines"))
        self.refresh_button.setToolTip(
            translate("MachinesPanel", "Load the machine list from the platform again (F5)")
        )
        top.addWidget(filter_label)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.refresh_button)
        layout.addLayout(top)

        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setTabKeyNavigation(False)  # Tab leaves the table, Ctrl+Tab changes tabs
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The address takes what is left, elided (its tooltip holds all of it): the list
        # fits its pane without a sideways scroll.
        header.setSectionResizeMode(ADDRESS_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setWordWrap(False)
        layout.addWidget(self.view, 1)

        manual = QHBoxLayout()
        self.number_edit = QLineEdit()
        self.number_edit.setPlaceholderText(translate("MachinesPanel", "8 digits, e.g. 16327129"))
        self.number_edit.setMaxLength(20)
        number_label = QLabel(translate("MachinesPanel", "Machine &no.:"))
        number_label.setBuddy(self.number_edit)
        self.use_button = QPushButton(translate("MachinesPanel", "&Use"))
        self.use_button.setToolTip(
            translate("MachinesPanel", "Work on the machine with this number")
        )
        manual.addWidget(number_label)
        manual.addWidget(self.number_edit, 1)
        manual.addWidget(self.use_button)
        layout.addLayout(manual)
        self.note_label = QLabel()
        self.note_label.setTextFormat(Qt.TextFormat.PlainText)  # may quote an HTML error page
        self.note_label.setWordWrap(True)
        layout.addWidget(self.note_label)

        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.refresh_button.clicked.connect(self.refresh)
        self.use_button.clicked.connect(self.use_typed_number)
        self.number_edit.returnPressed.connect(self.use_typed_number)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        ws.environment_changed.connect(self._environment_changed)
        self._loading = False
        self._update()

    def _update(self) -> None:
        ready = self.ws.env is not None
        self.refresh_button.setEnabled(ready and not self._loading)
        self.use_button.setEnabled(ready)

    @Slot(object)
    def _environment_changed(self, env: Environment | None) -> None:
        self.model.set_rows([])
        self.note_label.clear()
        self._loading = False
        self._update()
        if env is not None:
            self.refresh()

    @Slot()
    def refresh(self) -> None:
        env = self.ws.env
        if env is None or self._loading:
            return
        self._loading = True
        self._update()
        self.note_label.setText(translate("MachinesPanel", "Loading machines…"))
        self.ws.submit(
            POOL_API,
            env.ops.machines,
            on_success=self._loaded,
            on_failure=self._failed,
        )

    @Slot(object, object)
    def _loaded(self, job: Job, machines: list[Machine]) -> None:
        if self.ws.stale(job):
            return
        self._loading = False
        self._update()
        self.model.set_rows(machines)
        offline = sum(not m.is_online for m in machines)
        if offline:
            text = translate("MachinesPanel", "{count} machines, {offline} offline.")
        else:
            text = translate("MachinesPanel", "{count} machines.")
        self.note_label.setText(text.format(count=len(machines), offline=offline))

    @Slot(object, object)
    def _failed(self, job: Job, exc: BaseException) -> None:
        if self.ws.stale(job):
            return
        self._loading = False
        self._update()
        text = translate("MachinesPanel", "Machines not loaded: {error}").format(
            error=describe_error(exc)
        )
        self.note_label.setText(text)
        self.ws.post(LEVEL_ERROR, text)

    @Slot(QItemSelection, QItemSelection)
    def _selection_changed(self, *_: object) -> None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return
        machine = self.model.row_at(self.proxy.mapToSource(rows[0]).row())
        if machine is not None:
            if not machine.is_online:
                self.ws.post(
                    LEVEL_WARN,
                    translate("MachinesPanel", "Machine {machine} is offline.").format(
                        machine=machine.machine_no
                    ),
                )
            self.machine_chosen.emit(machine.machine_no)

    @Slot()
    def use_typed_number(self) -> None:
        typed = self.number_edit.text().strip()
        try:
            checked = check_machine_no(typed)
        except BadInput:
            text = translate(
                "MachinesPanel",
                "“{typed}” is not a machine number: it has 8 digits, e.g. 16327129.",
            ).format(typed=typed)
            self.note_label.setText(text)
            self.ws.post(LEVEL_ERROR, text)
            return
        if checked.warning:
            warning = translate(
                "MachinesPanel",
                "Machine number {machine} has {digits} digits; only special merchants have "
                "numbers longer than 8. Using it anyway.",
            ).format(machine=checked.value, digits=len(checked.value))
            self.note_label.setText(warning)
            self.ws.post(LEVEL_WARN, warning)
        else:
            text = translate("MachinesPanel", "Working on machine {machine}.").format(
                machine=checked.value
            )
            self.note_label.setText(text)
            self.ws.post(LEVEL_INFO, text)
        self.view.clearSelection()
        self.machine_chosen.emit(checked.value)

    def machine(self, machine_no: str) -> Machine | None:
        return next((m for m in self.model.rows if m.machine_no == machine_no), None)
