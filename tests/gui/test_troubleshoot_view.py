"""The Troubleshoot tab against the real sandbox and receiver.

The sandbox's canteen machine (16327132) has slots that always fail (A12 stuck,
A13 slave comm error), one empty (A15) and one low (A20); the warehouse machine
(16327131) is offline. A test dispense drops an item: it must ask first, never
go out twice, and show the machine's callback where it was started and in the
log pane.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QItemSelectionModel, Qt

from console.core.faults import fault_meaning
from console.settings import LANGUAGE_EN, LANGUAGE_ZH
from console.troubleshoot import Check, Fault, SlotFault, SlotRow
from console.ui.troubleshoot_view import SlotsModel, checks_model
from tests.gui.conftest import LEFT, LOBBY, WAIT_MS, log_entries

CANTEEN = "16327132"
WAREHOUSE = "16327131"


def click_machine(qtbot, window, machine_no: str) -> None:
    """Click the machine's row in the machine list."""
    panel = window.machines
    for row in range(panel.proxy.rowCount()):
        if panel.proxy.index(row, 1).data() == machine_no:
            rect = panel.view.visualRect(panel.proxy.index(row, 0))
            qtbot.mouseClick(panel.view.viewport(), LEFT, pos=rect.center())
            return
    raise AssertionError(f"machine {machine_no} is not in the list")


def open_view(qtbot, app, machine_no: str):
    """Click the machine in the list, then open the Troubleshoot tab (which checks it)."""
    window = app.window
    click_machine(qtbot, window, machine_no)
    view = window.troubleshoot
    qtbot.waitUntil(lambda: view.machine_no == machine_no, timeout=WAIT_MS)
    window.tabs.setCurrentWidget(view)
    qtbot.waitUntil(
        lambda: (
            view.diagnosis is not None and view.diagnosis.machine_no == machine_no and not view.busy
        ),
        timeout=WAIT_MS,
    )
    return view


def slot_row(view, slot: str) -> SlotRow:
    return next(r for r in view.slots.all_rows if r.slot == slot)


def run_test_dispense(qtbot, view, slot: str) -> None:
    """Select ``slot``, click Test-dispense and wait until the result is shown."""
    before = view.last_test
    assert view.select_slot(slot)
    assert view.test_button.isEnabled() and slot in view.test_button.text()
    qtbot.mouseClick(view.test_button, LEFT)
    qtbot.waitUntil(
        lambda: view.last_test is not before and not view.busy and view.diagnosis is not None,
        timeout=WAIT_MS,
    )


def test_the_faulty_machine_points_at_its_bad_slots(qtbot, console_app, asker, sandbox):
    view = open_view(qtbot, console_app, CANTEEN)
    assert "PROBLEMS" not in view.header_label.text()  # nothing has failed yet: only stock
    assert slot_row(view, "A15").status == "empty" and slot_row(view, "A20").status == "low"
    # Every slot of the machine, and the bad ones say so in words and in colour.
    assert view.slots.total == 12
    row = view.slots.row_of("A15")
    status = view.slots.index(row, 5)
    assert status.data() == "Empty (0 of 10)"
    assert status.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert view.slots.index(view.slots.row_of("A20"), 5).data() == "Low stock (1 of 10)"
    assert view.slots.index(view.slots.row_of("A10"), 5).data() == "OK"
    assert (
        view.slots.index(view.slots.row_of("A10"), 5).data(Qt.ItemDataRole.BackgroundRole) is None
    )
    assert "1 empty" in view.count_label.text() and "1 low" in view.count_label.text()

    run_test_dispense(qtbot, view, "A12")
    stuck = fault_meaning("Goods are Stuck")
    assert "FAILED" in view.result_label.text() and "Goods are Stuck" in view.result_label.text()
    assert stuck.meaning_en in view.result_label.text()
    assert "channel_name A12" in view.result_label.text()  # the callback, shown in place
    run_test_dispense(qtbot, view, "A13")
    assert "Slave Comm Error" in view.result_label.text()
    qtbot.waitUntil(
        lambda: any(
            e.kind == "callback" and e.detail.get("channel_name") == "A13"
            for e in log_entries(console_app)
        ),
        timeout=WAIT_MS,
    )
    # A test dispense has no order: the window does not announce an order failure for it.
    assert "order None" not in console_app.window.statusBar().currentMessage()

    # Each test asked first, saying an item drops; each went out once, journalled with its slot.
    assert [q.action for q in asker.questions] == ["Test dispense", "Test dispense"]
    assert "An item will drop from slot A12" in asker.questions[0].detail
    sent = sandbox.requests_for("test_dispense")
    assert [r.payload["channel_name"] for r in sent] == ["A12", "A13"]
    env = console_app.window.ws.env
    actions = [a for a in env.journal.list_actions(50) if a.kind == "test_dispense"]
    assert sorted(a.request["channel_name"] for a in actions) == ["A12", "A13"]
    assert {a.machine_no for a in actions} == {CANTEEN}

    # The view re-read the machine: the bad slots stand out with their meaning.
    d = view.diagnosis
    assert [r.slot for r in d.faulty_slots] == ["A12", "A13"]
    a12 = view.slots.index(view.slots.row_of("A12"), 5).data()
    assert a12.startswith("Faulty: Goods are Stuck") and stuck.meaning_en in a12
    assert fault_meaning("Slave Comm Error").meaning_en in view.faults_label.text()
    assert "A12" in view.faults_label.text() and "A13" in view.faults_label.text()
    slots = next(c for c in view.checks.rows if c.name == "slots")
    assert slots.status == "fail" and "2 faulty (A12, A13)" in slots.summary
    assert "PROBLEMS FOUND" in view.header_label.text()
    # History: in words and in the chart.
    assert "Slot A12 failed 1 time" in view.history_text.toPlainText()
    assert [(s.slot, s.failures) for s in view.chart.slots] == [("A12", 1), ("A13", 1)]
    assert sum(d.failed for d in view.chart.days) == 2

    # Problems only, worst first: the faulty slots lead, then empty and low.
    view.problems_check.setChecked(True)
    view.slots_view.sortByColumn(5, Qt.SortOrder.AscendingOrder)
    shown = [view.slots.index(r, 0).data() for r in range(view.slots.rowCount())]
    assert shown == ["A12", "A13", "A15", "A20"]
    view.problems_check.setChecked(False)
    view.filter_edit.setText("a2")
    assert view.slots.shown and all(r.slot.startswith("A2") for r in view.slots.shown)
    assert view.slots.rowCount() < view.slots.total


def test_a_good_slot_shows_its_callback_in_place_and_in_the_log_pane(qtbot, console_app, sandbox):
    view = open_view(qtbot, console_app, CANTEEN)
    run_test_dispense(qtbot, view, "A10")
    result = view.last_test
    assert result is not None and result.result == "dropped" and result.callback is not None
    text = view.result_label.text()
    assert "Test dispense of slot A10 worked" in text
    assert f"Callback #{result.callback.id}" in text and "deliver_status 1" in text
    assert "channel_name A10" in text
    qtbot.waitUntil(
        lambda: any(
            e.kind == "callback"
            and e.callback_id == result.callback.id
            and e.detail.get("channel_name") == "A10"
            for e in log_entries(console_app)
        ),
        timeout=WAIT_MS,
    )
    assert view.diagnosis.faulty_slots == ()
    assert len(sandbox.requests_for("test_dispense")) == 1


def test_the_offline_machine_shows_offline_and_fails(qtbot, console_app):
    view = open_view(qtbot, console_app, WAREHOUSE)
    online = next(c for c in view.checks.rows if c.name == "online")
    assert online.status == "fail" and online.summary.startswith("OFFLINE")
    row = view.checks.rows.index(online)
    assert view.checks.index(row, 1).data() == "FAIL"
    assert view.checks.index(row, 0).data() == "Online state"
    assert "PROBLEMS FOUND" in view.header_label.text()
    names = [c.name for c in view.checks.rows]
    assert {"cabinets", "machine_type", "currency", "ping", "clock"} <= set(names)


def test_cancel_at_the_question_sends_nothing(qtbot, console_app, asker, sandbox):
    view = open_view(qtbot, console_app, CANTEEN)
    asker.answer = False
    assert view.select_slot("A10")
    qtbot.mouseClick(view.test_button, LEFT)
    question = asker.questions[-1]
    assert question.title == "Test-dispense slot A10?" and question.action == "Test dispense"
    assert "An item will drop" in question.detail
    assert sandbox.requests_for("test_dispense") == []
    assert view.result_label.text() == "Nothing was sent."
    assert view.test_button.isEnabled()


def test_a_locked_machine_is_not_sent_a_test(qtbot, console_app, asker, sandbox):
    view = open_view(qtbot, console_app, LOBBY)
    view.machine_busy = lambda no: no == LOBBY  # the order panel is dispensing there
    assert view.select_slot("A10")
    qtbot.mouseClick(view.test_button, LEFT)
    assert asker.questions == [] and sandbox.requests_for("test_dispense") == []
    assert "is dispensing an order" in view.result_label.text()


def test_double_click_sends_one_test_dispense(qtbot, make_console, asker, sandbox):
    app = make_console(synchronous=False)  # real worker threads: the button stays off meanwhile
    view = open_view(qtbot, app, LOBBY)
    assert view.select_slot("A10")
    qtbot.mouseDClick(view.test_button, LEFT)
    qtbot.mouseClick(view.test_button, LEFT)
    assert not view.test_button.isEnabled()  # while the machine is locked
    qtbot.waitUntil(lambda: view.last_test is not None and not view.busy, timeout=WAIT_MS)
    assert len(asker.questions) == 1
    assert len(sandbox.requests_for("test_dispense")) == 1
    assert view.last_test.result == "dropped"
    assert view.test_button.isEnabled()  # no retry, but the next test is allowed


def _rows() -> list[SlotRow]:
    now = time.time()
    stuck = SlotFault("A12", Fault("Goods are Stuck", "2"), 3, 3, now, "", True)
    return [
        SlotRow("A10", "A", 1, "Cola", "3.50", 8, 10, "ok"),
        SlotRow("A12", "A", 2, "Water", "2.00", 5, 10, "faulty", stuck),
        SlotRow("A15", "A", 3, "Juice", "5.00", 0, 10, "empty"),
        SlotRow("B2", "B", 4, "Chips", "10.00", 1, 10, "low"),
    ]


def test_slots_model(qtmodeltester, qtbot):
    model = SlotsModel()
    model.set_rows(_rows())
    qtmodeltester.check(model)
    model.sort(3, Qt.SortOrder.DescendingOrder)  # price, as a number
    assert [model.index(r, 0).data() for r in range(4)] == ["B2", "A15", "A10", "A12"]
    qtmodeltester.check(model)
    model.sort(5)  # status: worst first
    assert [model.row_at(r).status for r in range(4)] == ["faulty", "empty", "low", "ok"]
    assert model.index(0, 5).data().startswith("Faulty: Goods are Stuck")
    model.set_filter("", problems_only=True)
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    model.set_filter("juice")
    assert [r.slot for r in model.shown] == ["A15"]
    model.set_rows([])
    qtmodeltester.check(model)


def test_sorting_keeps_the_selection_on_its_slot(qtbot):
    from PySide6.QtWidgets import QTableView

    model = SlotsModel()
    model.set_rows(_rows())
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.selectionModel().select(
        model.index(model.row_of("A15"), 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    model.sort(3, Qt.SortOrder.DescendingOrder)
    rows = view.selectionModel().selectedRows()
    assert [model.row_at(i.row()).slot for i in rows] == ["A15"]


def test_checks_model(qtmodeltester):
    model = checks_model()
    model.set_rows(
        [
            Check("online", "fail", "OFFLINE; last notice: power cut"),
            Check("clock", "warn", "this computer's clock is 5 min ahead", "Set the clock"),
            Check("ping", "ok", "the platform answered in 12 ms"),
        ]
    )
    qtmodeltester.check(model)
    assert [model.index(r, 1).data() for r in range(3)] == ["FAIL", "WARN", "OK"]
    assert model.index(1, 0).data() == "Clock skew"
    assert "Set the clock" in model.index(1, 2).data(Qt.ItemDataRole.ToolTipRole)


def test_the_tab_is_built_when_first_clicked_and_checks_the_machine_chosen_before(
    qtbot, console_app
):
    """The first paint does not build the Troubleshoot tab; clicking it does, and it checks
    the machine the operator had already chosen in the list."""
    window = console_app.window
    assert window._troubleshoot is None  # not built with the window
    click_machine(qtbot, window, CANTEEN)
    tab_bar = window.tabs.tabBar()
    qtbot.mouseClick(tab_bar, LEFT, pos=tab_bar.tabRect(2).center())
    view = window._troubleshoot
    assert view is not None and window.tabs.currentWidget() is view
    assert window.tabs.tabText(2) == "Troubleshoot"
    qtbot.waitUntil(
        lambda: view.diagnosis is not None and view.diagnosis.machine_no == CANTEEN,
        timeout=WAIT_MS,
    )
    window.tabs.setCurrentIndex(0)
    assert not view.active


def test_a_callback_a_moment_behind_the_platforms_record_is_still_shown(
    qtbot, console_app, sandbox
):
    """The platform's record answered first and the callback came a second later: the
    result shows the callback instead of saying none came."""
    sandbox.inject("callback:delay=1.5#1")
    view = open_view(qtbot, console_app, CANTEEN)
    run_test_dispense(qtbot, view, "A10")
    result = view.last_test
    assert result is not None and result.result == "dropped"
    assert result.read_first and result.callback is not None
    text = view.result_label.text()
    assert f"Callback #{result.callback.id}" in text and "channel_name A10" in text
    assert "had not arrived" not in text


def test_when_no_callback_comes_the_result_says_where_it_came_from(qtbot, console_app, sandbox):
    sandbox.inject("callback:drop#1")
    view = open_view(qtbot, console_app, CANTEEN)
    run_test_dispense(qtbot, view, "A10")
    result = view.last_test
    assert result is not None and result.result == "dropped" and result.callback is None
    assert "The platform's dispense record gave the result" in view.result_label.text()


def test_a_test_dispense_result_follows_a_language_change(qtbot, console_app):
    view = open_view(qtbot, console_app, CANTEEN)
    run_test_dispense(qtbot, view, "A12")
    assert "Test dispense of slot A12 FAILED" in view.result_label.text()
    window = console_app.window
    try:
        window.language_actions[LANGUAGE_ZH].trigger()
        text = view.result_label.text()
        assert "货道 A12 测试出货失败" in text and "FAILED" not in text
        assert "Goods are Stuck" in text  # the platform's own text, beside its meaning
    finally:
        window.language_actions[LANGUAGE_EN].trigger()
    assert "Test dispense of slot A12 FAILED" in view.result_label.text()
