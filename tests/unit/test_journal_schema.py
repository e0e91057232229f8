"""One schema, two backends: Alembic migrates an empty SQLite file and an empty PostgreSQL
database (the suite's own server) to exactly the tables of ``console.journal.tables``;
journals from before Alembic upgrade in place keeping every row; a newer schema is refused."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from console.core.callback import parse_callback
from console.journal import (
    HEAD_REVISION,
    Journal,
    JournalError,
    NewerSchema,
    current_revision,
    migrate,
    sqlite_url,
    upgrade,
)
from console.journal.schema import HEAD_USER_VERSION, MIGRATIONS, REVISIONS
from console.journal.tables import metadata

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "journal.sqlite3")
    return str(request.getfixturevalue("pg_url"))


def _schema_differences(url: str) -> list[Any]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            # Alembic cannot compare SQLite's defaults (it reads '' as a change, and an
            # identity SQLite has no such thing): those are compared in _defaults below.
            ctx = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "compare_server_default": conn.dialect.name != "sqlite",
                },
            )
            return list(compare_metadata(ctx, metadata))
    finally:
        engine.dispose()


def _index_definitions(url: str) -> dict[str, str]:
    """Index name -> its definition as the database keeps it (with any WHERE)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                rows = conn.execute(
                    text(
                        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                    )
                )
            else:
                rows = conn.execute(
                    text("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'")
                )
            return {str(n): " ".join(str(d).split()) for n, d in rows}
    finally:
        engine.dispose()


def _plain(default: Any) -> str | None:
    """A column default as text, however the database spells it ('' vs ''::text)."""
    if default is None:
        return None
    text_ = str(getattr(default, "text", default))
    return text_.removesuffix("::text").strip("'")


def _assert_schema_is_the_metadata(url: str) -> None:
    assert _schema_differences(url) == []
    engine = create_engine(url)
    try:
        inspector = inspect(engine)
        assert set(inspector.get_table_names()) == set(metadata.tables) | {"alembic_version"}
        for table in metadata.sorted_tables:
            # Same columns in the same order: SELECT * and exports read alike everywhere.
            assert [c["name"] for c in inspector.get_columns(table.name)] == list(table.c.keys())
            reflected = {i["name"]: i for i in inspector.get_indexes(table.name)}
            defaults = {c["name"]: _plain(c["default"]) for c in inspector.get_columns(table.name)}
            wanted = {
                c.name: _plain(getattr(c.server_default, "arg", None)) for c in table.c
            }  # an identity column has no default to show
            assert defaults == wanted, table.name
            for index in table.indexes:
                got = reflected[index.name]
                assert got["column_names"] == [c.name for c in index.columns], index.name
                assert bool(got["unique"]) == bool(index.unique), index.name
    finally:
        engine.dispose()
    definitions = _index_definitions(url)
    partial = {
        i.name: str(i.dialect_options["sqlite"]["where"])
        for t in metadata.tables.values()
        for i in t.indexes
        if i.dialect_options["sqlite"]["where"] is not None
    }
    assert set(partial) == {"actions_in_flight", "actions_awaiting", "followups_source"}
    for name, where in partial.items():
        assert "WHERE" in definitions[name], definitions[name]
        words = where.replace("'", "").replace("(", "").replace(")", "").split()
        shown = definitions[name].split("WHERE", 1)[1].replace("'", "").replace("(", "")
        shown = shown.replace(")", "").replace("::text", "")
        assert shown.split() == words, (name, definitions[name])
    for name in metadata.tables["actions"].indexes:
        assert name.name in definitions


def test_the_revision_list_is_alembics(tmp_path: Path) -> None:
    config = Config()
    config.set_main_option("script_location", str(ROOT / "console" / "journal" / "migrations"))
    script = ScriptDirectory.from_config(config)
    walked = [s.revision for s in script.walk_revisions()][::-1]
    assert tuple(walked) == REVISIONS
    assert script.get_current_head() == HEAD_REVISION


def test_an_empty_database_migrates_to_exactly_the_tables(empty_url: str) -> None:
    assert current_revision(empty_url) is None
    done = upgrade(empty_url)
    assert (done.before, done.after, done.legacy_version) == (None, HEAD_REVISION, None)
    assert current_revision(empty_url) == HEAD_REVISION
    _assert_schema_is_the_metadata(empty_url)
    again = upgrade(empty_url)
    assert (again.before, again.after, again.changed) == (HEAD_REVISION, HEAD_REVISION, False)


def test_sqlite_keeps_its_rowid_ids_and_clustered_tables(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    migrate(sqlite_url(path))
    with sqlite3.connect(path) as conn:
        sql = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
        assert "WITHOUT ROWID" in sql["orders"] and "WITHOUT ROWID" in sql["items_out"]
        assert "WITHOUT ROWID" not in sql["actions"]
        conn.execute(
            "INSERT INTO actions (ts, ts_iso, profile, session, pid, kind, state) "
            "VALUES (1, 'x', 'p', 's', 1, 'dispense', 'ok')"
        )
        assert conn.execute("SELECT id = rowid FROM actions").fetchone() == (1,)
        assert conn.execute("PRAGMA user_version").fetchone() == (HEAD_USER_VERSION,)
    conn.close()


def test_postgresql_ids_are_identities_and_times_are_double(pg_url: str) -> None:
    migrate(pg_url)
    engine = create_engine(pg_url)
    try:
        with engine.connect() as conn:
            types = dict(
                conn.execute(
                    text(
                        "SELECT column_name, data_type FROM information_schema.columns "
                        "WHERE table_name = 'actions'"
                    )
                ).all()
            )
            identity = conn.execute(
                text(
                    "SELECT is_identity FROM information_schema.columns "
                    "WHERE table_name = 'callbacks' AND column_name = 'id'"
                )
            ).scalar()
    finally:
        engine.dispose()
    assert types["ts"] == "double precision" and types["order_id"] == "bigint"
    assert types["request"] == "text"
    assert identity == "YES"


def _rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as conn:
        out = {
            t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()  # noqa: S608
            for t in ("actions", "orders", "callbacks", "followups", "followup_events")
        }
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'items_out'").fetchone():
            out["items_out"] = conn.execute("SELECT * FROM items_out ORDER BY 1, 2, 3").fetchall()
    conn.close()
    return out


def test_a_version_1_journal_upgrades_in_place_keeping_every_row(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute(
        "INSERT INTO actions (ts, ts_iso, profile, session, pid, kind, machine_no, order_id,"
        " record_id, request, state, code, message, awaiting_result) VALUES (1.5, 't1',"
        " 'default', 's', 1, 'dispense', '16327129', 60, 7, '{\"paid\":true}', 'refused',"
        " 6001, 'no', 0)"
    )
    conn.execute(
        "INSERT INTO orders (profile, order_id, machine_no, trade_id, created_here, first_seen,"
        " first_seen_iso, last_ts, last_iso, last_activity) VALUES ('default', 60, '16327129',"
        " 'T60', 1, 1.0, 't0', 2.0, 't2', 'dispense: refused')"
    )
    conn.execute(
        "INSERT INTO callbacks (ts, ts_iso, profile, order_id, record_id, outcome, raw,"
        " raw_size, dedupe_key) VALUES (3.0, 't3', 'default', 60, 7, 'failure', x'7b7d', 2, 'k')"
    )
    conn.execute(
        "INSERT INTO followups (ts, ts_iso, profile, order_id, record_id, reason, meaning,"
        " source, source_id, state, updated_ts, updated_iso) VALUES (3.0, 't3', 'default', 60,"
        " 7, 'refund', 'failed', 'refused_dispense', 1, 'open', 3.0, 't3')"
    )
    conn.execute(
        "INSERT INTO followup_events (followup_id, ts, ts_iso, profile, event, to_state, actor)"
        " VALUES (1, 3.0, 't3', 'default', 'opened', 'open', 'console')"
    )
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    before = _rows(path)

    done = upgrade(sqlite_url(path))
    assert (done.before, done.legacy_version, done.after) == (None, 1, HEAD_REVISION)
    after = _rows(path)
    for table, rows in before.items():
        # The v1 columns first, unchanged; the v2 columns after them with their defaults.
        assert [r[: len(rows[0])] for r in after[table]] == rows, table
    assert after["actions"][0][len(before["actions"][0]) :] == ("", None)  # actor, delivery_id
    assert after["orders"][0][len(before["orders"][0]) :] == ("", "", "", "[]", None)
    assert after["items_out"] == []
    _assert_schema_is_the_metadata(sqlite_url(path))
    with Journal(path) as journal:
        assert (journal.revision, journal.schema_version) == (HEAD_REVISION, HEAD_USER_VERSION)
        (action,) = journal.list_actions(10, order_id=60)
        assert (action.kind, action.code, action.request) == ("dispense", 6001, {"paid": True})


def _legacy_v2_journal(path: Path) -> None:
    """A journal as the console wrote it before Alembic: the v1 and v2 statements, then
    actions, callbacks and follow-ups written through the Journal, and no Alembic stamp."""
    conn = sqlite3.connect(path)
    for statements in MIGRATIONS:
        for statement in statements:
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    with Journal(path, "shop", clock=lambda: 1_700_000_000.0) as j:
        aid = j.begin_action("dispense", "16327129", 61, {"record_id": 8, "paid": True})
        j.finish_action(aid, "refused", 6001, "device busy")
        (fu,) = j.list_followups("open")
        j.followup_add_note(fu.id, "called the customer", actor="ana")
        j.note_order(62, "16327129", trade_id="T62")
        body = b'{"order_id":62,"record_id":9,"deliver_status":"1","floor_status":"1"}'
        cb = parse_callback(body, "application/json")
        j.record_callback(cb, remote="127.0.0.1")
        j.record_callback(cb, remote="127.0.0.1")  # a repeat
        j.record_bad_callback(b"\xff garbage", "not JSON", "127.0.0.1")
    with sqlite3.connect(path) as conn:
        # Back to what that console left: no stamp, no revision 0002.
        conn.execute("DROP TABLE alembic_version")
        conn.execute("DROP TABLE sessions")
        conn.execute("ALTER TABLE actions DROP COLUMN delivery_id")
        conn.execute("PRAGMA user_version = 2")
    conn.close()


def test_a_version_2_journal_upgrades_in_place_keeping_every_row(tmp_path: Path) -> None:
    path = tmp_path / "v2.sqlite3"
    _legacy_v2_journal(path)
    before = _rows(path)
    assert all(before[t] for t in ("actions", "orders", "callbacks", "followups"))
    assert current_revision(sqlite_url(path)) is None
    with Journal(path, "shop") as journal:  # opening migrates it
        assert journal.revision == HEAD_REVISION
        assert len(journal.list_callbacks()) == 3
        assert journal.callback_counts()["duplicate"] == 1
        assert len(journal.followup_events(journal.list_followups("open")[0].id)) == 2
    after = _rows(path)
    # Every row kept; revision 0002 added the actions' delivery_id (none: refused).
    assert after.pop("actions") == [(*r, None) for r in before.pop("actions")]
    assert after == before
    assert current_revision(sqlite_url(path)) == HEAD_REVISION
    _assert_schema_is_the_metadata(sqlite_url(path))


def test_a_legacy_journal_from_a_newer_console_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite3"
    _legacy_v2_journal(path)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 3")
    conn.close()
    with pytest.raises(NewerSchema, match=r"schema version 3, newer .* upgrade Vending Console"):
        migrate(sqlite_url(path))
    with pytest.raises(JournalError, match="newer"):
        Journal(path)


def _stamp_unknown(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    finally:
        engine.dispose()


def test_a_newer_revision_is_refused_by_migrate_and_journal_open(empty_url: str) -> None:
    migrate(empty_url)
    _stamp_unknown(empty_url)
    with pytest.raises(NewerSchema, match=r"revision 9999, newer .* upgrade Vending Console"):
        migrate(empty_url)
    with pytest.raises(NewerSchema, match="9999"):
        current_revision(empty_url)
    if empty_url.startswith("sqlite"):
        with pytest.raises(NewerSchema, match="9999"):
            Journal(Path(empty_url.removeprefix("sqlite:///")))


def test_a_database_with_foreign_tables_of_the_same_names_is_not_taken(pg_url: str) -> None:
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE actions (x int)"))
    engine.dispose()
    with pytest.raises(JournalError, match="not a journal Vending Console made"):
        migrate(pg_url)


def test_revision_0002_fills_in_the_delivery_ids_from_the_json(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    engine = create_engine(sqlite_url(path))
    with engine.begin() as conn:
        from alembic import command

        config = Config()
        config.set_main_option("script_location", str(ROOT / "console" / "journal" / "migrations"))
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        for kind, request, response in (
            ("dispense", "{}", '{"delivery_id": 7}'),
            ("dispense", "{}", '{"code": 0, "data": {"delivery_id": "8"}}'),
            ("dispense", "{}", "not json"),
            ("delivery_query", '{"delivery_id": 9}', '{"status": "success"}'),
            ("set_status", '{"delivery_id": 10}', None),
        ):
            conn.execute(
                text(
                    "INSERT INTO actions (ts, ts_iso, profile, session, pid, kind, request, "
                    "response, state) VALUES (1, 't', 'p', 's', 1, :kind, :request, :response, "
                    "'ok')"
                ),
                {"kind": kind, "request": request, "response": response},
            )
    engine.dispose()
    assert current_revision(sqlite_url(path)) == "0001"
    migrate(sqlite_url(path))
    with sqlite3.connect(path) as conn:
        found = conn.execute("SELECT delivery_id FROM actions ORDER BY id").fetchall()
    conn.close()
    assert [d for (d,) in found] == [7, 8, None, 9, None]


def test_opening_a_current_journal_loads_no_alembic(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    Journal(path).close()
    code = (
        "import sys; from pathlib import Path; from console.journal import Journal\n"
        f"Journal(Path({str(path)!r})).close()\n"
        "print(sorted(m for m in ('alembic', 'sqlalchemy') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    ).stdout
    # SQLAlchemy runs the journal's queries on both backends; Alembic only migrates.
    assert out.strip() == "['sqlalchemy']"
