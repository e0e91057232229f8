"""View ▸ Language switches the open window at once, and leaves nothing in the other language.

The window is given some state first (a machine chosen, an order open and dispensed
with a jam, so a follow-up is open, Troubleshoot checked), then switched through the
menu action; every visible text is walked: labels, buttons, group boxes, tabs, the
menus and their actions, placeholders, tooltips, combo boxes and table headers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import requests
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from console.app import ConsoleApp
from console.core.followup import REASON_SUSPICIOUS, REASON_UNKNOWN
from console.core.status import RECORD_STATUS_LABELS, OrderStatus
from console.settings import LANGUAGE_EN, LANGUAGE_ZH, install_language
from console.ui.main_window import MainWindow
from tests.gui.conftest import LEFT, WAIT_MS, choose_machine, new_paid_order

# Words that stay as they are in Chinese, each for a reason:
ALLOWED_ASCII = {
    # The language menu's own entry: each language is named in itself.
    "english",
    # Keys, named as printed on the keyboard (shortcuts in tooltips and placeholders).
    "ctrl",
    "enter",
    "esc",
    "shift",
    # The product's name and the name of the built-in profile (proper nouns).
    "vending",
    "console",
    "sandbox",
    # The platform's credentials and data are named by these in its own documents.
    "appid",
    "appsecret",
    # A fault text the platform sends raw, shown beside its translation (never instead).
    "goods",
    "are",
    "stuck",
    # Order status codes as the platform sends them, shown beside their meaning.
    "success",
    "notpay",
    # What a user types in the log's kind filter (a JSON format's name) and curl.
    "json",
    "lines",
    "jsonl",
    "curl",
}
# The only Chinese an English window shows: the language menu's own entry (each language
# names itself) and the platform's own words, shown beside their English labels.
ALLOWED_CJK = {"中文", *(s.label_zh for s in OrderStatus), *RECORD_STATUS_LABELS}

# A word of three letters or more; letters inside a token with digits are an id (trade ids).
WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{3,}(?![A-Za-z0-9])")
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]+")
TAG = re.compile(r"<[^>]+>")
URL = re.compile(r"\w+://\S+")
# The log's HTTP lines name the call as the platform's documents do: the method, HTTP and its
# status, the path (/orders/67) and the endpoint's name in brackets ([order_get]) are
# identifiers, the same in every language; only the words around them are ours.
IDENTIFIERS = re.compile(r"\b(?:GET|POST|PUT|DELETE|HTTP)\b|(?<!\S)/\S*|\[[a-z_]+\]")


def _clean(text: str) -> str:
    text = URL.sub(" ", TAG.sub(" ", text)).replace("&nbsp;", " ")
    text = IDENTIFIERS.sub(" ", text)
    return re.sub(r"&(?=\w)", "", text)


# Names the platform gives (machines, addresses, cabinets, products) are data, shown as given.
DATA_WORDS: set[str] = set()


def learn_the_platforms_names(sandbox) -> None:
    for machine in sandbox.state.machines.values():
        names = [machine.machine_name, machine.address, *machine.cabinet_names]
        names += [f"{p.name} {p.channel_name}" for p in machine.products.values()]
        for name in names:
            DATA_WORDS.update(w.lower() for w in WORD.findall(name))
            DATA_WORDS.update(CJK.findall(name))


def english_words(text: str) -> list[str]:
    words = WORD.findall(_clean(text))
    return [w for w in words if w.lower() not in ALLOWED_ASCII | DATA_WORDS]


def chinese_words(text: str) -> list[str]:
    found = CJK.findall(_clean(text))
    # Chinese punctuation alone (·, —) is not Chinese words.
    return [
        w for w in found if re.search(r"[\u3400-\u9fff]", w) and w not in ALLOWED_CJK | DATA_WORDS
    ]


def _actions(actions: list[QAction]) -> Iterator[tuple[str, str]]:
    for a in actions:
        if a.isSeparator() or not a.isVisible():
            continue
        yield f"action {a.objectName() or a.text()!r}", a.text()
        if a.menu() is not None:
            yield from _actions(a.menu().actions())


def visible_texts(window: MainWindow) -> Iterator[tuple[str, str]]:
    """(where, text) for every text a user can see now in ``window`` and its menus."""
    yield from _actions(window.menuBar().actions())
    for w in window.findChildren(QWidget):
        if not w.isVisible() or isinstance(w, QMenu):
            continue
        where = f"{type(w).__name__} {w.objectName()!r}"
        if w.toolTip():
            yield f"{where} tooltip", w.toolTip()
        if isinstance(w, (QLabel, QAbstractButton)):
            yield where, w.text()
        elif isinstance(w, QGroupBox):
            yield where, w.title()
        elif isinstance(w, (QLineEdit, QPlainTextEdit, QTextEdit)):
            yield f"{where} placeholder", w.placeholderText()
            if isinstance(w, (QPlainTextEdit, QTextEdit)) and w.isReadOnly():
                # What the program wrote there (a follow-up's history, a line's details).
                for i, line in enumerate(w.toPlainText().splitlines()):
                    yield f"{where} line {i}", line
        elif isinstance(w, QComboBox):
            yield where, w.currentText()
            yield f"{where} placeholder", w.placeholderText()
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                yield f"{where} tab {i}", w.tabText(i)
        if (
            isinstance(w, QAbstractItemView)
            and not isinstance(w.parent(), QComboBox)
            and not isinstance(w, QHeaderView)
        ):
            model = w.model()
            for c in range(model.columnCount()):
                header = model.headerData(c, Qt.Orientation.Horizontal)
                if header:
                    yield f"{where} header {c}", str(header)
            for r in range(min(model.rowCount(), 200)):
                for c in range(model.columnCount()):
                    cell = model.data(model.index(r, c), Qt.ItemDataRole.DisplayRole)
                    if isinstance(cell, str) and cell:
                        yield f"{where} cell {r},{c}", cell


def walk_every_tab(window: MainWindow) -> list[tuple[str, str]]:
    """The visible texts with each tab shown in turn (a hidden tab's widgets are not)."""
    seen: list[tuple[str, str]] = []
    current = window.tabs.currentIndex()
    for tab in range(window.tabs.count()):
        window.tabs.setCurrentIndex(tab)
        seen += [(f"tab {tab}: {where}", text) for where, text in visible_texts(window)]
    window.tabs.setCurrentIndex(current)
    return seen


def _timeless(seen: tuple[str, str]) -> tuple[str, str]:
    return seen[0], re.sub(r"\d\d:\d\d:\d\d", "hh:mm:ss", seen[1])


def set_the_scene(qtbot, app: ConsoleApp, sandbox) -> None:
    """A machine chosen, an order open whose dispense jammed (a follow-up is open),
    the follow-up chosen and Troubleshoot checked."""
    window = app.window
    panel = window.order_panel
    window.show()
    qtbot.waitExposed(window)
    choose_machine(qtbot, app)
    new_paid_order(qtbot, app)
    sandbox.inject("callback:drop")
    sandbox.inject("device:fail=2,Goods are Stuck#1")
    qtbot.mouseClick(panel.dispense_all_button, LEFT)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.tabs.tabText(1) == "Follow-ups (1)", timeout=WAIT_MS)
    window.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: window.followups.selected() is not None, timeout=WAIT_MS)
    window.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: window.troubleshoot.diagnosis is not None, timeout=WAIT_MS)
    window.tabs.setCurrentIndex(0)
    window.drain()  # the log's lines reach the pane


def test_the_language_menu_switches_the_open_window_at_once(qtbot, console_app, sandbox) -> None:
    window = console_app.window
    learn_the_platforms_names(sandbox)
    set_the_scene(qtbot, console_app, sandbox)
    before = walk_every_tab(window)
    assert len(before) > 150  # the walk sees the window, not only its menus
    assert not [(w, t) for w, t in before if chinese_words(t)]  # English to start with
    try:
        window.language_actions[LANGUAGE_ZH].trigger()
        assert window.settings.language == LANGUAGE_ZH
        assert window.statusBar().currentMessage() == "界面语言已更改。"
        assert window.tabs.tabText(1) == "跟进 (1)"
        left = [(w, t, english_words(t)) for w, t in walk_every_tab(window) if english_words(t)]
        assert not left, "\n".join(f"{w}: {t!r} {words}" for w, t, words in left)
        # Texts computed from data follow too: the order's status, the dropdown.
        assert "支付成功" in window.order_panel.status_label.text()
        assert "paid" not in window.order_panel.status_combo.itemText(0)

        window.language_actions[LANGUAGE_EN].trigger()
        assert window.statusBar().currentMessage() == "Language changed."
        left = [(w, t, chinese_words(t)) for w, t in walk_every_tab(window) if chinese_words(t)]
        assert not left, "\n".join(f"{w}: {t!r} {words}" for w, t, words in left)
        assert window.tabs.tabText(1) == "Follow-ups (1)"
        # English as it was (Troubleshoot checked again, so its clock time may move on).
        assert sorted(map(_timeless, walk_every_tab(window))) == sorted(map(_timeless, before))
    finally:
        install_language(LANGUAGE_EN)


def _log_texts(window: MainWindow) -> list[tuple[str, str]]:
    """Every log line's words as the pane shows them (all of them, not a screenful)."""
    model = window.log_pane.model
    return [
        (f"log line {r}", str(model.data(model.index(r, 4), Qt.ItemDataRole.DisplayRole)))
        for r in range(model.rowCount())
    ]


def _recent_texts(window: MainWindow) -> list[tuple[str, str]]:
    """The Recent list's entries (a combo box's list: the walk sees only its current text)."""
    model = window.order_panel.recent_model
    return [
        (f"recent {r}", str(model.data(model.index(r, 0), Qt.ItemDataRole.DisplayRole)))
        for r in range(model.rowCount())
    ]


def _dispense(qtbot, app: ConsoleApp) -> int:
    """A new paid order dispensed; returns its id once its callback's cross-check is in."""
    window = app.window
    order_id = new_paid_order(qtbot, app)
    qtbot.mouseClick(window.order_panel.dispense_all_button, LEFT)
    qtbot.waitUntil(lambda: not window.order_panel.busy, timeout=WAIT_MS)

    def cross_checked() -> bool:
        window.drain()
        return any(
            e.order_id == order_id and "cross-check" in e.summary
            for e in window.log_pane.model.shown()
        )

    qtbot.waitUntil(cross_checked, timeout=WAIT_MS)
    return order_id


def set_the_log_scene(qtbot, app: ConsoleApp, sandbox) -> None:
    """Callbacks and their cross-checks in the log, a forged failure callback for a record
    that dropped (a suspicious follow-up), a dispense with no result whose check cannot
    reach the platform (a "result unknown" follow-up, transport error lines), and Recent
    entries that are callbacks."""
    window = app.window
    panel = window.order_panel
    env = window.ws.env
    assert env is not None
    env.ops.clock = sandbox.clock.now  # the console and the platform keep one time
    window.show()
    qtbot.waitExposed(window)
    choose_machine(qtbot, app)

    # A failure callback for a record the platform shows picked up: suspicious.
    delivered = _dispense(qtbot, app)
    assert panel.view is not None
    record = panel.view.order.records[0].id
    forged = {
        "method": "device.delivery.response",
        "order_id": delivered,
        "record_id": record,
        "deliver_status": "0",
        "error_msg": "Goods are Stuck",
        "floor_status": "2",
    }
    assert requests.post(env.receiver.url, json=forged, timeout=10).status_code == 200
    qtbot.waitUntil(
        lambda: any(f.reason == REASON_SUSPICIOUS for f in env.journal.list_followups("active")),
        timeout=WAIT_MS,
    )

    # A dispense whose callback comes after the order was read again: the order's latest
    # news, shown in Recent.
    sandbox.inject("callback:delay=1#1")
    _dispense(qtbot, app)

    def a_callback_is_recent() -> bool:
        panel.reload_recent()
        return any(" · callback: " in t for _, t in _recent_texts(window))

    qtbot.waitUntil(a_callback_is_recent, timeout=WAIT_MS)
    # No result, and the platform cannot be asked in time: "result unknown".
    new_paid_order(qtbot, app)
    sandbox.inject("callback:drop")
    sandbox.inject("device:noanswer#1")
    qtbot.mouseClick(panel.dispense_all_button, LEFT)
    qtbot.waitUntil(lambda: "is locked" in panel.lock_label.text(), timeout=WAIT_MS)
    window.cancel_action.trigger()  # the operator stops waiting; the result stays unknown
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    sent = sandbox.requests_for("dispense")[-1]
    sandbox.clock.advance(sent.at + 121 - sandbox.clock.now())
    # Until the test ends (the test's sandbox and console are its own): nothing settles it.
    env.client.read_timeout = 0.3
    sandbox.inject("order_get:latency=1")
    sandbox.inject("delivery:latency=1")
    window.check_timeouts()
    qtbot.waitUntil(
        lambda: any(f.reason == REASON_UNKNOWN for f in env.journal.list_followups("active")),
        timeout=WAIT_MS,
    )

    window.tabs.setCurrentIndex(1)
    model = window.followups.model

    def both_listed() -> bool:
        rows = [model.row_at(i) for i in range(model.rowCount())]
        return {REASON_SUSPICIOUS, REASON_UNKNOWN} <= {f.reason for f in rows if f is not None}

    window.followups.reload()
    qtbot.waitUntil(both_listed, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.followups.selected() is not None, timeout=WAIT_MS)
    window.tabs.setCurrentIndex(0)
    window.drain()


def test_log_lines_follow_ups_and_recent_entries_follow_the_language(
    qtbot, make_console, sandbox
) -> None:
    console_app = make_console(synchronous=False)  # the operator cancels a wait
    window = console_app.window
    learn_the_platforms_names(sandbox)
    set_the_log_scene(qtbot, console_app, sandbox)

    def everything() -> list[tuple[str, str]]:
        return walk_every_tab(window) + _log_texts(window) + _recent_texts(window)

    before = everything()
    said = "\n".join(t for _, t in before)
    # The scene has what this test is about, in English to start with.
    for expected in (
        "⇠ callback #",  # a callback line
        "cross-check: ok — order",  # its cross-check
        "cross-check: suspicious — the callback says failure but the platform shows record",
        "transport failure (timeout): the platform did not answer in time",  # a transport error
        "the platform did not confirm it (suspicious: the callback says failure",
        "the platform could not say (platform not reachable: transport failure (timeout)",
        " · callback: success — order",  # a Recent entry
    ):
        assert expected in said, expected
    assert not [(w, t) for w, t in before if chinese_words(t)]
    try:
        window.language_actions[LANGUAGE_ZH].trigger()
        qtbot.waitUntil(lambda: not window.runner.running(), timeout=WAIT_MS)  # texts re-read
        seen = everything()
        left = [(w, t, english_words(t)) for w, t in seen if english_words(t)]
        assert not left, "\n".join(f"{w}: {t!r} {words}" for w, t, words in left)
        said = "\n".join(t for _, t in seen)
        assert "⇠ 回调 #" in said and "核对:确认无误" not in said  # worded, not glued
        assert "通信失败（应答超时）" in said

        window.language_actions[LANGUAGE_EN].trigger()
        qtbot.waitUntil(lambda: not window.runner.running(), timeout=WAIT_MS)
        left = [(w, t, chinese_words(t)) for w, t in everything() if chinese_words(t)]
        assert not left, "\n".join(f"{w}: {t!r} {words}" for w, t, words in left)
        # The log's lines read as they did (new ones may have come meanwhile).
        logged = [s for s in before if s[0].startswith("log line")]
        assert _log_texts(window)[: len(logged)] == logged
    finally:
        install_language(LANGUAGE_EN)
