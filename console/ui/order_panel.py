"""The order panel: open an order, set its status, dispense its records, watch the window.

Each action disables its control until its answer is back (a second click
never sends a second request); writes are confirmed first when they return
stock or drop an item; every outcome shows here, in the status bar and in the
log pane.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, Qt, QTimer, Slot
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.core.rules import BadInput, check_id
from console.core.status import (
    ASK,
    LAST_PENDING,
    WHY_ALL_DISPENSED,
    WHY_CLOSED,
    WHY_NOT_PAID,
    WHY_NOTHING_LEFT,
    WHY_PAYMENT_FAILED,
    WHY_REFUNDED,
    WHY_REVOKED,
    WHY_UNKNOWN_STATUS,
    DispenseDecision,
    OrderStatus,
    dispense_decision,
    status_from_query_text,
)
from console.tasks.environment import Environment
from console.tasks.runner import POOL_API, POOL_JOURNAL
from console.ui.dialogs import Question
from console.ui.icons import IconLine
from console.ui.models import RecordRow, recent_orders_model, records_model
from console.ui.steady import SteadyBox
from console.ui.texts import (
    QT_TRANSLATE_NOOP,
    describe_error,
    is_older_than_window,
    join,
    order_status_text,
    platform_date_text,
    product_text,
    render,
    status_item_text,
    translate,
    window_text,
)
from console.ui.workspace import LEVEL_ERROR, LEVEL_INFO, LEVEL_OK, LEVEL_WARN, Job, Workspace

if TYPE_CHECKING:
    from console.core.models import Delivery, Machine, Product
    from console.dispensing.engine import DispenseProgress, DispenseReport
    from console.journal import LastDispense, OrderSummary
    from console.tasks.operations import (
        OrderCreated,
        OrderView,
        ProductsLoaded,
        StatusChanged,
    )

# (background, text) colour of a message by level; info keeps the window's own.
MESSAGE_COLOURS = {
    LEVEL_OK: ("#e8f5e9", "#1b5e20"),
    LEVEL_WARN: ("#fff8e1", "#6d4c00"),
    LEVEL_ERROR: ("#ffebee", "#b71c1c"),
}
MESSAGE_STYLES = {LEVEL_INFO: ""} | {
    level: f"background:{bg}; color:{fg}; padding:4px;"
    for level, (bg, fg) in MESSAGE_COLOURS.items()
}
LOCK_STYLE = "background:#fff3e0; color:#e65100; font-weight:bold; padding:4px;"

STATUS_CONSEQUENCES: dict[OrderStatus, tuple[str, str]] = {
    OrderStatus.REFUND: (
        QT_TRANSLATE_NOOP("OrderPanel", "Move to refund"),
        QT_TRANSLATE_NOOP(
            "OrderPanel",
            "The platform returns the items not yet dispensed to stock and the order can no "
            "longer be dispensed. Refund the customer through your payment channel.",
        ),
    ),
    OrderStatus.CLOSED: (
        QT_TRANSLATE_NOOP("OrderPanel", "Close the order"),
        QT_TRANSLATE_NOOP(
            "OrderPanel",
            "The items go back to stock and the order can no longer be paid or dispensed. "
            "Closing by hand sends no callback.",
        ),
    ),
    OrderStatus.REVOKED: (
        QT_TRANSLATE_NOOP("OrderPanel", "Revoke the payment"),
        QT_TRANSLATE_NOOP(
            "OrderPanel",
            "The payment-code payment is revoked, the items go back to stock and the order "
            "can no longer be dispensed.",
        ),
    ),
    OrderStatus.FAILED: (
        QT_TRANSLATE_NOOP("OrderPanel", "Mark payment failed"),
        QT_TRANSLATE_NOOP(
            "OrderPanel",
            "The payment is recorded as failed, the items go back to stock and the order can "
            "no longer be dispensed.",
        ),
    ),
}


# What the 20-minute window's line says instead of a countdown when nothing can be
# dispensed any more (console.core.status.dispense_decision says why).
NOTHING_TO_DISPENSE: dict[str, str] = {
    WHY_NOT_PAID: QT_TRANSLATE_NOOP("OrderPanel", "not paid yet: nothing to dispense yet"),
    WHY_REFUNDED: QT_TRANSLATE_NOOP("OrderPanel", "moved to refund: nothing to dispense"),
    WHY_CLOSED: QT_TRANSLATE_NOOP("OrderPanel", "closed: nothing to dispense"),
    WHY_REVOKED: QT_TRANSLATE_NOOP("OrderPanel", "revoked: nothing to dispense"),
    WHY_PAYMENT_FAILED: QT_TRANSLATE_NOOP("OrderPanel", "payment failed: nothing to dispense"),
    WHY_UNKNOWN_STATUS: QT_TRANSLATE_NOOP(
        "OrderPanel", "not paid or pickup-code: nothing can be dispensed"
    ),
    WHY_ALL_DISPENSED: QT_TRANSLATE_NOOP(
        "OrderPanel", "all records dispensed: nothing left to dispense"
    ),
    WHY_NOTHING_LEFT: QT_TRANSLATE_NOOP("OrderPanel", "no record left to dispense"),
}


def _when(epoch: float) -> str:
    """A moment on this computer's clock, said to be local."""
    return translate("OrderPanel", "{when} local time").format(
        when=time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(epoch))
    )


class NewOrderDialog(QDialog):
    """Pick a product in stock and a quantity for a new (unpaid) order."""

    def __init__(self, parent: QWidget | None, machine_no: str, products: list[Product]) -> None:
        super().__init__(parent)
        self.setWindowTitle(
            translate("NewOrderDialog", "New order on machine {machine}").format(machine=machine_no)
        )
        layout = QVBoxLayout(self)
        intro = QLabel(
            translate(
                "NewOrderDialog",
                "The platform creates an unpaid order and reserves its stock until it is paid, "
                "closed or expires (20 minutes). Its dispense results come to this console.",
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.product_combo = QComboBox()
        for p in products:
            if p.current_inventory > 0:
                text = translate(
                    "NewOrderDialog", "{slot} · {product} · id {id} · {price} · {stock} left"
                ).format(
                    slot=p.channel.name,
                    product=p.name,
                    id=p.id,
                    price=p.price,
                    stock=p.current_inventory,
                )
                self.product_combo.addItem(text, p)
        self.quantity = QSpinBox()
        self.quantity.setRange(1, 1)
        form.addRow(translate("NewOrderDialog", "&Product:"), self.product_combo)
        form.addRow(translate("NewOrderDialog", "&Quantity:"), self.quantity)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = buttons.addButton(
            translate("NewOrderDialog", "&Create order"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.product_combo.currentIndexChanged.connect(self._product_changed)
        self._product_changed()

    @Slot()
    def _product_changed(self) -> None:
        product = self.product()
        self.quantity.setRange(1, max(1, product.current_inventory if product else 1))
        self.create_button.setEnabled(product is not None)

    def product(self) -> Product | None:
        from console.core.models import Product

        data = self.product_combo.currentData()
        return data if isinstance(data, Product) else None


def colour_message(label: QLabel, level: str) -> None:
    """Colour a message label by level through its palette: unlike a style sheet, which
    re-polishes and re-lays-out, a palette change only repaints the label."""
    if label.property("message_level") == level:
        return
    label.setProperty("message_level", level)
    colours = MESSAGE_COLOURS.get(level)
    parent = label.parentWidget()
    palette = QPalette(parent.palette() if parent is not None else QPalette())
    if colours is not None:
        palette.setColor(QPalette.ColorRole.Window, QColor(colours[0]))
        palette.setColor(QPalette.ColorRole.WindowText, QColor(colours[1]))
    label.setAutoFillBackground(colours is not None)
    label.setPalette(palette)


class OrderPanel(QWidget):
    """The open order of the chosen machine, and what can be done with it."""

    def __init__(
        self,
        ws: Workspace,
        machine_lookup: Callable[[str], Machine | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ws = ws
        self.machine_lookup = machine_lookup
        self.machine_no = ""
        self.view: OrderView | None = None
        self.products: dict[int, Product] = {}
        self._products_for = ""
        self._opening = False
        self._writing = ""  # which write is running: "status", "dispense", "create"
        self._reload_again = False  # the order changed while it was being read: read it again
        self._querying = False
        self._opened_id = ""  # the order id last opened (or tried), as put in the id box
        self.now: Callable[[], float] = time.time
        self._build()
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._tick)
        ws.environment_changed.connect(self._environment_changed)
        self._update_actions()

    # -- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)  # small screens: every line here costs the records table
        top = QHBoxLayout()
        self.order_edit = QLineEdit()
        self.order_edit.setPlaceholderText(translate("OrderPanel", "order id (Ctrl+L)"))
        self.order_edit.setMaxLength(18)  # ids stay below 2**63 (the journal stores them)
        # Room for a whole id (18 digits) and the placeholder; never squeezed below it.
        digits = self.order_edit.fontMetrics().horizontalAdvance("0" * 19)
        self.order_edit.setMinimumWidth(digits)
        order_label = QLabel(translate("OrderPanel", "&Order id:"))
        order_label.setBuddy(self.order_edit)
        self.open_button = QPushButton(translate("OrderPanel", "O&pen"))
        self.open_button.setToolTip(
            translate("OrderPanel", "Look the order up on the platform (Enter)")
        )
        self.recent_model = recent_orders_model(self)
        self.recent_combo = QComboBox()
        self.recent_combo.setModel(self.recent_model)
        self.recent_combo.setPlaceholderText(translate("OrderPanel", "recent orders"))
        self.recent_combo.setMinimumContentsLength(12)  # grows with the window
        self.recent_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        recent_label = QLabel(translate("OrderPanel", "Rec&ent:"))
        recent_label.setBuddy(self.recent_combo)
        self.new_button = QPushButton(translate("OrderPanel", "Ne&w order…"))
        self.new_button.setToolTip(
            translate("OrderPanel", "Create an unpaid order on this machine")
        )
        top.addWidget(order_label)
        top.addWidget(self.order_edit)
        top.addWidget(self.open_button)
        top.addSpacing(12)
        top.addWidget(recent_label)
        top.addWidget(self.recent_combo, 1)
        top.addWidget(self.new_button)
        layout.addLayout(top)

        self.machine_label = QLabel()
        self.machine_label.setTextFormat(Qt.TextFormat.RichText)  # platform text is escaped
        self.machine_label.setWordWrap(True)
        layout.addWidget(self.machine_label)

        self.details_box = QGroupBox(translate("OrderPanel", "Order"))
        form = QGridLayout(self.details_box)
        self.trade_label = QLabel("—")
        self.amount_label = QLabel("—")
        self.date_label = QLabel("—")
        self.status_label = QLabel("—")
        self.window_label = QLabel("—")
        self.window_label.setWordWrap(True)
        for label in (self.trade_label, self.amount_label, self.date_label, self.status_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setTextFormat(Qt.TextFormat.PlainText)
        # Two pairs a line, the window below: narrow enough for the machine list beside
        # it at 1024 px, short enough for the records table to keep its rows.
        for i, (caption, label) in enumerate(
            (
                (translate("OrderPanel", "Trade id:"), self.trade_label),
                (translate("OrderPanel", "Amount:"), self.amount_label),
                (translate("OrderPanel", "Date:"), self.date_label),
                (translate("OrderPanel", "Status:"), self.status_label),
            )
        ):
            form.addWidget(QLabel(caption), i // 2, (i % 2) * 2)
            form.addWidget(label, i // 2, (i % 2) * 2 + 1)
        # The countdown changes every second: held steady, it does not re-lay-out the window.
        form.addWidget(QLabel(translate("OrderPanel", "20-minute window:")), 2, 0)
        form.addWidget(SteadyBox(self.window_label), 2, 1, 1, 3)
        form.setColumnStretch(1, 1)
        form.setColumnStretch(3, 1)
        form.setContentsMargins(6, 4, 6, 4)
        form.setVerticalSpacing(2)
        layout.addWidget(self.details_box)

        self.records = records_model(self)
        self.records_view = QTableView()
        self.records_view.setModel(self.records)
        self.records_view.setTabKeyNavigation(False)  # Tab leaves the table, Ctrl+Tab changes tabs
        self.records_view.setAccessibleName(translate("OrderPanel", "Records of the order"))
        self.records_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.records_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.records_view.verticalHeader().hide()
        self.records_view.verticalHeader().setDefaultSectionSize(
            self.records_view.fontMetrics().height() + 8
        )
        self.records_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.records_view.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.records_view, 1)

        status_row = QHBoxLayout()
        self.status_combo = QComboBox()
        # An order's status that is not one to set (e.g. NOTPAY) is shown as a first item.
        self._status_now_item = False
        for status in OrderStatus:
            self.status_combo.addItem(status_item_text(status), int(status))
        self.status_combo.setPlaceholderText(translate("OrderPanel", "choose a status"))
        # Narrower than its longest choice when the window is (the list shows them whole).
        self.status_combo.setMinimumContentsLength(16)
        self.status_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        status_label = QLabel(translate("OrderPanel", "S&tatus:"))
        status_label.setBuddy(self.status_combo)
        self.apply_button = QPushButton(translate("OrderPanel", "&Apply"))
        self.apply_button.setToolTip(
            translate("OrderPanel", "Send the chosen status to the platform (Ctrl+Enter)")
        )
        status_row.addWidget(status_label)
        status_row.addWidget(self.status_combo, 1)
        status_row.addWidget(self.apply_button)
        layout.addLayout(status_row)

        dispense_row = QHBoxLayout()
        self.dispense_button = QPushButton(translate("OrderPanel", "&Dispense selected"))
        self.dispense_button.setToolTip(
            translate("OrderPanel", "Drop the selected record's item (asks first)")
        )
        self.dispense_all_button = QPushButton(translate("OrderPanel", "Dispense a&ll"))
        self.dispense_all_button.setToolTip(
            translate(
                "OrderPanel", "Drop every record not yet picked up, one after another (asks first)"
            )
        )
        self.query_button = QPushButton(translate("OrderPanel", "&Query dispense"))
        self.query_button.setToolTip(
            translate("OrderPanel", "Ask the platform for the selected record's last dispense")
        )
        for b in (self.dispense_button, self.dispense_all_button, self.query_button):
            dispense_row.addWidget(b)
        dispense_row.addStretch(1)
        layout.addLayout(dispense_row)

        self.lock_label = IconLine("lock", LOCK_STYLE)
        self.lock_label.hide()
        layout.addWidget(self.lock_label)
        self.message_label = QLabel()
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)  # may quote an HTML error page
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.setContentsMargins(4, 4, 4, 4)
        # Messages change with every action: held steady, they do not re-lay-out the window.
        layout.addWidget(SteadyBox(self.message_label, lines=2))

        self.open_button.clicked.connect(self.open_typed_order)
        self.order_edit.returnPressed.connect(self.open_typed_order)
        self.order_edit.textChanged.connect(self._update_actions)
        self.recent_combo.activated.connect(self._recent_chosen)
        self.new_button.clicked.connect(self.new_order)
        self.status_combo.currentIndexChanged.connect(self._update_actions)
        self.apply_button.clicked.connect(self.apply_status)
        self.dispense_button.clicked.connect(self.dispense_selected)
        self.dispense_all_button.clicked.connect(self.dispense_all)
        self.query_button.clicked.connect(self.query_dispense)
        self.records_view.selectionModel().selectionChanged.connect(self._records_selected)

    def tab_chain(self) -> list[QWidget]:
        """The widgets in the order the work goes, for the window's tab order."""
        return [
            self.order_edit,
            self.open_button,
            self.recent_combo,
            self.new_button,
            self.records_view,
            self.status_combo,
            self.apply_button,
            self.dispense_button,
            self.dispense_all_button,
            self.query_button,
        ]

    # -- state ---------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """Whether an order action is running (its controls are disabled)."""
        return bool(self._writing or self._opening or self._querying)

    @property
    def products_ready(self) -> bool:
        return bool(self.machine_no) and self._products_for == self.machine_no

    def show_message(self, level: str, text: str) -> None:
        colour_message(self.message_label, level)
        self.message_label.setText(text)
        self.ws.post(level, text)

    def _clear_message(self) -> None:
        self.message_label.clear()
        colour_message(self.message_label, LEVEL_INFO)

    def selected_record(self) -> RecordRow | None:
        rows = self.records_view.selectionModel().selectedRows()
        return self.records.row_at(rows[0].row()) if rows else None

    @Slot()
    @Slot(QItemSelection, QItemSelection)
    def _records_selected(self, *_: object) -> None:
        self._update_actions()

    @Slot()
    def _update_actions(self) -> None:
        env_ready = self.ws.env is not None
        has_machine = env_ready and bool(self.machine_no)
        view = self.view
        idle = not self._writing
        self.open_button.setEnabled(
            has_machine and not self._opening and bool(self.order_edit.text().strip())
        )
        self.recent_combo.setEnabled(env_ready and not self._opening)
        self.new_button.setEnabled(has_machine and idle and self.products_ready)
        # While the order reloads (after every write) its view is stale: no write from it.
        loaded = view is not None and env_ready and not self._opening
        self.status_combo.setEnabled(loaded and idle)
        chosen = self.chosen_status()
        self.apply_button.setEnabled(
            loaded and idle and chosen is not None and chosen is not self._current_status()
        )
        # One rule says which records may be sent (some only after a question).
        decision = self.decision()
        remaining = decision.remaining if decision is not None and loaded else []
        selected = self.selected_record()
        can_drop = selected is not None and selected.record.id in remaining
        self.dispense_button.setEnabled(idle and can_drop)
        self.dispense_all_button.setEnabled(idle and bool(remaining))
        self.query_button.setEnabled(
            loaded and not self._querying and selected is not None and selected.delivery_id > 0
        )

    def decision(self) -> DispenseDecision | None:
        """Whether the shown order, and each record, can be dispensed now, and if not why."""
        view = self.view
        if view is None:
            return None
        return dispense_decision(
            view.order.status,
            [(r.id, r.status) for r in view.order.records],
            {rid: last.state for rid, last in view.last_dispenses.items()},
        )

    def _remaining(self) -> list[int]:
        decision = self.decision()
        return decision.remaining if decision is not None else []

    @Slot(object)
    def _environment_changed(self, env: Environment | None) -> None:
        self.machine_no = ""
        self.products = {}
        self._products_for = ""
        self._opening = False
        self._reload_again = False
        self._writing = ""
        self._querying = False
        self.lock_label.hide()
        self._clear_message()
        self._show_view(None)
        self.recent_model.set_rows([])
        self._show_machine()
        if env is not None:
            self.reload_recent()

    # -- machine ---------------------------------------------------------------------------

    @Slot(str)
    def set_machine(self, machine_no: str) -> None:
        if machine_no == self.machine_no:
            return
        self.machine_no = machine_no
        if self.view is None or self.view.machine_no != machine_no:
            # Nothing of the previous machine's order stays: its id, its message, its panel.
            self._show_view(None)
            if self.order_edit.text().strip() == self._opened_id:  # not one typed since
                self.order_edit.clear()
            self._clear_message()
        self._show_machine()
        self._load_products()
        self._update_actions()

    def _show_machine(self) -> None:
        if not self.machine_no:
            self.machine_label.setText(
                translate(
                    "OrderPanel", "No machine chosen: pick one in the list or type its number."
                )
            )
            return
        machine = self.machine_lookup(self.machine_no)
        if machine is None:
            self.machine_label.setText(
                translate("OrderPanel", "Machine <b>{machine}</b>").format(
                    machine=escape(self.machine_no)
                )
            )
            return
        state = (
            translate("OrderPanel", "online")
            if machine.is_online
            else "<span style='color:#b71c1c'>" + translate("OrderPanel", "OFFLINE") + "</span>"
        )
        self.machine_label.setText(
            translate("OrderPanel", "Machine <b>{machine}</b> — {name} ({state})").format(
                machine=escape(machine.machine_no), name=escape(machine.machine_name), state=state
            )
        )

    def _load_products(self) -> None:
        env = self.ws.env
        if env is None or not self.machine_no:
            return
        self.ws.submit(
            POOL_API,
            env.ops.products,
            self.machine_no,
            on_success=self._products_loaded,
            on_failure=self._products_failed,
        )

    @Slot(object, object)
    def _products_loaded(self, job: Job, loaded: ProductsLoaded) -> None:
        if self.ws.stale(job) or loaded.machine_no != self.machine_no:
            return
        self.products = {p.id: p for p in loaded.products}
        self._products_for = loaded.machine_no
        if self.view is not None:
            self._show_records(self.view)
        self._update_actions()

    @Slot(object, object)
    def _products_failed(self, job: Job, exc: BaseException) -> None:
        if not self.ws.stale(job):
            self.ws.post(
                LEVEL_WARN,
                translate("OrderPanel", "Products not loaded (names stay unknown): {error}").format(
                    error=describe_error(exc)
                ),
            )

    # -- recent orders -------------------------------------------------------------------

    def reload_recent(self) -> None:
        env = self.ws.env
        if env is None:
            return
        self.ws.submit(POOL_JOURNAL, env.journal.recent_orders, 50, on_success=self._recent_loaded)

    @Slot(object, object)
    def _recent_loaded(self, job: Job, orders: list[OrderSummary]) -> None:
        if self.ws.stale(job):
            return
        self.recent_model.set_rows(orders)
        self.recent_combo.setCurrentIndex(-1)

    @Slot(int)
    def _recent_chosen(self, row: int) -> None:
        summary = self.recent_model.row_at(row)
        if summary is None:
            return
        self.ws.order_requested.emit(summary.order_id, summary.machine_no)

    # -- opening ---------------------------------------------------------------------------

    @Slot()
    def open_typed_order(self) -> None:
        typed = self.order_edit.text().strip()
        try:
            order_id = check_id(typed, "order id")
        except BadInput:
            self.show_message(
                LEVEL_ERROR,
                translate(
                    "OrderPanel", "“{typed}” is not an order id: it is a positive whole number."
                ).format(typed=typed),
            )
            return
        if not self.machine_no:
            self.show_message(
                LEVEL_ERROR,
                translate("OrderPanel", "Choose the order's machine first (list or number)."),
            )
            return
        self.open_order(order_id)

    def open_order(self, order_id: int) -> None:
        env = self.ws.env
        if env is None or not self.machine_no or self._opening:
            return
        if self.view is None or self.view.order.order_id != order_id:
            # Another order: the previous one's panel and message go (a re-read keeps them).
            self._show_view(None)
            self._clear_message()
        self._opening = True
        self._opened_id = str(order_id)
        self.order_edit.setText(self._opened_id)
        self._update_actions()
        self.ws.submit(
            POOL_API,
            env.ops.open_order,
            order_id,
            self.machine_no,
            on_success=self._order_loaded,
            on_failure=self._order_failed,
            data=order_id,
        )

    def refresh(self) -> None:
        """Read the machine's products, the open order and the recent orders again (F5)."""
        self._show_machine()
        self._load_products()
        self.reload()
        self.reload_recent()

    def reload(self) -> None:
        if self.view is None:
            return
        if self._opening:  # what is being read may predate the change: read it once more
            self._reload_again = True
            return
        self.open_order(self.view.order.order_id)

    @Slot(int, str)
    def reload_order(self, order_id: int, machine_no: str) -> None:
        """Read the order again from the platform if it is the one shown (e.g. after a
        follow-up action on it)."""
        view = self.view
        if view is not None and view.order.order_id == order_id and view.machine_no == machine_no:
            self.reload()

    def _reload_if_asked(self) -> None:
        if self._reload_again:
            self._reload_again = False
            self.reload()

    def reload_if_showing(self, order_ids: set[int]) -> None:
        if self.view is not None and self.view.order.order_id in order_ids:
            self.reload()

    @Slot(object, object)
    def _order_loaded(self, job: Job, view: OrderView) -> None:
        if self.ws.stale(job):
            return
        self._opening = False
        self._show_view(view)
        self.reload_recent()
        self._reload_if_asked()

    @Slot(object, object)
    def _order_failed(self, job: Job, exc: BaseException) -> None:
        if self.ws.stale(job):
            return
        self._opening = False
        self._update_actions()
        self.show_message(
            LEVEL_ERROR,
            translate("OrderPanel", "Order {order} not opened: {error}").format(
                order=job.data, error=describe_error(exc)
            ),
        )
        self._reload_if_asked()

    def retranslate(self) -> None:
        """Re-render what is computed from data (statuses, the machine, the open order) in
        the language installed now; the window re-sets the other texts."""
        first = 1 if self._status_now_item else 0
        chosen = self.status_combo.currentIndex()
        for i, status in enumerate(OrderStatus):
            self.status_combo.setItemText(first + i, status_item_text(status))
        self._show_machine()
        if self.view is not None:
            self._show_view(self.view)
            self.status_combo.setCurrentIndex(chosen)  # what the user picked stays picked

    def _show_view(self, view: OrderView | None) -> None:
        self.view = view
        if view is None:
            self.details_box.setTitle(translate("OrderPanel", "Order"))
            for label in (
                self.trade_label,
                self.amount_label,
                self.date_label,
                self.status_label,
                self.window_label,
            ):
                label.setText("—")
            self.records.set_rows([])
            self._preselect_status("")
            self._countdown.stop()
            self._update_actions()
            return
        order = view.order
        self.details_box.setTitle(
            translate("OrderPanel", "Order {order} on machine {machine}").format(
                order=order.order_id, machine=view.machine_no
            )
        )
        self.trade_label.setText(order.trade_id or "—")
        self.amount_label.setText(order.amount)
        self.date_label.setText(platform_date_text(order.date))
        self.status_label.setText(order_status_text(order.status))
        self._preselect_status(order.status)
        self._show_records(view)
        self._tick()
        decision = self.decision()
        if view.first_seen is not None and decision is not None and decision.counts_down:
            self._countdown.start()
        else:
            self._countdown.stop()
        self._update_actions()

    def _preselect_status(self, query_text: str) -> None:
        """Preselect the order's current status: one of the statuses to set, or else (e.g.
        NOTPAY, before any is set) a first item that names it and sends nothing."""
        combo = self.status_combo
        if self._status_now_item:
            combo.removeItem(0)
            self._status_now_item = False
        current = status_from_query_text(query_text)
        if current is not None:
            combo.setCurrentIndex(combo.findData(int(current)))
        elif query_text:
            combo.insertItem(
                0,
                translate("OrderPanel", "{status} (now; choose a status to set)").format(
                    status=order_status_text(query_text)
                ),
                None,
            )
            self._status_now_item = True
            combo.setCurrentIndex(0)
        else:
            combo.setCurrentIndex(-1)

    def _show_records(self, view: OrderView) -> None:
        selected = self.selected_record()
        rows = []
        for record in view.order.records:
            product = self.products.get(record.product_id)
            name = (
                f"{product_text(product.name, product.id)} · {product.channel.name}"
                if product is not None
                else translate("OrderPanel", "product {id}").format(id=record.product_id)
            )
            rows.append(RecordRow(record, name, view.deliveries.get(record.id, 0)))
        self.records.set_rows(rows)
        keep = next(
            (i for i, r in enumerate(rows) if selected and r.record.id == selected.record.id), 0
        )
        if rows:
            self.records_view.selectRow(keep)

    @Slot()
    def _tick(self) -> None:
        view, decision = self.view, self.decision()
        if view is None or decision is None:
            return
        if not decision.counts_down:  # nothing can be dispensed: the window no longer matters
            self._countdown.stop()
            self.window_label.setText(
                translate("OrderPanel", NOTHING_TO_DISPENSE[decision.why_not])
            )
            if self.window_label.styleSheet():
                self.window_label.setStyleSheet("")
            return
        text, urgent = window_text(view.first_seen, view.created_here, view.order.date, self.now())
        self.window_label.setText(text)
        style = "color:#b71c1c; font-weight:bold;" if urgent else ""
        if self.window_label.styleSheet() != style:  # restyling re-lays-out the panel
            self.window_label.setStyleSheet(style)

    # -- status ---------------------------------------------------------------------------

    def chosen_status(self) -> OrderStatus | None:
        data = self.status_combo.currentData()
        return OrderStatus(int(data)) if data is not None else None

    def _current_status(self) -> OrderStatus | None:
        return status_from_query_text(self.view.order.status) if self.view is not None else None

    @Slot()
    def apply_status(self) -> None:
        """Send the chosen status — once per intent: nothing while a write runs or the
        order reloads, and nothing when the order already has that status."""
        env, view, status = self.ws.env, self.view, self.chosen_status()
        if env is None or view is None or status is None or self._writing or self._opening:
            return
        order_id = view.order.order_id
        if status is self._current_status():
            self.show_message(
                LEVEL_INFO,
                translate(
                    "OrderPanel", "Order {order} is already {status}: nothing was sent."
                ).format(order=order_id, status=status_item_text(status)),
            )
            return
        if status.is_destructive:
            action, consequence = STATUS_CONSEQUENCES[status]
            question = Question(
                title=translate("OrderPanel", "Set order {order} to {status}?").format(
                    order=order_id, status=int(status)
                ),
                text=translate(
                    "OrderPanel", "Set order {order} on machine {machine} to {status}?"
                ).format(order=order_id, machine=view.machine_no, status=status_item_text(status)),
                action=translate("OrderPanel", action),
                detail=translate("OrderPanel", consequence),
            )
            if not self.ws.confirm(question):
                self.show_message(LEVEL_INFO, translate("OrderPanel", "Nothing was sent."))
                return
        elif status is OrderStatus.PAID and is_older_than_window(view.first_seen, self.now()):
            question = Question(
                title=translate("OrderPanel", "Order {order} is older than 20 minutes").format(
                    order=order_id
                ),
                text=translate(
                    "OrderPanel",
                    "Order {order} is older than 20 minutes: the platform will refuse to "
                    "dispense it, even once it is marked paid.",
                ).format(order=order_id),
                action=translate("OrderPanel", "Mark paid anyway"),
                detail=translate(
                    "OrderPanel",
                    "The customer would have paid for an item the machine cannot drop.",
                ),
            )
            if not self.ws.confirm(question):
                self.show_message(LEVEL_INFO, translate("OrderPanel", "Nothing was sent."))
                return
        self._writing = "status"
        self._update_actions()
        self.show_message(
            LEVEL_INFO,
            translate("OrderPanel", "Setting order {order} to {status}…").format(
                order=order_id, status=int(status)
            ),
        )
        self.ws.submit(
            POOL_API,
            env.ops.set_status,
            order_id,
            view.machine_no,
            status,
            on_success=self._status_set,
            on_failure=self._status_failed,
            data=(order_id, status),
        )

    @Slot(object, object)
    def _status_set(self, job: Job, changed: StatusChanged) -> None:
        if self.ws.stale(job):
            return
        self._writing = ""
        self.show_message(
            LEVEL_OK,
            translate("OrderPanel", "Order {order} is now {status}.").format(
                order=changed.order_id, status=status_item_text(changed.status)
            ),
        )
        self.ws.journal_changed.emit()
        self._reload_order(changed.order_id)

    @Slot(object, object)
    def _status_failed(self, job: Job, exc: BaseException) -> None:
        if self.ws.stale(job):
            return
        self._writing = ""
        order_id, status = job.data
        self._update_actions()
        self.show_message(
            LEVEL_ERROR,
            translate("OrderPanel", "Order {order} was not set to {status}: {error}").format(
                order=order_id, status=int(status), error=describe_error(exc, write=True)
            ),
        )
        self.ws.journal_changed.emit()

    def _reload_order(self, order_id: int) -> None:
        if self.view is not None and self.view.order.order_id == order_id:
            self.reload()
        else:
            self._update_actions()

    # -- dispensing --------------------------------------------------------------------

    @Slot()
    def dispense_selected(self) -> None:
        selected = self.selected_record()
        if selected is not None:
            self._dispense([selected.record.id])

    @Slot()
    def dispense_all(self) -> None:
        self._dispense(self._remaining())

    def _dispense(self, record_ids: list[int]) -> None:
        env, view, decision = self.ws.env, self.view, self.decision()
        if env is None or view is None or decision is None or self._writing or self._opening:
            return
        order = view.order
        if decision.why_not:  # whatever was pressed: the rule, not a button, decides
            self.show_message(
                LEVEL_INFO,
                translate("OrderPanel", "Order {order}: {why}. Nothing was sent.").format(
                    order=order.order_id,
                    why=translate("OrderPanel", NOTHING_TO_DISPENSE[decision.why_not]),
                ),
            )
            return
        allowed = set(decision.remaining)
        record_ids = [rid for rid in record_ids if rid in allowed]
        if not record_ids:
            return
        by_id = {r.record.id: r for r in self.records.rows}
        items = translate("OrderPanel", ", ").join(
            translate("OrderPanel", "record {record} ({product} ×{quantity})").format(
                record=rid, product=by_id[rid].product, quantity=by_id[rid].record.quantity
            )
            if rid in by_id
            else translate("OrderPanel", "record {record}").format(record=rid)
            for rid in record_ids
        )
        several = len(record_ids) > 1
        detail = (
            translate(
                "OrderPanel",
                "Items will drop now, one record after another: the next is sent only after the "
                "machine reports the previous one. ",
            )
            if several
            else translate("OrderPanel", "An item will drop now. ")
        ) + translate(
            "OrderPanel", "The machine is locked until it reports; a dispense is never retried."
        )
        if is_older_than_window(view.first_seen, self.now()):
            detail += translate(
                "OrderPanel",
                " The order is older than 20 minutes: the platform will probably refuse.",
            )
        uncertain = [
            rid
            for rid in record_ids
            if (d := decision.record(rid)) is not None and d.verdict == ASK
        ]
        if uncertain:
            # Its last dispense is pending or unknown: the item may be out already.
            answers = [
                self._last_answer(view.last_dispenses[rid])
                for rid in uncertain
                if rid in view.last_dispenses
            ]
            question = Question(
                title=translate("OrderPanel", "Dispense order {order} again?").format(
                    order=order.order_id
                ),
                text=translate(
                    "OrderPanel",
                    "Dispense {items} of order {order} on machine {machine} anyway? The item "
                    "may already have dropped.",
                ).format(items=items, order=order.order_id, machine=view.machine_no),
                action=translate("OrderPanel", "Dispense anyway"),
                detail="\n\n".join(
                    [
                        translate(
                            "OrderPanel",
                            "WARNING: the last dispense of record(s) {records} has no known "
                            "result: the item may already have dropped, and dispensing again "
                            "may drop a second item. Check the machine or use Query dispense "
                            "first.",
                        ).format(records=", ".join(str(r) for r in uncertain)),
                        "\n".join(answers),
                        detail,
                    ]
                ),
            )
        else:
            question = Question(
                title=translate("OrderPanel", "Dispense order {order}?").format(
                    order=order.order_id
                ),
                text=translate(
                    "OrderPanel", "Dispense {items} of order {order} on machine {machine}?"
                ).format(items=items, order=order.order_id, machine=view.machine_no),
                action=translate("OrderPanel", "Dispense all")
                if several
                else translate("OrderPanel", "Dispense"),
                detail=detail,
            )
        if not self.ws.confirm(question):
            self.show_message(LEVEL_INFO, translate("OrderPanel", "Nothing was sent."))
            return
        self._writing = "dispense"
        self._update_actions()
        self.lock_label.setText(
            translate("OrderPanel", "Sending the dispense to machine {machine}…").format(
                machine=view.machine_no
            )
        )
        self.lock_label.show()
        self.ws.submit(
            POOL_API,
            env.ops.dispense,
            order,
            view.machine_no,
            record_ids,
            on_success=self._dispensed,
            on_failure=self._dispense_failed,
            on_progress=self._dispense_progress,
            data=order.order_id,
            cancellable=True,
        )

    def _last_answer(self, last: LastDispense) -> str:
        """The platform's last answer about a record's dispense, for the question."""
        sent = (
            translate("OrderPanel", "sent {when} by {actor}").format(
                when=_when(last.sent_ts), actor=last.actor
            )
            if last.actor
            else translate("OrderPanel", "sent {when}").format(when=_when(last.sent_ts))
        )
        if last.state == LAST_PENDING and last.delivery_id:
            text = translate(
                "OrderPanel",
                "Record {record}: dispense {sent}; the platform accepted it as delivery "
                "{delivery} (status “{status}”) and no result has come yet.",
            )
        elif last.state == LAST_PENDING:
            text = translate(
                "OrderPanel",
                "Record {record}: a dispense {sent} is still waiting for the platform's answer.",
            )
        elif last.outcome == "transport":
            text = translate(
                "OrderPanel",
                "Record {record}: dispense {sent}; no usable answer came from the platform "
                "({message}).",
            )
        else:
            text = translate(
                "OrderPanel",
                "Record {record}: dispense {sent}; the console stopped before the platform "
                "answered.",
            )
        return text.format(
            record=last.record_id,
            sent=sent,
            delivery=last.delivery_id,
            status=last.platform_status or translate("OrderPanel", "unknown"),
            message=last.message or translate("OrderPanel", "no message"),
        )

    @Slot(object, object)
    def _dispense_progress(self, job: Job, step: DispenseProgress) -> None:
        if self.ws.stale(job):
            return
        of = (
            translate("OrderPanel", " ({index} of {total})").format(
                index=step.index, total=step.total
            )
            if step.total > 1
            else ""
        )
        if step.stage == "sending":
            text = translate(
                "OrderPanel", "Sending the dispense of record {record}{of} to machine {machine}…"
            )
        elif step.stage == "waiting":
            text = translate(
                "OrderPanel",
                "Machine {machine} is locked: dispensing record {record}{of}, "
                "delivery {delivery}. Waiting for the machine's result (Cancel stops "
                "waiting, not the machine).",
            )
        else:
            text = translate("OrderPanel", "Machine {machine} reported on record {record}{of}.")
        text = text.format(
            machine=step.machine_no, record=step.record_id, of=of, delivery=step.delivery_id
        )
        self.lock_label.setText(text)
        self.lock_label.show()

    @Slot(object, object)
    def _dispensed(self, job: Job, report: DispenseReport) -> None:
        if self.ws.stale(job):
            return
        self._writing = ""
        self.lock_label.hide()
        lines = []
        for o in report.outcomes:
            delivery = (
                translate("OrderPanel", " (delivery {delivery})").format(delivery=o.delivery_id)
                if o.delivery_id
                else ""
            )
            if o.result == "dropped":
                lines.append(
                    translate("OrderPanel", "Record {record} dropped{delivery}.").format(
                        record=o.record_id, delivery=delivery
                    )
                )
            elif o.result == "delivered":
                lines.append(
                    translate(
                        "OrderPanel",
                        "Record {record}: the platform says it was already delivered "
                        "(“{message}”). Nothing was sent, and this answer opens no refund "
                        "follow-up.",
                    ).format(record=o.record_id, message=render(o.detail))
                )
            elif o.result == "unknown":
                lines.append(
                    translate(
                        "OrderPanel",
                        "Record {record}: the dispense was sent but its answer was lost — the "
                        "item MAY HAVE DROPPED. Check the machine or use Query dispense before "
                        "dispensing it again. ({error})",
                    ).format(
                        record=o.record_id,
                        error=describe_error(o.error) if o.error is not None else render(o.detail),
                    )
                )
            elif o.result == "not sent" and o.error is not None:
                lines.append(
                    translate("OrderPanel", "Record {record} was not dispensed: {error}").format(
                        record=o.record_id, error=describe_error(o.error, write=True)
                    )
                )
            else:
                lines.append(
                    translate(
                        "OrderPanel", "Record {record}: {result}{delivery} — {detail}"
                    ).format(
                        record=o.record_id,
                        result=translate("Operations", o.result),
                        delivery=delivery,
                        detail=render(o.detail),
                    )
                )
        if report.not_sent:
            if report.cancelled:
                line = translate("OrderPanel", "Cancelled: records {records} were not sent.")
            else:
                line = translate("OrderPanel", "Stopped: records {records} were not sent.")
            lines.append(line.format(records=report.not_sent))
        level = LEVEL_OK if report.all_dropped else LEVEL_ERROR
        if report.cancelled and all(o.item_out for o in report.outcomes):
            level = LEVEL_WARN
        self.show_message(
            level, join(" ", lines) or translate("OrderPanel", "Nothing was dispensed.")
        )
        self.ws.journal_changed.emit()
        self._reload_order(report.order_id)

    @Slot(object, object)
    def _dispense_failed(self, job: Job, exc: BaseException) -> None:
        if self.ws.stale(job):
            return
        self._writing = ""
        self.lock_label.hide()
        self._update_actions()
        self.show_message(
            LEVEL_ERROR,
            translate("OrderPanel", "Order {order} not dispensed: {error}").format(
                order=job.data, error=describe_error(exc, write=True)
            ),
        )
        self.ws.journal_changed.emit()

    @Slot()
    def query_dispense(self) -> None:
        env, view, selected = self.ws.env, self.view, self.selected_record()
        if env is None or view is None or selected is None or not selected.delivery_id:
            return
        self._querying = True
        self._update_actions()
        self.ws.submit(
            POOL_API,
            env.ops.query_delivery,
            selected.delivery_id,
            view.machine_no,
            view.order.order_id,
            on_success=self._queried,
            on_failure=self._query_failed,
            data=(selected.record.id, selected.delivery_id),
        )

    @Slot(object, object)
    def _queried(self, job: Job, delivery: Delivery) -> None:
        if self.ws.stale(job):
            return
        self._querying = False
        self._update_actions()
        record_id, delivery_id = job.data
        text = translate("OrderPanel", "Dispense {delivery} of record {record}: {status}").format(
            delivery=delivery_id,
            record=record_id,
            status=delivery.status or translate("OrderPanel", "unknown"),
        )
        if delivery.delivered_at:
            text += translate("OrderPanel", ", sent {when}").format(when=delivery.delivered_at)
        if delivery.pickup_at:
            text += translate("OrderPanel", ", picked up {when}").format(when=delivery.pickup_at)
        if delivery.fail_reason:
            text += translate("OrderPanel", ", failed: {reason}").format(
                reason=delivery.fail_reason
            )
        ok = delivery.succeeded
        self.show_message(LEVEL_OK if ok else LEVEL_WARN, text + ".")

    @Slot(object, object)
    def _query_failed(self, job: Job, exc: BaseException) -> None:
        if self.ws.stale(job):
            return
        self._querying = False
        self._update_actions()
        self.show_message(
            LEVEL_ERROR,
            translate("OrderPanel", "Dispense not queried: {error}").format(
                error=describe_error(exc)
            ),
        )

    # -- new order ---------------------------------------------------------------------

    @Slot()
    def new_order(self) -> None:
        env = self.ws.env
        if env is None or not self.machine_no or self._writing:
            return
        products = sorted(self.products.values(), key=lambda p: p.channel.name)
        dialog = NewOrderDialog(self, self.machine_no, products)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        product = dialog.product()
        if product is not None:
            self.create_order(product.id, dialog.quantity.value())

    def create_order(self, product_id: int, quantity: int) -> None:
        env = self.ws.env
        if env is None or not self.machine_no or self._writing:
            return
        self._writing = "create"
        self._update_actions()
        self.ws.submit(
            POOL_API,
            env.ops.create_order,
            self.machine_no,
            product_id,
            quantity,
            on_success=self._order_created,
            on_failure=self._create_failed,
        )

    @Slot(object, object)
    def _order_created(self, job: Job, created: OrderCreated) -> None:
        if self.ws.stale(job):
            return
        self._writing = ""
        self.show_message(
            LEVEL_OK,
            translate(
                "OrderPanel", "Order {order} created (trade id {trade}); it is unpaid."
            ).format(order=created.order_id, trade=created.trade_id),
        )
        self.ws.journal_changed.emit()
        self.open_order(created.order_id)

    @Slot(object, object)
    def _create_failed(self, job: Job, exc: BaseException) -> None:
        if self.ws.stale(job):
            return
        self._writing = ""
        self._update_actions()
        self.show_message(
            LEVEL_ERROR,
            translate("OrderPanel", "Order not created: {error}").format(
                error=describe_error(exc, write=True)
            ),
        )
