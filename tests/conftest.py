"""Shared fixtures: every test gets its own console home; Qt runs offscreen."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg import PgServer

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def console_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """All files the console writes go under a fresh folder per test."""
    home = tmp_path / "vc-home"
    monkeypatch.setenv("VENDING_CONSOLE_HOME", str(home))
    for name in ("VENDCTL_APPID", "VENDCTL_APP_SECRET", "VENDCTL_SIGN_KEY", "VENDCTL_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    yield home


@pytest.fixture(autouse=True)
def collect_on_the_main_thread() -> Iterator[None]:
    """Garbage is collected here, on the test's (GUI) thread, never on a worker.

    As in the window (console/tasks/gcguard.py): an automatic collection that
    happened to run on a receiver or sandbox thread could destroy a test's
    widgets there and crash Qt.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        if was_enabled:
            gc.enable()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The suite's own PostgreSQL server (tests/pg.py), started once per session when a
    test first needs it; it fails loudly (never skips) when it cannot start."""
    server = PgServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def journal_at(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where a journal test keeps its journal, once per backend: a SQLite file (the
    window's default) and a fresh database on the suite's PostgreSQL server. ``Journal``
    opens either (a path or a URL); a test taking it runs on both, with the same
    assertions."""
    if request.param == "sqlite":
        return tmp_path / "data" / "journal.sqlite3"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, as a SQLAlchemy URL
    (``postgresql+psycopg://…``); dropped afterwards."""
    name = pg_server.create_database()
    try:
        yield pg_server.url(name)
    finally:
        pg_server.drop_database(name)
