"""The suite's own PostgreSQL server (tests/pg.py): reachable with its password only,
never running as root, and an empty database for every test."""

from __future__ import annotations

import os

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.pg import PgServer


def _connect(url: str, password: str | None = None) -> psycopg.Connection[tuple[object, ...]]:
    u = make_url(url)
    return psycopg.connect(
        host=u.host,
        port=u.port,
        user=u.username,
        password=password if password is not None else u.password,
        dbname=u.database,
    )


def test_a_test_gets_an_empty_database_of_its_own(pg_url: str) -> None:
    with _connect(pg_url) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
        assert tables == (0,)
        conn.execute("CREATE TABLE mine (x int)")
        assert conn.execute("SELECT current_database()").fetchone() == (make_url(pg_url).database,)


def test_the_next_test_does_not_see_the_previous_ones_tables(pg_url: str) -> None:
    with _connect(pg_url) as conn:
        assert conn.execute("SELECT to_regclass('public.mine')").fetchone() == (None,)


def test_a_wrong_password_is_refused(pg_url: str) -> None:
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        _connect(pg_url, password="not-the-password")


def test_the_server_does_not_run_as_root(pg_server: PgServer, pg_url: str) -> None:
    with _connect(pg_url) as conn:
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()
    assert pid is not None
    uid = os.stat(f"/proc/{pid[0]}").st_uid
    assert uid != 0
    assert uid == os.geteuid() or os.geteuid() == 0


def test_a_halted_server_comes_back_at_the_same_address_with_its_data() -> None:
    server = PgServer()
    try:
        server.start()
        url = server.url("postgres").replace("postgresql+psycopg", "postgresql")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE kept (n int)")
            conn.execute("INSERT INTO kept VALUES (1)")
        server.pause()
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(url, connect_timeout=5)
        server.resume()
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT n FROM kept").fetchall() == [(1,)]
    finally:
        server.stop()
