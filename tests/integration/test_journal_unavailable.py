"""A journal whose database cannot be used right now says so in one sentence
(``JournalUnavailable``, what the receiver answers 503 for), stores nothing, and works
again by itself once the database is back: a PostgreSQL server stopped and started
under an open journal (its own server, so the suite's shared one keeps running), an
unreachable server, a SQLite file that cannot be opened."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from console.core.callback import parse_callback
from console.journal import Journal, JournalError, JournalUnavailable
from tests.pg import PASSWORD, USER, PgServer

BODY = (
    b'{"method": "device.delivery.response", "order_id": 60, "record_id": 78, '
    b'"deliver_status": "1", "floor_status": "1"}'
)


@pytest.fixture
def own_server() -> Iterator[PgServer]:
    server = PgServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


def test_a_stopped_server_is_unavailable_and_the_journal_recovers_by_itself(
    own_server: PgServer,
) -> None:
    name = own_server.create_database()
    journal = Journal(own_server.url(name), "shop")
    try:
        first = journal.record_callback(parse_callback(BODY, "application/json"), remote="p")
        own_server.pause()
        for attempt in (
            lambda: journal.record_callback(parse_callback(BODY, "application/json"), remote="p"),
            lambda: journal.list_callbacks(),
            lambda: journal.begin_action("set_status", "16327129", 60, {"status": 2}),
        ):
            with pytest.raises(JournalUnavailable) as info:
                attempt()
            text = str(info.value)
            assert text.startswith(
                f"the journal postgresql://{USER}:***@127.0.0.1:{own_server.port}/"
            )
            assert "nothing was stored" in text and "\n" not in text
            assert PASSWORD not in text
        own_server.resume()
        # Same journal object, no reopening: the next call connects again.
        again = journal.record_callback(parse_callback(BODY, "application/json"), remote="p")
        assert again.duplicate_of == first.id  # the first one was kept, the failed ones not
        assert [c.id for c in journal.list_callbacks()] == [again.id, first.id]
        assert journal.list_actions() == []  # the refused intent was never written
    finally:
        journal.close()


def test_an_unreachable_server_or_a_wrong_password_is_one_sentence(pg_server: PgServer) -> None:
    with pytest.raises(JournalUnavailable) as info:
        Journal("postgresql://vc:s3cret-pw@127.0.0.1:1/vending")
    assert "s3cret-pw" not in str(info.value)
    assert str(info.value).startswith("cannot open the journal postgresql://vc:***@127.0.0.1:1/")
    with pytest.raises(JournalUnavailable) as info:
        Journal(pg_server.url("postgres", password="wrong-password"))
    assert "wrong-password" not in str(info.value) and "password" in str(info.value)


def test_a_sqlite_file_that_cannot_be_opened_is_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the journal's folder should be")
    with pytest.raises(JournalUnavailable, match="check the path"):
        Journal(blocker / "journal.sqlite3")
    assert issubclass(JournalUnavailable, JournalError)
