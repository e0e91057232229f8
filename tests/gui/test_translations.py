"""The Chinese UI: the .ts covers every marked string, nothing user-visible is left unmarked,
and the window really shows Chinese once the translation is installed.

The .qm is compiled here with ``pyside6-lrelease`` into a temporary folder and
compared with the committed one (package data: what a wheel ships), which must
be byte for byte the same — ``make translations`` brings a stale one up to date.
"""

from __future__ import annotations

import ast
import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QMessageBox

from console.app import ConsoleApp
from console.core.faults import fault_meaning
from console.core.status import OrderStatus
from console.settings import (
    LANGUAGE_EN,
    LANGUAGE_SYSTEM,
    LANGUAGE_ZH,
    Settings,
    install_language,
    resolve_language,
    ui_lang,
)
from console.ui.dialogs import question_box
from console.ui.texts import describe_error, status_item_text, translate
from tests.gui.conftest import WAIT_MS, choose_machine, new_paid_order
from tests.tools import require_tool

ROOT = Path(__file__).resolve().parents[2]
TS_FILE = ROOT / "console" / "resources" / "translations" / "vending_console_zh_CN.ts"


def _tr_sources() -> list[Path]:
    """The files ``make translations-update`` scans (the Makefile's ``TR_SOURCES``)."""
    line = next(
        ln for ln in (ROOT / "Makefile").read_text().splitlines() if ln.startswith("TR_SOURCES")
    )
    patterns = line.split("=", 1)[1].split()
    return sorted(path for pattern in patterns for path in ROOT.glob(pattern))


SOURCES = _tr_sources()
CJK = re.compile(r"[\u4e00-\u9fff]")


def _tool(name: str) -> str:
    return require_tool(name, "PySide6, in the venv `make test` makes,")


def _messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    root = ET.parse(ts).getroot()  # noqa: S314 - our own .ts files
    return [
        (ctx.findtext("name", ""), msg.findtext("source", ""), msg)
        for ctx in root.iter("context")
        for msg in ctx.iter("message")
    ]


@pytest.fixture(scope="module")
def qm_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("qm")
    subprocess.run(
        [
            _tool("pyside6-lrelease"),
            "-silent",
            str(TS_FILE),
            "-qm",
            str(out / "vending_console_zh_CN.qm"),
        ],
        check=True,
        timeout=60,
    )
    return out


@pytest.fixture
def chinese(qapp, qm_dir: Path) -> Iterator[None]:
    assert install_language(LANGUAGE_ZH, qm_dir)
    yield
    install_language(LANGUAGE_EN)


# -- the .ts file ---------------------------------------------------------------------------


def test_the_shipped_qm_is_compiled_from_the_current_ts(qm_dir: Path) -> None:
    shipped = TS_FILE.with_suffix(".qm")
    assert shipped.is_file(), f"{shipped} is missing: run `make translations` and commit it"
    fresh = qm_dir / shipped.name
    assert shipped.read_bytes() == fresh.read_bytes(), (
        f"{shipped.name} is older than {TS_FILE.name}: run `make translations` and commit it"
    )


def test_the_shipped_translation_loads_from_the_package(qapp) -> None:
    try:
        assert install_language(LANGUAGE_ZH)  # from console.resources, as the program does
        assert translate("MainWindow", "Work is still running. Quit anyway?") != (
            "Work is still running. Quit anyway?"
        )
    finally:
        install_language(LANGUAGE_EN)


def test_every_marked_string_has_a_finished_chinese_translation() -> None:
    missing = [
        f"{ctx}: {src!r}"
        for ctx, src, msg in _messages(TS_FILE)
        if (t := msg.find("translation")) is not None
        and t.get("type") not in ("obsolete", "vanished")
        and (t.get("type") == "unfinished" or not (t.text or "").strip())
    ]
    assert not missing, "untranslated:\n" + "\n".join(missing)


def test_translations_keep_placeholders_and_mnemonics() -> None:
    bad = []
    for ctx, src, msg in _messages(TS_FILE):
        text = msg.findtext("translation") or ""
        if sorted(re.findall(r"\{[^}]*\}", src)) != sorted(re.findall(r"\{[^}]*\}", text)):
            bad.append(f"{ctx}: {src!r} -> {text!r} (placeholders)")
        single = re.compile(r"(?<!&)&(?!&)")
        if bool(single.search(src)) != bool(single.search(text)):
            bad.append(f"{ctx}: {src!r} -> {text!r} (mnemonic)")
        words = WORDS.search(KEPT.sub("", re.sub(r"\{[^}]*\}", "", src.replace("&", ""))))
        if ctx != "Language" and words and not CJK.search(text) and src != text:
            bad.append(f"{ctx}: {src!r} -> {text!r} (no Chinese)")
    assert not bad, "\n".join(bad)


def test_ts_is_in_step_with_the_sources(tmp_path: Path) -> None:
    """Every string the sources mark is in the committed .ts (run ``make translations-update``)."""
    fresh = tmp_path / "fresh.ts"
    subprocess.run(
        [_tool("pyside6-lupdate"), *map(str, SOURCES), "-ts", str(fresh)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    committed = {
        (ctx, src)
        for ctx, src, msg in _messages(TS_FILE)
        if (msg.find("translation") is None)
        or msg.find("translation").get("type") not in ("obsolete", "vanished")  # type: ignore[union-attr]
    }
    marked = {(ctx, src) for ctx, src, _ in _messages(fresh)}
    assert marked - committed == set(), "marked but not in the .ts"
    assert committed - marked == set(), "in the .ts but no longer marked"


# -- nothing user-visible left unmarked ----------------------------------------------------

# Calls whose string arguments the operator reads.
SINK_METHODS = {
    "setText",
    "setToolTip",
    "setStatusTip",
    "setWhatsThis",
    "setWindowTitle",
    "setPlaceholderText",
    "setSpecialValueText",
    "setInformativeText",
    "setDetailedText",
    "setTitle",
    "setTabText",
    "setTabToolTip",
    "setAccessibleDescription",
    "addItem",
    "addItems",
    "addTab",
    "addRow",
    "addButton",
    "addMenu",
    "showMessage",
    "show_message",
    "show_none",
    "post",
    "_message",
    "_say",
    "critical",
    "warning",
    "information",
    "question",
    "getSaveFileName",
    "getOpenFileName",
    "drawText",
}
SINK_CONSTRUCTORS = {
    "QLabel",
    "QPushButton",
    "QCheckBox",
    "QRadioButton",
    "QGroupBox",
    "QAction",
    "QToolBar",
    "QDockWidget",
    "QMessageBox",
    "QListWidgetItem",
    "Question",
    "NoteRequest",
    "Column",
    "ValueError",
    "CredentialsError",
}
MARKERS = {"translate", "tr", "QT_TRANSLATE_NOOP", "QT_TR_NOOP"}
WORDS = re.compile(r"[A-Za-z]{2,}")
# Names that stay as they are in Chinese too.
KEPT = re.compile(r"\b(HTTP|Appid|AppSecret|JSON|curl)\b")
# URLs and file names: no words to translate.
NOT_WORDS = re.compile(r"(https?://)?[\w-]+(\.[\w-]+)+")


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _bare(node: ast.AST | None) -> list[ast.AST]:
    """Literal words in ``node`` that reach the screen without a translation call."""
    if node is None:
        return []
    if isinstance(node, ast.Constant):
        if not isinstance(node.value, str) or NOT_WORDS.fullmatch(node.value):
            return []
        return [node] if WORDS.search(node.value) else []
    if isinstance(node, ast.JoinedStr):
        parts = [v for v in node.values if isinstance(v, ast.Constant)]
        inner = [
            bad for v in node.values if isinstance(v, ast.FormattedValue) for bad in _bare(v.value)
        ]
        return ([node] if any(WORDS.search(str(p.value)) for p in parts) else []) + inner
    if isinstance(node, ast.Call):
        name = _name(node.func)
        if name in MARKERS:
            return []
        if name in ("format", "join", "replace", "strip", "capitalize") and isinstance(
            node.func, ast.Attribute
        ):
            return _bare(node.func.value) + [b for a in node.args for b in _bare(a)]
        return []
    if isinstance(node, ast.BinOp):
        return _bare(node.left) + _bare(node.right)
    if isinstance(node, ast.BoolOp):
        return [b for v in node.values for b in _bare(v)]
    if isinstance(node, ast.IfExp):
        return _bare(node.body) + _bare(node.orelse)
    if isinstance(node, ast.Tuple | ast.List):
        return [b for e in node.elts for b in _bare(e)]
    return []


def unmarked_strings(path: Path) -> list[str]:
    """``file:line: text`` for each user-visible literal not passed through a translation."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            is_sink = name in SINK_CONSTRUCTORS or (
                name in SINK_METHODS and isinstance(node.func, ast.Attribute)
            )
            if name in SINK_METHODS and name in ("critical", "warning", "information"):
                # log.warning(...) is not the screen: only QMessageBox's.
                is_sink = _name(getattr(node.func, "value", node.func)) == "QMessageBox"
            if not is_sink:
                continue
            args = [*node.args, *(k.value for k in node.keywords)]
            for bad in (b for a in args for b in _bare(a)):
                found.append(f"{path.name}:{bad.lineno}: {ast.unparse(bad)[:70]}")
        if isinstance(node, ast.Call) and _name(node.func) in MARKERS:
            # translate("Ctx", f"...") cannot be looked up: the text must be a literal.
            texts = node.args[1:2] if _name(node.func) != "tr" else node.args[:1]
            if any(isinstance(t, ast.JoinedStr) for t in texts):
                found.append(f"{path.name}:{node.lineno}: f-string inside a translation call")
    return found


def test_no_user_visible_string_is_left_unmarked() -> None:
    found = [
        line
        for path in sorted((ROOT / "console" / "ui").glob("*.py"))
        for line in unmarked_strings(path)
    ]
    assert not found, "not marked for translation:\n" + "\n".join(found)


def test_the_check_catches_an_unmarked_string(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from PySide6.QtWidgets import QLabel, QPushButton\n"
        "a = QPushButton('&Apply')\n"
        "b = QLabel(translate('X', 'Marked'))\n"
        "a.setToolTip(f'Order {1} is open')\n"
        "b.setText(translate('X', 'Order {n}').format(n=1) + ' more words')\n"
        "ok = QLabel(translate('X', 'fine: {x}').format(x=str(1)))\n"
    )
    found = unmarked_strings(sample)
    assert [f.split(":")[1] for f in found] == ["2", "4", "5"]


# -- the language switch ----------------------------------------------------------------


def test_system_locale_picks_the_language() -> None:
    assert resolve_language(LANGUAGE_SYSTEM, QLocale(QLocale.Language.Chinese)) == LANGUAGE_ZH
    assert resolve_language(LANGUAGE_SYSTEM, QLocale(QLocale.Language.English)) == LANGUAGE_EN
    assert resolve_language(LANGUAGE_EN, QLocale(QLocale.Language.Chinese)) == LANGUAGE_EN
    assert resolve_language(LANGUAGE_ZH, QLocale(QLocale.Language.English)) == LANGUAGE_ZH


def test_language_setting_is_stored(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "c.ini")
    assert settings.language == LANGUAGE_SYSTEM
    settings.language = LANGUAGE_ZH
    settings.sync()
    assert Settings(tmp_path / "c.ini").language == LANGUAGE_ZH
    settings.language = "klingon"
    assert settings.language == LANGUAGE_SYSTEM


def test_view_menu_stores_the_language_and_shows_it_at_once(console_app: ConsoleApp) -> None:
    window = console_app.window
    assert window.language_actions[LANGUAGE_SYSTEM].isChecked()
    try:
        window.language_actions[LANGUAGE_ZH].trigger()
        assert window.settings.language == LANGUAGE_ZH
        assert Settings(console_app.paths.config_dir / "console.ini").language == LANGUAGE_ZH
        assert window.statusBar().currentMessage() == "界面语言已更改。"  # no restart
        assert window.refresh_action.text() == "刷新(&R)"
    finally:
        install_language(LANGUAGE_EN)


# -- the window in Chinese ---------------------------------------------------------------


def test_english_by_default(console_app: ConsoleApp) -> None:
    assert ui_lang() == "en"
    assert console_app.window.tabs.tabText(0) == "Machines && orders"
    assert console_app.window.order_panel.apply_button.text() == "&Apply"


def test_window_in_chinese(chinese: None, make_console, qtbot) -> None:
    assert ui_lang() == "zh"
    app = make_console()
    window = app.window
    tabs = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert tabs == ["机器与订单", "跟进 (0)", "故障排查"]
    panel = window.order_panel
    assert CJK.search(panel.apply_button.text()) and "&A" in panel.apply_button.text()
    assert CJK.search(panel.dispense_button.text())
    assert CJK.search(window.machines.title())
    assert CJK.search(window.log_pane.windowTitle())
    assert CJK.search(window.menuBar().actions()[0].text())
    # Status dropdown: the platform's own Chinese words, one per status.
    items = [panel.status_combo.itemText(i) for i in range(panel.status_combo.count())]
    assert items[0] == "1 — 支付成功"
    assert all(CJK.search(t) and "/" not in t for t in items)
    # Column headers of the machine list.
    header = window.machines.model.headerData(0, Qt.Orientation.Horizontal)
    assert header == "名称"
    # A banner, and a status-bar message after real work on the sandbox.
    qtbot.waitUntil(lambda: window.banner.kind == "sandbox", timeout=WAIT_MS)
    assert CJK.search(window.banner.text())
    choose_machine(qtbot, app)
    order_id = new_paid_order(qtbot, app)
    assert CJK.search(panel.message_label.text()), panel.message_label.text()
    assert str(order_id) in panel.message_label.text()


def test_confirmation_in_chinese(chinese: None, make_console, asker, qtbot) -> None:
    app = make_console()
    panel = app.window.order_panel
    choose_machine(qtbot, app)
    new_paid_order(qtbot, app)
    asker.answer = False
    panel.status_combo.setCurrentIndex(panel.status_combo.findData(int(OrderStatus.REFUND)))
    panel.apply_status()
    question = asker.questions[-1]
    for text in (question.title, question.text, question.action, question.detail):
        assert CJK.search(text), text
    box, go = question_box(None, question)
    try:
        assert go.text() == question.action
        cancel = box.button(QMessageBox.StandardButton.Cancel)
        assert cancel.text() in ("取消", "Cancel")  # Qt's own translation, when shipped
    finally:
        box.deleteLater()
    assert CJK.search(panel.message_label.text())  # "Nothing was sent."


def test_domain_texts_follow_the_language(chinese: None) -> None:
    meaning = fault_meaning("电机故障")
    assert meaning.text("zh") in (meaning.text(ui_lang()),)
    assert status_item_text(OrderStatus.REFUND) == "2 — 转入退款"
    assert CJK.search(describe_error(ValueError("x")) + translate("texts", "unknown"))


def test_dispense_failure_detail_in_chinese(chinese: None) -> None:
    from console.dispensing.engine import failure_text
    from console.ui.texts import render

    text = render(failure_text("电机故障", "2"))
    assert CJK.search(text.replace("电机故障", "")), text
