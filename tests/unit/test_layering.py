"""`make lint` enforces the layering (import-linter contracts in pyproject.toml).

Shown on a copy of the project with two deliberate breaks: the journal importing
the task layer above it, and the task layer importing Qt's widgets.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(sys.executable).parent.parent


def _copy_project(to: Path) -> Path:
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", ".*cache", "*.egg-info")
    for name in ("console", "tests", "benchmarks", "scripts"):
        shutil.copytree(ROOT / name, to / name, ignore=skip)
    for name in ("pyproject.toml", "Makefile"):
        shutil.copy2(ROOT / name, to / name)
    return to


def _make_lint(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        # -o: the venv counts as installed (it is this suite's own).
        ["make", "--no-print-directory", "-o", f"{VENV}/.installed", "lint", f"VENV={VENV}"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=project,
    )


def _append(path: Path, line: str) -> None:
    text = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(f"{text}\n\n\n{line}\n", encoding="utf-8")  # as ruff format has it


def test_make_lint_fails_on_an_upward_import_and_on_widgets_outside_the_window(
    tmp_path: Path,
) -> None:
    project = _copy_project(tmp_path / "project")
    _append(project / "console" / "journal" / "rows.py", "import console.tasks  # noqa: E402, F401")
    _append(
        project / "console" / "tasks" / "logfeed.py",
        "from PySide6.QtWidgets import QWidget  # noqa: E402, F401",
    )
    run = _make_lint(project)
    out = run.stdout + run.stderr
    assert run.returncode != 0, out
    assert "api, journal and credentials import only core BROKEN" in out
    assert "console.journal.rows -> console.tasks" in out
    assert "no package but ui and app imports Qt's widgets BROKEN" in out
    assert "console.tasks.logfeed:" in out and "PySide6.QtWidgets" in out
    # Through the journal, the receiver now reaches up to the task layer as well.
    assert "receiver, sandbox, troubleshoot and dispensing import nothing above them BROKEN" in out
    # ... and so does the service (vendctl serve), which uses the journal.
    assert "service (vendctl serve) imports the Qt-free layers only, never a face BROKEN" in out
    # ruff passed on the copy and every other contract held.
    assert "Contracts: 8 kept, 4 broken." in out
