"""Keyboard and assistive technology: every control is named, mnemonics do not clash.

The name checked is the one a screen reader gets (``QAccessibleInterface.text(Name)``):
a button's or check box's words, the buddy label of an edit or list, or the
``accessibleName`` set where Qt can derive none (tables, unlabelled lists, icon
buttons). Mnemonics are the ``&X`` of buttons, check boxes, buddy labels and
menus that are shown at the same time; two alike would make Alt+X only move the
focus between them instead of acting.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from console.settings import LANGUAGE_EN, LANGUAGE_ZH, install_language, ui_lang
from console.ui.dialogs import NoteDialog, NoteRequest, Question, question_box
from console.ui.order_panel import NewOrderDialog
from console.ui.profiles_dialog import ProfilesDialog
from tests.gui.conftest import choose_machine

ROOT = Path(__file__).resolve().parents[2]
TS_FILE = ROOT / "console" / "resources" / "translations" / "vending_console_zh_CN.ts"
CJK = re.compile(r"[\u4e00-\u9fff]")
MNEMONIC = re.compile(r"(?<!&)&([^&\s])")
PROPER = re.compile(r"AppSecret|Appid|\(\w\)")  # the platform's own field names
CONTROLS = (
    QAbstractButton,
    QComboBox,
    QLineEdit,
    QAbstractSpinBox,
    QAbstractItemView,
    QPlainTextEdit,
    QTextEdit,
    QTabBar,
)


@pytest.fixture(params=[LANGUAGE_EN, LANGUAGE_ZH])
def language(request: pytest.FixtureRequest, qapp) -> Iterator[str]:
    assert install_language(request.param)  # the shipped .qm (test_translations checks it)
    yield request.param
    install_language(LANGUAGE_EN)


def controls(top: QWidget) -> list[QWidget]:
    """The controls of ``top`` a user can reach with Tab (Qt's own inner parts left out)."""
    found = []
    for w in top.findChildren(QWidget):
        if not isinstance(w, CONTROLS) or w.objectName().startswith("qt_"):
            continue
        if _inside(w, (QAbstractSpinBox, QComboBox)):
            continue  # the line edit inside a spin box, a combo box's popup list
        if not w.focusPolicy() & w.focusPolicy().TabFocus:
            continue  # title-bar and scroll buttons, the table's corner button
        found.append(w)
    return found


def _inside(w: QWidget, kinds: tuple[type, ...]) -> bool:
    parent = w.parentWidget()
    while parent is not None:
        if isinstance(parent, kinds):
            return True
        parent = parent.parentWidget()
    return False


def spoken_name(w: QWidget) -> str:
    iface = QAccessible.queryAccessibleInterface(w)
    assert iface is not None, w
    return iface.text(QAccessible.Text.Name).strip()


def unnamed(top: QWidget) -> list[str]:
    missing = []
    for w in controls(top):
        name = spoken_name(w)
        if not name:
            missing.append(f"{type(w).__name__} {w.objectName()!r} in {w.parentWidget()!r}")
        elif ui_lang() == "zh" and not CJK.search(name) and PROPER.sub("", name).strip("：:"):
            missing.append(f"{type(w).__name__} named {name!r} (not Chinese)")
    return missing


def mnemonic_clashes(top: QWidget) -> list[str]:
    """Mnemonics shown together in ``top`` (as it is now: hidden tabs left out) that clash."""
    owners: dict[str, list[str]] = defaultdict(list)
    for w in top.findChildren(QWidget):
        if not w.isVisibleTo(top):
            continue
        if isinstance(w, QAbstractButton) or (isinstance(w, QLabel) and w.buddy() is not None):
            text = w.text()
        elif isinstance(w, QTabBar):
            text = "".join(w.tabText(i) for i in range(w.count()))
        else:
            continue
        for key in MNEMONIC.findall(text):
            owners[key.lower()].append(text)
    menubar = getattr(top, "menuBar", None)
    if menubar is not None:
        for action in menubar().actions():
            for key in MNEMONIC.findall(action.text()):
                owners[key.lower()].append(action.text())
    return [f"Alt+{key.upper()}: {texts}" for key, texts in owners.items() if len(texts) > 1]


def dialogs(window) -> list[QWidget]:
    """The window's dialogs; a note's and a question's words come from their callers."""
    panel = window.order_panel
    words = "退款" if ui_lang() == "zh" else "Refund"
    return [
        NewOrderDialog(window, panel.machine_no, list(panel.products.values())),
        ProfilesDialog(window.runner, window.profiles, window.secrets, window),
        NoteDialog(window, NoteRequest(title=words, prompt=words, action=words)),
        question_box(window, Question(title=words, text=words, action=words))[0],
    ]


def test_every_control_has_a_name_in_both_languages(language, make_console, qtbot) -> None:
    app = make_console()
    window = app.window
    window.show()
    choose_machine(qtbot, app)
    window.troubleshoot  # noqa: B018 - built on first use
    missing = unnamed(window)
    for d in dialogs(window):
        qtbot.addWidget(d)
        missing += [f"{d.windowTitle()}: {m}" for m in unnamed(d)]
    assert not missing, "\n".join(missing)


def test_mnemonics_do_not_clash_in_either_language(language, make_console, qtbot) -> None:
    app = make_console()
    window = app.window
    window.show()
    choose_machine(qtbot, app)
    clashes = []
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        if i == 2:
            window.troubleshoot.pages.setCurrentIndex(0)  # the slots and Test-dispense
        clashes += [f"tab {window.tabs.tabText(i)}: {c}" for c in mnemonic_clashes(window)]
    for d in dialogs(window):
        qtbot.addWidget(d)
        d.show()
        clashes += [f"{d.windowTitle()}: {c}" for c in mnemonic_clashes(d)]
        d.hide()
    assert not clashes, "\n".join(clashes)


def test_every_mnemonic_has_a_chinese_one() -> None:
    root = ET.parse(TS_FILE).getroot()  # noqa: S314 - our own .ts file
    bad = []
    for ctx in root.iter("context"):
        for msg in ctx.iter("message"):
            source = msg.findtext("source", "")
            translation = msg.find("translation")
            if translation is None or translation.get("type") in ("obsolete", "vanished"):
                continue
            if not MNEMONIC.search(source):
                continue
            ours = MNEMONIC.findall(translation.text or "")
            if len(ours) != 1 or not re.fullmatch(r"[A-Za-z0-9]", ours[0]):
                bad.append(f"{ctx.findtext('name')}: {source!r} -> {translation.text!r}")
    assert not bad, "\n".join(bad)
