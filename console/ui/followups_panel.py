"""The refund queue: failed dispenses someone still has to resolve.

Each follow-up shows what staff need to refund (amount, trade id, machine, slot,
product, when paid), what happened and the evidence, who changed it last; below
the list, every step of the selected one with who did it and when.
"Refund customer…" sends status 2 for the order (after a confirmation naming
all of that; a stronger one when the item may have dropped) and records it on
the follow-up; "Mark refunded…" needs the refund reference, "Dismiss…" a reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.core.followup import NOTE, REASON_UNKNOWN, FollowupState, refund_allowed, stored_text
from console.tasks.environment import Environment
from console.tasks.runner import POOL_API, POOL_JOURNAL
from console.ui.dialogs import NoteRequest, Question
from console.ui.models import (
    FOLLOWUP_MEANING_COLUMN,
    FOLLOWUP_STATE_WORDS,
    actor_text,
    followup_product_text,
    followup_state_text,
    followups_model,
    local_time_text,
)
from console.ui.texts import QT_TRANSLATE_NOOP, describe_error, render, translate
from console.ui.workspace import LEVEL_ERROR, LEVEL_INFO, LEVEL_OK, Job, Workspace

if TYPE_CHECKING:
    from console.journal import FollowupEventRow, FollowupRow
    from console.tasks.operations import FollowupChanged

# A step in a follow-up's history (besides the states): "opened", "note".
EVENT_WORDS: dict[str, str] = {
    "opened": QT_TRANSLATE_NOOP("FollowupsPanel", "opened"),
    "note": QT_TRANSLATE_NOOP("FollowupsPanel", "note"),
}


def event_text(e: FollowupEventRow) -> str:
    """One line of a follow-up's history: when, who, what, and the note."""
    words = EVENT_WORDS.get(e.event) or FOLLOWUP_STATE_WORDS.get(e.event)
    what = (
        translate("FollowupsPanel" if e.event in EVENT_WORDS else "models", words)
        if words
        else e.event.replace("_", " ")
    )
    line = translate("FollowupsPanel", "{when}  {who}: {what}").format(
        when=local_time_text(e.ts_iso), who=actor_text(e.actor), what=what
    )
    if not e.note:
        return line
    # The journal's own notes are worded again; a person's note is shown as written.
    return translate("FollowupsPanel", "{line} — {note}").format(
        line=line, note=render(stored_text(e.note, NOTE))
    )


def refund_question(f: FollowupRow) -> Question:
    """The confirmation before a refund: what, for whom, where; when the result is unknown,
    that the item MAY HAVE DROPPED and the machine and customer are to be checked first."""
    what = translate(
        "FollowupsPanel",
        "Amount: {amount}\nTrade id: {trade}\nOrder: {order} (record {record})\n"
        "Machine: {machine}\nSlot: {slot}\nProduct: {product}\nPaid on (platform date): {date}",
    ).format(
        amount=f.amount or "?",
        trade=f.trade_id or "?",
        order=f.order_id,
        record=f.record_id if f.record_id is not None else "?",
        machine=f.machine_no or "?",
        slot=f.slot or "?",
        product=followup_product_text(f),
        date=f.order_date or "?",
    )
    detail = translate(
        "FollowupsPanel",
        "The order is set to 2 — moved to refund on the platform: the items not yet "
        "dispensed go back to stock and the order can no longer be dispensed. Then pay the "
        "customer back through your payment channel and mark the follow-up refunded.",
    )
    if f.reason == REASON_UNKNOWN:
        return Question(
            title=translate(
                "FollowupsPanel", "The item MAY HAVE DROPPED — refund order {order} anyway?"
            ).format(order=f.order_id),
            text=translate(
                "FollowupsPanel",
                "No result came for this dispense and the platform could not say what "
                "happened: the item MAY HAVE DROPPED. Check the machine's slot and ask the "
                "customer first; refund only if the item did not come out.",
            )
            + "\n\n"
            + what,
            action=translate("FollowupsPanel", "Refund anyway"),
            detail=detail,
        )
    return Question(
        title=translate("FollowupsPanel", "Refund the customer of order {order}?").format(
            order=f.order_id
        ),
        text=translate("FollowupsPanel", "Refund this customer (follow-up #{id})?").format(id=f.id)
        + "\n\n"
        + what,
        action=translate("FollowupsPanel", "Refund customer"),
        detail=detail,
    )


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
        self.view.setTabKeyNavigation(False)  # Tab leaves the table, Ctrl+Tab changes tabs
        self.view.setAccessibleName(translate("FollowupsPanel", "Follow-ups"))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        # The fault's long text is cut (the tooltip and the history below hold it all):
        # the state and evidence stay in sight on a small screen.
        header.setSectionResizeMode(FOLLOWUP_MEANING_COLUMN, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(
            FOLLOWUP_MEANING_COLUMN, 30 * self.view.fontMetrics().averageCharWidth()
        )
        self.view.setWordWrap(False)
        # Every step of the selected follow-up, with who did it and when.
        self.events_view = QPlainTextEdit()
        self.events_view.setReadOnly(True)
        self.events_view.setPlaceholderText(
            translate("FollowupsPanel", "Select a follow-up to see every step, who and when.")
        )
        self.events_view.setAccessibleName(translate("FollowupsPanel", "Follow-up history"))
        split = QSplitter(Qt.Orientation.Vertical)
        split.setObjectName("followups_splitter")
        split.addWidget(self.view)
        split.addWidget(self.events_view)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout.addWidget(split, 1)

        row = QHBoxLayout()
        self.refund_button = QPushButton(translate("FollowupsPanel", "Refund custo&mer…"))
        self.refund_button.setToolTip(
            translate(
                "FollowupsPanel",
                "Move the order to refund on the platform (status 2) and record it here; "
                "then pay the customer back and mark it refunded",
            )
        )
        self.resolve_button = QPushButton(translate("FollowupsPanel", "Mark refu&nded…"))
        self.resolve_button.setToolTip(
            translate("FollowupsPanel", "The customer got their money back: note the reference")
        )
        self.dismiss_button = QPushButton(translate("FollowupsPanel", "D&ismiss…"))
        self.dismiss_button.setToolTip(translate("FollowupsPanel", "No refund needed: say why"))
        self.open_button = QPushButton(translate("FollowupsPanel", "Open &order"))
        self.show_all = QCheckBox(translate("FollowupsPanel", "Show c&losed ones too"))
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
        self.view.selectionModel().selectionChanged.connect(self._load_events)
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
        # A suspicious failure callback is never a reason to refund (core.followup).
        self.refund_button.setEnabled(
            idle and state is FollowupState.OPEN and f is not None and refund_allowed(f.reason)
        )
        self.resolve_button.setEnabled(idle and state is FollowupState.REFUND_REQUESTED)
        self.dismiss_button.setEnabled(idle and state is not None and state.is_active)
        self.open_button.setEnabled(f is not None and self.ws.env is not None)

    def retranslate(self) -> None:
        """The chosen follow-up's history in the language installed now (the window re-sets
        the other texts; the table re-reads its cells)."""
        self._load_events()

    @Slot()
    @Slot(QItemSelection, QItemSelection)
    def _load_events(self, *_: object) -> None:
        f, env = self.selected(), self.ws.env
        if f is None or env is None:
            self.events_view.clear()
            return
        self.ws.submit(
            POOL_JOURNAL,
            env.journal.followup_events,
            f.id,
            on_success=self._events_loaded,
            on_failure=self._load_failed,
            data=f,
        )

    @Slot(object, object)
    def _events_loaded(self, job: Job, events: list[FollowupEventRow]) -> None:
        f = self.selected()
        if self.ws.stale(job) or f is None or f.id != job.data.id:
            return
        self.events_view.setPlainText("\n".join(event_text(e) for e in events))

    @Slot(object)
    def _environment_changed(self, env: Environment | None) -> None:
        self._busy = False
        self.events_view.clear()
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
        self._load_events()

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
        may_have_dropped = f.reason == REASON_UNKNOWN
        if not self.ws.confirm(refund_question(f)):
            self.ws.post(LEVEL_INFO, translate("FollowupsPanel", "Nothing was sent."))
            return
        if may_have_dropped:
            # The stronger confirmation: staff say what they checked before any refund.
            request = NoteRequest(
                title=translate("FollowupsPanel", "Refund order {order}").format(order=f.order_id),
                prompt=translate(
                    "FollowupsPanel",
                    "The item may have dropped. What did you check? (e.g. slot {slot} still "
                    "holds it; the customer says nothing came out)",
                ).format(slot=f.slot or "?"),
                action=translate("FollowupsPanel", "Refund customer"),
                required=True,
            )
        else:
            request = NoteRequest(
                title=translate("FollowupsPanel", "Refund order {order}").format(order=f.order_id),
                prompt=translate(
                    "FollowupsPanel", "A note for the record (optional), e.g. who asked for it:"
                ),
                action=translate("FollowupsPanel", "Refund customer"),
                required=False,
            )
        note = self.ws.ask_note(request)
        if note is None or (may_have_dropped and not note.strip()):
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
