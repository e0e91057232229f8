"""scripts/system-deps.sh waits for a package lock another program holds, saying so once."""

from __future__ import annotations

import fcntl
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "system-deps.sh"


def _wait_lock(lock: Path, wait_s: str) -> subprocess.Popen[str]:
    env = {**os.environ, "APT_LOCK_FILES": str(lock), "APT_LOCK_WAIT_S": wait_s}
    return subprocess.Popen(
        ["bash", str(SCRIPT), "wait-lock"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_it_waits_for_a_held_lock_says_so_once_and_goes_on_when_freed(tmp_path: Path) -> None:
    lock = tmp_path / "lock-frontend"
    lock.write_text("")
    with lock.open("r+") as held:
        fcntl.lockf(held, fcntl.LOCK_EX)  # as apt holds it while another install runs
        proc = _wait_lock(lock, "600")
        assert proc.stdout is not None
        first = proc.stdout.readline()  # returns once the script has seen the lock held
        assert "is held by another program" in first and "up to 600 s" in first
        assert proc.poll() is None  # still waiting
        fcntl.lockf(held, fcntl.LOCK_UN)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert out.splitlines() == ["system-deps: the package lock is free, going on"]
    assert err == ""


def test_it_gives_up_after_the_limit_with_a_clear_message(tmp_path: Path) -> None:
    lock = tmp_path / "lock"
    lock.write_text("")
    with lock.open("r+") as held:
        fcntl.lockf(held, fcntl.LOCK_EX)
        proc = _wait_lock(lock, "0")
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert out.count("waiting for it") == 1
    assert "still held after 0 s" in err


def test_a_free_lock_costs_nothing_and_says_nothing(tmp_path: Path) -> None:
    lock = tmp_path / "lock"
    lock.write_text("")
    proc = _wait_lock(lock, "600")
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, out, err) == (0, "", "")


def _fake_bin(tmp_path: Path, missing: str) -> Path:
    """``dpkg-query`` that reports every package installed but ``missing``, and ``id``
    that says we are not root (so the script reports instead of installing)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "dpkg-query").write_text(
        f'#!/bin/sh\nfor p; do :; done\n[ "$p" = "{missing}" ] || printf installed\n'
    )
    (bin_dir / "id").write_text("#!/bin/sh\necho 1000\n")
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    return bin_dir


@pytest.mark.parametrize(
    "package",
    [
        "postgresql",  # the suite's own PostgreSQL server
        "systemd",  # systemd-analyze, which checks the service's unit file
    ],
)
def test_the_test_mode_wants_what_the_suite_runs(tmp_path: Path, package: str) -> None:
    bin_dir = _fake_bin(tmp_path, package)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    proc = subprocess.run(
        ["bash", str(SCRIPT), "test"], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 1
    assert f"missing Debian packages: {package}\n" in proc.stderr
    assert f"sudo apt-get install {package}" in proc.stderr


def test_nothing_missing_means_nothing_to_do(tmp_path: Path) -> None:
    bin_dir = _fake_bin(tmp_path, "no-such-package")
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    proc = subprocess.run(
        ["bash", str(SCRIPT), "test"], capture_output=True, text=True, env=env, timeout=60
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
