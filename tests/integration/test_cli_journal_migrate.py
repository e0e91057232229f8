"""`vendctl journal migrate [--journal URL]`: what it did in one line, exit 0; a newer
schema, an unreachable database or a wrong password in one sentence, exit 3, with the
password never shown; a URL that cannot be used, exit 2."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from console.journal import HEAD_REVISION, Journal, current_revision, sqlite_url
from console.journal.schema import MIGRATIONS
from console.paths import app_paths

from .test_cli import vendctl

ROOT = Path(__file__).resolve().parents[2]


def test_the_default_journal_is_this_computers_file_and_a_second_run_changes_nothing() -> None:
    r = vendctl("journal", "migrate")
    path = app_paths().journal_file
    assert (r.code, r.err) == (0, "")
    assert (
        r.out == f"journal sqlite:///{path}: empty -> revision {HEAD_REVISION} (tables created)\n"
    )
    assert current_revision(sqlite_url(path)) == HEAD_REVISION
    r = vendctl("journal", "migrate", "--json")
    assert r.code == 0
    assert r.json["data"] == {
        "journal": f"sqlite:///{path}",
        "from": HEAD_REVISION,
        "to": HEAD_REVISION,
        "legacy_version": None,
        "changed": False,
    }
    r = vendctl("journal", "migrate")
    assert r.out == f"journal sqlite:///{path}: already current (revision {HEAD_REVISION})\n"


def test_a_journal_from_before_alembic_is_upgraded_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute(
        "INSERT INTO orders (profile, order_id, machine_no, trade_id, last_ts, last_iso)"
        " VALUES ('default', 60, '16327129', 'T60', 1, 'then')"
    )
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    r = vendctl("journal", "migrate", "--journal", f"sqlite:///{path}")
    assert r.code == 0, r.err
    assert r.out == (
        f"journal sqlite:///{path}: schema version 1 (before Alembic) -> revision "
        f"{HEAD_REVISION}, every row kept\n"
    )
    with Journal(path) as journal:
        summary = journal.get_order(60)
        assert summary is not None and summary.trade_id == "T60"


def test_postgresql_is_migrated_and_its_password_never_shown(pg_url: str) -> None:
    plain = pg_url.replace("postgresql+psycopg://", "postgresql://")
    password = make_url(pg_url).password
    assert password
    r = vendctl("journal", "migrate", "--journal", plain)
    assert r.code == 0, r.err
    masked = plain.replace(f":{password}@", ":***@")
    assert r.out == f"journal {masked}: empty -> revision {HEAD_REVISION} (tables created)\n"
    assert password not in r.out + r.err
    assert current_revision(pg_url) == HEAD_REVISION
    r = vendctl("journal", "migrate", "--journal", plain)
    assert r.out == f"journal {masked}: already current (revision {HEAD_REVISION})\n"


def test_a_wrong_postgresql_password_is_one_sentence_exit_3(pg_url: str) -> None:
    wrong = make_url(pg_url).set(drivername="postgresql", password="Wr0ng-pa55")
    url = wrong.render_as_string(hide_password=False)
    run = subprocess.run(
        [sys.executable, "-m", "console.cli", "journal", "migrate", "--journal", url],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert run.returncode == 3
    assert run.stdout == ""
    (line,) = run.stderr.splitlines()
    assert line.startswith("vendctl: cannot open the journal postgresql://vctest:***@127.0.0.1:")
    assert "password authentication failed" in line
    assert "Wr0ng-pa55" not in run.stderr and "Traceback" not in run.stderr


def test_an_unreachable_server_is_exit_3_and_a_bad_url_exit_2(tmp_path: Path) -> None:
    r = vendctl("journal", "migrate", "--journal", "postgresql://me:pw@127.0.0.1:1/vending")
    assert r.code == 3 and r.out == ""
    assert r.err.startswith("vendctl: cannot open the journal postgresql://me:***@127.0.0.1:1/")
    assert ":pw@" not in r.err and len(r.err.splitlines()) == 1
    for bad in ("mysql://me:pw@host/db", "sqlite://", "postgresql://me:pw@host", "not a url"):
        r = vendctl("journal", "migrate", "--journal", bad)
        assert r.code == 2, (bad, r.err)
        assert ":pw@" not in r.err and len(r.err.splitlines()) == 1, r.err


def test_a_newer_schema_is_refused_exit_3(pg_url: str) -> None:
    assert vendctl("journal", "migrate", "--journal", pg_url).code == 0
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    r = vendctl("journal", "migrate", "--journal", pg_url)
    assert r.code == 3 and r.out == ""
    assert "revision 9999, newer than this Vending Console knows" in r.err
    assert "upgrade Vending Console" in r.err and len(r.err.splitlines()) == 1
