"""`vending-console` with no display: one sentence and exit 2, never Qt's abort."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.display import NO_DISPLAY, display_problem
from tests.tools import require_tool

EXE = Path(sys.executable).parent / "vending-console"


def _run(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    base.pop("QT_QPA_PLATFORM", None)
    base["VENDING_CONSOLE_HOME"] = str(tmp_path / "home")
    return subprocess.run(
        [str(EXE)], capture_output=True, text=True, timeout=60, env={**base, **env}
    )


@pytest.mark.parametrize("env", [{}, {"DISPLAY": ":87"}], ids=["unset", "no-server"])
def test_no_display_is_one_sentence_and_exit_2(env: dict[str, str], tmp_path: Path) -> None:
    run = _run(env, tmp_path)
    assert run.returncode == 2, run.stderr
    assert run.stderr == f"vending-console: {NO_DISPLAY}\n"
    assert run.stdout == ""
    assert not (tmp_path / "home").exists()  # nothing started, nothing written


def test_make_run_without_a_display_says_the_same(tmp_path: Path) -> None:
    """`env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM make run` (Debian installs off)."""
    make = shutil.which("make")
    assert make is not None
    root = Path(__file__).resolve().parents[2]
    base = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    base.pop("QT_QPA_PLATFORM", None)
    base["VENDING_CONSOLE_HOME"] = str(tmp_path / "home")
    run = subprocess.run(
        # This suite's venv, taken as installed; no Debian installs.
        [
            make,
            "--no-print-directory",
            "-o",
            f"{sys.prefix}/.installed",
            "run",
            f"VENV={sys.prefix}",
            "SYSTEM_DEPS=true",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=root,
        env=base,
    )
    assert run.returncode == 2, run.stdout + run.stderr
    assert f"vending-console: {NO_DISPLAY}" in run.stderr.splitlines()
    assert "Aborted" not in run.stderr and "core dumped" not in run.stderr
    assert "xcb-cursor0" not in run.stderr


@pytest.fixture
def xvfb() -> Iterator[str]:
    """A real X server on a display number it chooses itself (-displayfd)."""
    tool = require_tool("Xvfb", "scripts/system-deps.sh")
    read, write = os.pipe()
    proc = subprocess.Popen(
        [tool, "-displayfd", str(write), "-nolisten", "tcp", "-screen", "0", "800x600x24"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as ready:
            number = ready.readline().strip()  # written once the server accepts clients
        assert number.isdigit(), "Xvfb did not start"
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_running_x_server_counts_as_a_display(xvfb: str) -> None:
    assert display_problem({"DISPLAY": xvfb}, plugin_missing=lambda: []) is None
    assert display_problem({"DISPLAY": ":86"}, plugin_missing=lambda: []) == NO_DISPLAY
