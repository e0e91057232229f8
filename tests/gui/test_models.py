"""Every item model passes Qt's model tester, with data in it and while it changes."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt

from console.core.models import Machine, OrderRecord
from console.journal import FollowupRow, OrderSummary
from console.tasks.logfeed import LogEntry
from console.ui.log_pane import LogFilter, LogModel
from console.ui.models import (
    RecordRow,
    followups_model,
    machines_model,
    recent_orders_model,
    records_model,
)


def entries(n: int, start: int = 0) -> list[LogEntry]:
    return [
        LogEntry.make(
            "request" if i % 2 else "response",
            f"line {i}",
            ts=1_700_000_000 + i,
            machine_no="16327129" if i % 3 else "16327130",
            order_id=60 + i % 5,
            detail={"i": i},
        )
        for i in range(start, start + n)
    ]


def test_log_model(qtmodeltester):
    model = LogModel(max_entries=50)
    model.append(entries(20))
    qtmodeltester.check(model)
    model.set_filter(LogFilter(kind="request", machine="16327129"))
    qtmodeltester.check(model)
    assert all(model.entry(r).kind == "request" for r in range(model.rowCount()))
    model.append(entries(45, start=20))  # over the cap: the oldest are dropped
    qtmodeltester.check(model)
    assert model.total <= 50
    model.set_filter(LogFilter(text="line 6"))
    assert {model.entry(r).summary for r in range(model.rowCount())} >= {"line 60", "line 64"}
    model.set_filter(LogFilter())
    qtmodeltester.check(model)
    model.clear()
    qtmodeltester.check(model)
    assert model.rowCount() == 0


def test_machines_model(qtmodeltester):
    model = machines_model()
    model.set_rows([Machine("16327129", "Lobby A", True), Machine("16327131", "Store", False)])
    qtmodeltester.check(model)
    assert model.index(1, 2).data() == "OFFLINE"


def test_records_model(qtmodeltester):
    model = records_model()
    model.set_rows(
        [
            RecordRow(OrderRecord(78, 501, 1, "3.50", "已取货", True), "可口可乐 (A10)", 1000),
            RecordRow(OrderRecord(79, 502, 2, "2.00", "未取货"), "product 502"),
        ]
    )
    qtmodeltester.check(model)
    assert model.index(0, 4).data() == "picked up (已取货)"
    assert model.index(1, 6).data() == "—"


def test_followups_model(qtmodeltester):
    row = FollowupRow(
        1, 1.0, "2026-01-01T10:00:00+08:00", "Sandbox", 60, 78, "16327129",
        "customer may need a refund", "Goods are Stuck", "callback", 5, "open",
        1.0, "2026-01-01T10:00:00+08:00", None, "",
    )  # fmt: skip
    model = followups_model()
    model.set_rows([row])
    qtmodeltester.check(model)
    cells = {
        model.headerData(c, Qt.Orientation.Horizontal): model.index(0, c).data()
        for c in range(model.columnCount())
    }
    assert cells["State"] == "open" and cells["Evidence"] == "callback #5"
    assert cells["Amount"] == cells["Slot"] == cells["Product"] == "—"  # order never read
    full = dataclasses.replace(
        row, amount="3.50", trade_id="VC1", slot="A10", product_id=501, order_date="2026-01-01",
        actor="alice", note="2026-01-01 10:05 alice: first\n2026-01-01 10:09 alice: ref 42",
    )  # fmt: skip
    model.set_rows([full])
    cells = {
        model.headerData(c, Qt.Orientation.Horizontal): model.index(0, c).data()
        for c in range(model.columnCount())
    }
    assert (cells["Amount"], cells["Trade id"], cells["Slot"]) == ("3.50", "VC1", "A10")
    assert cells["Product"] == "product 501" and cells["Paid on (platform date)"] == "2026-01-01"
    assert cells["Last change"] == "alice, 2026-01-01 10:00:00"
    assert cells["Note"] == "2026-01-01 10:09 alice: ref 42"


def test_recent_orders_model(qtmodeltester):
    model = recent_orders_model()
    model.set_rows(
        [OrderSummary(60, "16327129", "T1", True, 1.0, "x", 2.0, "y", "dispense: ok", 2)]
    )
    qtmodeltester.check(model)
    assert "2 follow-ups" in model.index(0, 0).data()


def test_the_windows_own_models_after_a_walk(qtbot, qtmodeltester, console_app):
    from tests.gui.conftest import choose_machine, new_paid_order

    choose_machine(qtbot, console_app)
    new_paid_order(qtbot, console_app)
    window = console_app.window
    for model in (
        window.machines.model,
        window.machines.proxy,
        window.order_panel.records,
        window.order_panel.recent_model,
        window.followups.model,
        window.log_pane.model,
    ):
        qtmodeltester.check(model)


def test_reloading_the_same_rows_keeps_the_selection_and_changed_rows_show(qtbot):
    """Lists are re-read after every action and callback: when nothing changed, the row
    the operator selected stays selected (and nothing is redrawn); a change shows."""
    from PySide6.QtWidgets import QTableView

    model = machines_model()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    rows = [Machine("16327129", "Lobby A", True), Machine("16327131", "Store", False)]
    model.set_rows(rows)
    view.selectRow(1)
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.set_rows([Machine("16327129", "Lobby A", True), Machine("16327131", "Store", False)])
    assert resets == []
    assert [i.row() for i in view.selectionModel().selectedRows()] == [1]
    model.set_rows([Machine("16327129", "Lobby A", True), Machine("16327131", "Store", True)])
    assert resets == [1]
    assert model.index(1, 2).data() == "online"
