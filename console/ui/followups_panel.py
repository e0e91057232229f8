"""The refund queue: failed dispenses someone still has to resolve.

Refund sends status 2 for the order (after confirmation) and records it on the
follow-up; "Mark refunded" needs the refund reference, "Dismiss" a reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.core.followup import FollowupState
from console.tasks.environment import Environment
from console.tasks.runner import POOL_API, POOL_JOURNAL
from console.ui.dialogs import NoteRequest, Question
from console.ui.models import followup_state_text, followups_model
from console.ui.texts import describe_error, translate
from console.ui.workspace import LEVEL_ERROR, LEVEL_INFO, LEVEL_OK, Job, Workspace

if TYPE_CHECKING:
    from console.journal import FollowupRow
    from console.tasks.operations import FollowupChanged


class FollowupsPanel(QWidget):
    """Signals: ``count_changed(int)`` — how many follow-ups are still active;
    ``order_changed(int, str)`` — a follow-up action on this order (id, machine) finished."""

    count_changed = Signal(int)
    order_changed = Signal(int, str)

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.model = followups_model(self)
        self._busy = False

        layout = QVBoxLayout(self)
        intro = QLabel(
            translate(
                "FollowupsPanel",
                "Dispenses that failed, got no answer or were refused for a paid order: the "
                "customer probably paid and got nothing. Refund them, or dismiss with a reason.",
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.view, 1)

        row = QHBoxLayout()
        self.refund_button = QPushButton(translate("FollowupsPanel", "Move to refund (&2)…"))
        self.refund_button.setToolTip(
            translate("FollowupsPanel", "Set the order to status 2 (refund) and record it here")
        )
        self.resolve_button = QPushButton(translate("FollowupsPanel", "Mark refu&nded…"))
        self.resolve_button.setToolTip(
            translate("FollowupsPanel", "The customer got their money back: note the reference")
        )
        self.dismiss_button = QPushButton(translate("FollowupsPanel", "D&ismiss…"))
        self.dismiss_button.setToolTip(translate("FollowupsPanel", "No refund needed: say why"))
        self.open_button = QPushButton(translate("FollowupsPanel", "Open &order"))
        self.show_all = QCheckBox(translate("FollowupsPanel", "Show closed ones too"))
        for w in (self.refund_button, self.resolve_button, self.dismiss_button, self.open_button):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.show_all)
        layout.addLayout(row)

        self.refund_button.clicked.connect(self.refund)
        self.resolve_button.clicked.connect(self.resolve)
        self.dismiss_button.clicked.connect(self.dismiss)
        self.open_button.clicked.connect(self.open_order)
        self.show_all.toggled.connect(self.reload)
        self.view.selectionModel().selectionChanged.connect(self._update_actions)
        ws.environment_changed.connect(self._environment_changed)
        # journal_changed reaches this panel through the window, coalesced (MainWindow).
        self._update_actions()

    def selected(self) -> FollowupRow | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    @Slot()
    @Slot(QItemSelection, QItemSelection)
    def _update_actions(self, *_: object) -> None:
        f = self.selected()
        state = FollowupState(f.state) if f is not None else None
        idle = not self._busy and self.ws.env is not None
        self.refund_button.setEnabled(idle and state is FollowupState.OPEN)
        self.resolve_button.setEnabled(idle and state is FollowupState.REFUND_REQUESTED)
        self.dismiss_button.setEnabled(idle and state is not None and state.is_active)
        self.open_button.setEnabled(f is not None and self.ws.env is not None)

    @Slot(object)
    def _environment_changed(self, env: Environment | None) -> None:
        self._busy = False
        self.model.set_rows([])
        self.count_changed.emit(0)
        if env is not None:
            self.reload()

    # -- loading -------------------------------------------------------------------------

    @Slot()
    def reload(self) -> None:
        env = self.ws.env
        if env is None:
            return
        self.ws.submit(
            POOL_JOURNAL,
            env.ops.followups,
            self.show_all.isChecked(),
            on_success=self._loaded,
            on_failure=self._load_failed,
        )

    @Slot(object, object)
    def _loaded(self, job: Job, loaded: tuple[list[FollowupRow], int]) -> None:
        if self.ws.stale(job):
            return
        rows, active = loaded
        keep = self.selected()
        self.model.set_rows(rows)
        if keep is not None:
            for i, r in enumerate(rows):
                if r.id == keep.id:
                    self.view.selectRow(i)
        elif rows:
            self.view.selectRow(0)
        self.count_changed.emit(active)
        self._update_actions()

    @Slot(object, object)
    def _load_failed(self, job: Job, exc: BaseException) -> None:
        if not self.ws.stale(job):
            self.ws.post(
                LEVEL_ERROR,
                translate("FollowupsPanel", "Follow-ups not loaded: {error}").format(
                    error=describe_error(exc)
                ),
            )

    # -- actions ---------------------------------------------------------------------------

    @Slot()
    def refund(self) -> None:
        f, env = self.selected(), self.ws.env
        if f is None or env is None or self._busy:
            return
        question = Question(
            title=translate("FollowupsPanel", "Refund order {order}?").format(order=f.order_id),
            text=translate(
                "FollowupsPanel",
                "Set order {order} on machine {machine} to 2 — moved to refund, "
                "for follow-up #{id}?",
            ).format(order=f.order_id, machine=f.machine_no, id=f.id),
            action=translate("FollowupsPanel", "Move to refund"),
            detail=translate(
                "FollowupsPanel",
                "The platform returns the items not yet dispensed to stock and the order can "
                "no longer be dispensed. Then refund the customer through your payment channel "
                "and mark the follow-up refunded.",
            ),
        )
        if not self.ws.confirm(question):
            self.ws.post(LEVEL_INFO, translate("FollowupsPanel", "Nothing was sent."))
            return
        note = self.ws.ask_note(
            NoteRequest(
                title=translate("FollowupsPanel", "Refund order {order}").format(order=f.order_id),
                prompt=translate(
                    "FollowupsPanel", "A note for the record (optional), e.g. who asked for it:"
                ),
                action=translate("FollowupsPanel", "Send status 2"),
                required=False,
            )
        )
        if note is None:
            self.ws.post(LEVEL_INFO, translate("FollowupsPanel", "Nothing was sent."))
            return
        self._start()
        self.ws.submit(
            POOL_API,
            env.ops.refund_followup,
            f.id,
            f.order_id,
            f.machine_no,
            note,
            on_success=self._changed,
            on_failure=self._failed,
            data=f,
        )

    @Slot()
    def resolve(self) -> None:
        f, env = self.selected(), self.ws.env
        if f is None or env is None or self._busy:
            return
        note = self.ws.ask_note(
            NoteRequest(
                title=translate("FollowupsPanel", "Follow-up #{id} refunded").format(id=f.id),
                prompt=translate(
                    "FollowupsPanel",
                    "How was the customer of order {order} refunded? "
                    "(e.g. the payment channel's refund reference)",
                ).format(order=f.order_id),
                action=translate("FollowupsPanel", "Mark refunded"),
            )
        )
        if not note:
            return
        self._start()
        self.ws.submit(
            POOL_JOURNAL,
            env.ops.resolve_followup,
            f.id,
            note,
            on_success=self._changed,
            on_failure=self._failed,
            data=f,
        )

    @Slot()
    def dismiss(self) -> None:
        f, env = self.selected(), self.ws.env
        if f is None or env is None or self._busy:
            return
        reason = self.ws.ask_note(
            NoteRequest(
                title=translate("FollowupsPanel", "Dismiss follow-up #{id}").format(id=f.id),
                prompt=translate("FollowupsPanel", "Why does order {order} need no refund?").format(
                    order=f.order_id
                ),
                action=translate("FollowupsPanel", "Dismiss"),
            )
        )
        if not reason:
            return
        self._start()
        self.ws.submit(
            POOL_JOURNAL,
            env.ops.dismiss_followup,
            f.id,
            reason,
            on_success=self._changed,
            on_failure=self._failed,
            data=f,
        )

    @Slot()
    def open_order(self) -> None:
        f = self.selected()
        if f is not None:
            self.ws.order_requested.emit(f.order_id, f.machine_no)

    def _start(self) -> None:
        self._busy = True
        self._update_actions()

    @Slot(object, object)
    def _changed(self, job: Job, changed: FollowupChanged) -> None:
        if self.ws.stale(job):
            return
        self._busy = False
        row = changed.row
        text = translate(
            "FollowupsPanel", "Follow-up #{id} (order {order}) is now {state}."
        ).format(id=row.id, order=row.order_id, state=followup_state_text(row))
        if changed.action_id is not None:
            text += translate(
                "FollowupsPanel", " Order {order} was set to 2 — moved to refund."
            ).format(order=row.order_id)
        self.ws.post(LEVEL_OK, text)
        self.ws.journal_changed.emit()
        self.order_changed.emit(row.order_id, row.machine_no)

    @Slot(object, object)
    def _failed(self, job: Job, exc: BaseException) -> None:
        if self.ws.stale(job):
            return
        self._busy = False
        self._update_actions()
        f: FollowupRow = job.data
        self.ws.post(
            LEVEL_ERROR,
            translate("FollowupsPanel", "Follow-up #{id} unchanged: {error}").format(
                id=f.id, error=describe_error(exc, write=True)
            ),
        )
        self.ws.journal_changed.emit()
        self.order_changed.emit(f.order_id, f.machine_no)  # a refund may have arrived anyway
