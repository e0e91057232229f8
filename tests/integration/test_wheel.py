"""The wheel is a working program: built, installed into a fresh venv, self-checked there.

A wheel is how most Python users and every packager install the console, so
its icon, desktop files and compiled translations must travel inside the
``console`` package. The wheel is built from this checkout (no build
isolation: the test venv already has setuptools, and this runs offline) and
installed into a new venv whose own ``site-packages`` comes first; the
third-party packages come from the test venv through a path entry, so nothing
is downloaded. The installed copy runs from a folder outside the checkout, so
it cannot fall back on the source tree.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.integration.test_selfcheck import check_statuses

ROOT = Path(__file__).resolve().parents[2]
PIP = [sys.executable, "-m", "pip"]

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    build = tmp_path_factory.mktemp("build")  # keeps build/ out of the checkout
    run = subprocess.run(
        [*PIP, "wheel", "--no-deps", "--no-build-isolation", "--quiet", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "TMPDIR": str(build)},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    # A deprecation that breaks builds later must show now, not on the day it lands.
    assert "deprecated" not in run.stderr.lower(), run.stderr
    (found,) = out.glob("vending_console-*.whl")
    return found


def test_the_wheel_carries_the_icon_desktop_files_and_translations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (
        "console/resources/icon.svg",
        "console/resources/vending-console.desktop",
        "console/resources/io.github.vendingconsole.VendingConsole.metainfo.xml",
        "console/resources/translations/vending_console_zh_CN.qm",
        # The journal's migrations: a fresh journal is created by revision 0001.
        "console/journal/migrations/env.py",
        "console/journal/migrations/versions/0001_baseline.py",
    ):
        assert name in names, f"{name} is not in {wheel.name}"
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "License-Expression: LicenseRef-Proprietary" in text


def test_the_installed_wheel_passes_its_own_self_check(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / "bin" / "python"
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # only the new venv
    run = subprocess.run(
        [
            *PIP,
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=clean,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    site = Path(
        subprocess.check_output(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            text=True,
            timeout=30,
        ).strip()
    )
    # PySide6, requests, keyring...: the test venv's copies, after the wheel's own.
    (site / "zz-test-venv-packages.pth").write_text(sysconfig.get_path("purelib") + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        **clean,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    run = subprocess.run(
        [str(target / "bin" / "vending-console"), "--self-check"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=elsewhere,
    )
    lines = check_statuses(run, "installed")
    installed = site / "console" / "resources"
    assert f"ok   icon: {installed / 'icon.svg'}" in lines, run.stdout
    assert f"ok   translations: vending_console_zh_CN in {installed / 'translations'}" in lines
