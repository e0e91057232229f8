"""The real window for in-process benchmarks: composition root, sandbox, real thread pools."""

from __future__ import annotations

import os
import tempfile
from typing import Any

from benchmarks.common import wait_until

LOBBY = "16327129"
_collectors: list[Any] = []


def open_console(home: str | None = None) -> tuple[Any, Any, Any, Any]:
    """(QApplication, ConsoleApp, Sandbox, tempdir) with the Sandbox profile open,
    a machine chosen and a paid order showing; the operator always confirms."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    tmp = tempfile.TemporaryDirectory(prefix="bench-window-")
    os.environ["VENDING_CONSOLE_HOME"] = home or tmp.name
    from PySide6.QtWidgets import QApplication

    from console.app import ConsoleApp
    from console.credentials import MemoryStore
    from console.paths import app_paths
    from console.sandbox import Sandbox
    from console.tasks.gcguard import GuiThreadCollector

    app = QApplication.instance() or QApplication([])
    # As the app's main() does: cyclic garbage is collected on the GUI thread only.
    _collectors.append(GuiThreadCollector(app))
    sandbox = Sandbox(device_cycle_s=0.2).start()
    console = ConsoleApp(
        paths=app_paths(), secret_store=MemoryStore(), sandbox=sandbox, synchronous=False
    )
    console.window.ws.confirm = lambda q: True
    console.window.ws.ask_note = lambda r: "bench"
    console.window.resize(1280, 860)
    console.window.show()
    console.start()
    w = console.window
    wait_until(app, lambda: w.ws.env is not None, 30, "the Sandbox profile")
    wait_until(app, lambda: w.machines.model.rowCount() == 4, 30, "the machine list")
    panel = w.order_panel
    panel.set_machine(LOBBY)
    wait_until(app, lambda: panel.products_ready, 30, "the products")
    panel.create_order(501, 1)
    wait_until(app, lambda: panel.view is not None and not panel.busy, 30, "the new order")
    return app, console, sandbox, tmp


def close_console(console: Any, sandbox: Any, tmp: Any) -> None:
    console.shutdown()
    while _collectors:
        _collectors.pop().stop()
    sandbox.stop()
    tmp.cleanup()
