"""`vending-console --self-check` from the venv: the installation checks itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from console import resources

ROOT = Path(__file__).resolve().parents[2]


def _self_check(env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "vending-console"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "console"]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **env_extra}
    return subprocess.run(
        [*cmd, "--self-check"], capture_output=True, text=True, timeout=90, env=env, cwd=ROOT
    )


# Every check passes; no usable keyring is a warning (the console then offers
# session-only secrets).
ALL_OK_WITHOUT_KEYRING = {
    "imports": "ok",
    "icon": "ok",
    "translations": "ok",
    "keyring": "warn",
    "window": "ok",
    "sandbox": "ok",
    "receiver": "ok",
}


def check_statuses(run: subprocess.CompletedProcess[str], where: str) -> list[str]:
    """The self-check's lines, after checking its heading and that it reported every check
    as ``ALL_OK_WITHOUT_KEYRING`` says."""
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("vending-console ") and f"({where}, " in lines[0], lines[0]
    status = {line.split()[1].rstrip(":"): line.split()[0] for line in lines[1:-1]}
    assert status == ALL_OK_WITHOUT_KEYRING, run.stdout
    return lines


def test_self_check_passes_and_reports_every_check() -> None:
    run = _self_check({"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    lines = check_statuses(run, "source")
    assert "backends found:" in run.stdout and "SecretService" in run.stdout
    assert "answered ping at http://127.0.0.1:" in run.stdout
    assert f"ok   translations: vending_console_zh_CN in {resources.translations_dir()}" in lines
    assert lines[-1].startswith("self-check: ") and lines[-1].endswith(", 0 fail")


@pytest.mark.keyring
def test_self_check_names_the_keyring_in_use() -> None:
    """Inside the private D-Bus session with GNOME Keyring (make test's keyring group)."""
    run = _self_check({})
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ok   keyring: using SecretService Keyring" in run.stdout


def test_self_check_fails_when_the_icon_is_missing(tmp_path: Path) -> None:
    """A broken installation exits 1 and says which check failed."""
    fake = tmp_path / "resources"  # an installation whose package data went missing
    fake.mkdir()
    code = (
        "import pathlib, sys; import console.resources as r\n"
        "r.resources_dir = lambda: pathlib.Path(sys.argv[1])\n"
        "from console.app.selfcheck import run; raise SystemExit(run())\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(fake)],
        capture_output=True,
        text=True,
        timeout=90,
        env={**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
        cwd=ROOT,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"fail icon: not found at {fake / 'icon.svg'}" in run.stdout
    assert "warn translations: none shipped" in run.stdout
    assert run.stdout.splitlines()[-1].endswith("1 fail")
