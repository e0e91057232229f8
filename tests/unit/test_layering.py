"""Dependencies point one way: Qt stays out of the core, I/O stays out of the UI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "console"
QT_FREE = ["core", "api", "journal", "credentials", "receiver", "sandbox", "troubleshoot"]
NO_IO_IN_UI = {"requests", "sqlite3", "keyring", "urllib3", "http"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("package", QT_FREE)
def test_qt_free_packages_do_not_import_qt(package: str) -> None:
    files = list((ROOT / package).rglob("*.py"))
    assert files, f"console/{package} has no modules"
    for f in files:
        bad = {m for m in _imports(f) if m.split(".")[0] in {"PySide6", "shiboken6"}}
        assert not bad, f"{f.relative_to(ROOT)} imports {bad}"


def test_core_does_no_io() -> None:
    for f in (ROOT / "core").rglob("*.py"):
        bad = {m for m in _imports(f) if m.split(".")[0] in NO_IO_IN_UI | {"socket", "console"}}
        bad = {m for m in bad if not m.startswith("console.core")}
        assert not bad, f"{f.relative_to(ROOT)} imports {bad}"


def test_ui_does_no_io_directly() -> None:
    for f in (ROOT / "ui").rglob("*.py"):
        bad = {m for m in _imports(f) if m.split(".")[0] in NO_IO_IN_UI}
        assert not bad, f"{f.relative_to(ROOT)} imports {bad}"
