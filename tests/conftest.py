"""Shared fixtures: every test gets its own console home; Qt runs offscreen."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def console_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """All files the console writes go under a fresh folder per test."""
    home = tmp_path / "vc-home"
    monkeypatch.setenv("VENDING_CONSOLE_HOME", str(home))
    for name in ("VENDCTL_APPID", "VENDCTL_APP_SECRET", "VENDCTL_SIGN_KEY", "VENDCTL_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    yield home
