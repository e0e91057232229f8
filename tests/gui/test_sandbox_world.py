"""The window's own sandbox keeps its world across restarts until File ▸ Reset sandbox…"""

from __future__ import annotations

from console.app import ConsoleApp
from console.credentials import MemoryStore
from console.paths import app_paths
from tests.gui.conftest import (
    LEFT,
    WAIT_MS,
    Asker,
    callback_entries,
    choose_machine,
    new_paid_order,
    start_console,
)


def own_console(qtbot, asker: Asker) -> ConsoleApp:
    """The window as ``make run`` starts it: it runs its own sandbox, kept in its data
    folder (the test's console home)."""
    app = ConsoleApp(paths=app_paths(), secret_store=MemoryStore(), synchronous=True)
    return start_console(qtbot, app, asker)


def recent_ids(app: ConsoleApp) -> list[int]:
    return [o.order_id for o in app.window.order_panel.recent_model.rows]


def test_a_restart_keeps_the_sandbox_orders_and_recent_opens_each(qtbot, asker):
    first = own_console(qtbot, asker)
    try:
        choose_machine(qtbot, first)
        order_id = new_paid_order(qtbot, first)
        trade_id = first.window.order_panel.view.order.trade_id
    finally:
        first.shutdown()
    assert app_paths().sandbox_state_file.exists()

    second = own_console(qtbot, asker)
    try:
        panel = second.window.order_panel
        qtbot.waitUntil(lambda: order_id in recent_ids(second), timeout=WAIT_MS)
        listed = list(panel.recent_model.rows)
        for summary in listed:  # every order Recent lists opens: none is unknown (4004)
            row = recent_ids(second).index(summary.order_id)
            panel.recent_combo.activated.emit(row)
            qtbot.waitUntil(
                lambda s=summary: (
                    panel.view is not None
                    and panel.view.order.order_id == s.order_id
                    and not panel.busy
                ),
                timeout=WAIT_MS,
            )
            assert panel.view.order.trade_id == summary.trade_id
        panel.recent_combo.activated.emit(recent_ids(second).index(order_id))
        qtbot.waitUntil(
            lambda: panel.view is not None and panel.view.order.order_id == order_id,
            timeout=WAIT_MS,
        )
        qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
        view = panel.view
        assert view.order.trade_id == trade_id and view.order.status == "SUCCESS"

        # The order made before the restart still dispenses, and its result reaches this
        # run's receiver (the kept order carried the earlier run's callback address).
        qtbot.mouseClick(panel.dispense_all_button, LEFT)
        qtbot.waitUntil(lambda: bool(callback_entries(second, order_id)), timeout=WAIT_MS)
        assert "success" in callback_entries(second, order_id)[0].summary

        # Ids continue: a new order is not given an id the kept world already used.
        choose_machine(qtbot, second)
        newer = new_paid_order(qtbot, second)
        assert newer > order_id
    finally:
        second.shutdown()


def test_reset_sandbox_asks_then_starts_a_new_world_without_the_old_orders(qtbot, asker):
    app = own_console(qtbot, asker)
    try:
        window = app.window
        panel = window.order_panel
        assert window.reset_sandbox_action.isEnabled()
        choose_machine(qtbot, app)
        order_id = new_paid_order(qtbot, app)
        old_trade = panel.view.order.trade_id
        qtbot.waitUntil(lambda: order_id in recent_ids(app), timeout=WAIT_MS)
        old_env = window.ws.env

        asker.answer = False  # Cancel: nothing happens
        window.reset_sandbox_action.trigger()
        assert "Reset" in asker.questions[-1].title
        assert window.ws.env is old_env
        assert order_id in recent_ids(app)

        asker.answer = True
        window.reset_sandbox_action.trigger()
        qtbot.waitUntil(
            lambda: window.ws.env is not None and window.ws.env is not old_env, timeout=WAIT_MS
        )
        qtbot.waitUntil(lambda: window.machines.model.rowCount() == 4, timeout=WAIT_MS)
        # The new world's first order gets the id the old world's order had: Recent lists
        # the new one only, never the previous sandbox's.
        choose_machine(qtbot, app)
        again = new_paid_order(qtbot, app)
        assert again == order_id
        assert panel.view.order.trade_id != old_trade
        qtbot.waitUntil(lambda: recent_ids(app) == [again], timeout=WAIT_MS)
        assert [o.trade_id for o in panel.recent_model.rows] == [panel.view.order.trade_id]
    finally:
        app.shutdown()
