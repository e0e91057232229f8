"""The user guide's pictures, taken from the real window on the built-in sandbox, offscreen.

    make screenshots            # = QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py

Writes PNGs to ``docs/images/``, and every tab at 1024×700 and 1366×768 in
both languages (``size-<tab>-<w>x<h>[-zh_CN].png``) (generated, so not committed: run this after a
change to the window and the guide's pictures match it again). Drives the
window the way ``tests/gui`` does: ``ConsoleApp`` with a memory secret store,
its own sandbox and a temporary console home, and confirmations answered
"yes" (each question asked is also pictured once, as the operator sees it).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QCoreApplication, QEvent  # noqa: E402 - after the environment is set
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from console.app import ConsoleApp  # noqa: E402
from console.credentials import MemoryStore  # noqa: E402
from console.paths import ENV_HOME, app_paths  # noqa: E402
from console.sandbox import Sandbox  # noqa: E402
from console.settings import LANGUAGE_EN, LANGUAGE_ZH, install_language  # noqa: E402
from console.ui.dialogs import NoteRequest, Question, question_box  # noqa: E402

LOBBY = "16327129"  # the sandbox's machines (see console/sandbox)
CANTEEN = "16327132"  # slots A12 and A13 always fail there
PRODUCT = 501
SIZE = (1280, 860)
TIMEOUT_S = 20.0


def wait_until(what: str, done: Callable[[], bool], timeout: float = TIMEOUT_S) -> None:
    """Run the event loop until ``done()``; the window's work runs on its own threads."""
    end = time.monotonic() + timeout
    while not done():
        if time.monotonic() > end:
            raise TimeoutError(f"screenshots: timed out waiting for {what}")
        QApplication.processEvents()
        time.sleep(0.01)
    QApplication.processEvents()


def settle(seconds: float = 0.15) -> None:
    """Let layouts and repaints happen before a picture."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


class Session:
    """One window on its own sandbox, in a temporary console home."""

    def __init__(self, home: Path) -> None:
        self.sandbox = Sandbox(device_cycle_s=0.2).start()
        self.questions: list[Question] = []
        self.app = ConsoleApp(
            paths=app_paths({ENV_HOME: str(home)}),
            secret_store=MemoryStore(),
            sandbox=self.sandbox,
            synchronous=False,
        )
        self.window = self.app.window
        self.window.ws.confirm = self._confirm
        self.window.ws.ask_note = self._note
        self.window.resize(*SIZE)
        self.window.show()
        self.app.start()
        wait_until("the sandbox profile", lambda: self.window.ws.env is not None)
        wait_until("the machines", lambda: self.window.machines.model.rowCount() == 4)

    def _confirm(self, question: Question) -> bool:
        self.questions.append(question)
        return True

    def _note(self, request: NoteRequest) -> str | None:
        return QCoreApplication.translate("screenshots", "Customer asked at the counter")

    def close(self) -> None:
        self.app.shutdown()  # also disconnects the window's tab-change slot
        self.window.close()
        self.window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        self.sandbox.stop()

    # -- steps -----------------------------------------------------------------------

    def choose_machine(self, machine_no: str) -> None:
        panel = self.window.machines
        for row in range(panel.proxy.rowCount()):
            if panel.proxy.index(row, 1).data() == machine_no:
                panel.view.selectRow(row)
                break
        order = self.window.order_panel
        wait_until("the machine", lambda: order.machine_no == machine_no)
        wait_until("its products", lambda: order.products_ready)

    def new_paid_order(self) -> int:
        panel = self.window.order_panel
        self.window.tabs.setCurrentIndex(0)
        panel.create_order(PRODUCT, 1)
        wait_until("the new order", lambda: panel.view is not None and not panel.busy)
        assert panel.view is not None
        order_id = panel.view.order.order_id
        panel.status_combo.setCurrentIndex(panel.status_combo.findData(1))
        panel.apply_status()
        wait_until(
            "the order paid",
            lambda: panel.view is not None and panel.view.order.status == "SUCCESS",
        )
        wait_until("the panel idle", lambda: not panel.busy)
        return order_id

    def dispense_all(self) -> None:
        panel = self.window.order_panel
        panel.dispense_all()
        wait_until("the dispense result", lambda: not panel.busy, timeout=40)

    def grab(self, widget: QWidget, path: Path) -> Path:
        settle()
        if not widget.grab().save(str(path)):
            raise OSError(f"screenshots: could not write {path}")
        return path

    def grab_question(self, question: Question, path: Path) -> Path:
        box, _ = question_box(self.window, question)
        box.show()
        settle()
        try:
            return self.grab(box, path)
        finally:
            box.close()
            box.deleteLater()


def take(out: Path, home: Path, suffix: str = "") -> list[Path]:
    """The guide's pictures, in the order the guide tells the work: ``<name><suffix>.png``
    (in the language installed now: ``suffix`` says which, e.g. ``-zh_CN``)."""
    out.mkdir(parents=True, exist_ok=True)
    s = Session(home / f"guide{suffix}")
    shots: list[Path] = []
    try:
        w = s.window
        s.choose_machine(LOBBY)
        s.new_paid_order()
        shots.append(s.grab(w, out / f"window{suffix}.png"))
        shots.append(s.grab(w.order_panel, out / f"mark-paid{suffix}.png"))

        s.dispense_all()
        shots.append(s.grab_question(s.questions[-1], out / f"dispense-confirm{suffix}.png"))
        shots.append(s.grab(w.order_panel, out / f"dispense{suffix}.png"))

        # The dispense's result callback, selected in the log pane.
        pane = w.log_pane
        pane.kind_combo.setCurrentIndex(pane.kind_combo.findData("callback"))
        pane.apply_filter()
        wait_until("a callback line", lambda: pane.model.rowCount() > 0)
        rows = [
            i
            for i in range(pane.model.rowCount())
            if (e := pane.model.entry(i)) is not None and "cross-check" not in e.summary
        ]
        pane.view.selectRow(rows[-1] if rows else pane.model.rowCount() - 1)
        shots.append(s.grab(pane, out / f"callback{suffix}.png"))
        pane.kind_combo.setCurrentIndex(0)

        # A dispense that fails: the follow-up, then moving it to refund.
        s.new_paid_order()
        s.sandbox.inject("device:fail=2#1")
        s.dispense_all()
        followups = w.followups
        wait_until("the follow-up", lambda: followups.model.rowCount() > 0)
        w.tabs.setCurrentIndex(1)
        followups.view.selectRow(0)
        wait_until("the refund button", followups.refund_button.isEnabled)
        shots.append(s.grab(w, out / f"followup{suffix}.png"))
        followups.refund()
        shots.append(s.grab_question(s.questions[-1], out / f"refund-confirm{suffix}.png"))
        wait_until(
            "the refund requested",
            lambda: (row := followups.selected()) is not None and row.state == "refund_requested",
        )
        shots.append(s.grab(w, out / f"refund{suffix}.png"))

        # Troubleshooting the canteen machine's stuck slot A12.
        s.choose_machine(CANTEEN)
        view = w.troubleshoot
        w.tabs.setCurrentWidget(view)
        wait_until(
            "the machine checked",
            lambda: (
                view.diagnosis is not None
                and view.diagnosis.machine_no == CANTEEN
                and not view.busy
            ),
        )
        view.select_slot("A12")
        before = view.last_test
        view.test_selected()
        wait_until(
            "the test dispense",
            lambda: view.last_test is not before and not view.busy and view.diagnosis is not None,
            timeout=40,
        )
        view.select_slot("A12")
        shots.append(s.grab(w, out / f"troubleshoot{suffix}.png"))
    finally:
        s.close()
    return shots


# Every tab at the smallest screens the window is made for (docs/images/size-*.png).
SMALL_SIZES = ((1024, 700), (1366, 768))
TABS = ("orders", "followups", "troubleshoot")


def take_sizes(out: Path, home: Path, suffix: str = "") -> list[Path]:
    """Every tab, with data in it, at each of ``SMALL_SIZES``: ``size-<tab>-<w>x<h><suffix>.png``."""
    out.mkdir(parents=True, exist_ok=True)
    s = Session(home / f"sizes{suffix}")
    shots: list[Path] = []

    def grab_tab(tab: str) -> None:
        w = s.window
        for width, height in SMALL_SIZES:
            w.resize(width, height)
            if tab == "troubleshoot":
                w.tabs.setCurrentWidget(w.troubleshoot)
            else:
                w.tabs.setCurrentIndex(TABS.index(tab))
            shots.append(s.grab(w, out / f"size-{tab}-{width}x{height}{suffix}.png"))

    try:
        w = s.window
        # The canteen machine's faults and history in Troubleshoot.
        s.choose_machine(CANTEEN)
        view = w.troubleshoot
        w.tabs.setCurrentWidget(view)
        wait_until(
            "the machine checked",
            lambda: (
                view.diagnosis is not None
                and view.diagnosis.machine_no == CANTEEN
                and not view.busy
            ),
        )
        grab_tab("troubleshoot")
        # A follow-up from a failed dispense, then an order with several records.
        s.choose_machine(LOBBY)
        s.new_paid_order()
        s.sandbox.inject("device:fail=1#1")
        s.dispense_all()
        wait_until("the follow-up", lambda: w.followups.model.rowCount() > 0)
        panel = w.order_panel
        order_id = s.sandbox.demo_order("paid_multi")
        panel.order_edit.setText(str(order_id))
        panel.open_typed_order()
        wait_until(
            "the order with several records",
            lambda: panel.view is not None and panel.view.order.order_id == order_id,
        )
        wait_until("the panel idle", lambda: not panel.busy)
        grab_tab("orders")
        grab_tab("followups")
    finally:
        s.close()
    return shots


def in_chinese(
    take_them: Callable[[Path, Path, str], list[Path]], out: Path, home: Path
) -> list[Path]:
    """``take_them(out, home, "-zh_CN")`` with the window in Chinese."""
    if not install_language(LANGUAGE_ZH):
        raise SystemExit("screenshots: no compiled Chinese translation: run `make translations`")
    try:
        return take_them(out, home, "-zh_CN")
    finally:
        install_language(LANGUAGE_EN)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--no-chinese", action="store_true", help="skip the Chinese pictures")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Vending Console")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="vc-shots-") as tmp:
        shots = take(args.out, Path(tmp))
        shots += take_sizes(args.out, Path(tmp))
        if not args.no_chinese:
            shots += in_chinese(take, args.out, Path(tmp))
            shots += in_chinese(take_sizes, args.out, Path(tmp))
    for path in shots:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    print(f"{len(shots)} screenshots in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
