"""One migration system for the journal: Alembic, on SQLite (default) and PostgreSQL.

``migrate(url)`` brings a journal to the newest revision (``schema.HEAD_REVISION``) and
``current_revision(url)`` says where one is. Both refuse a journal stamped with a
revision this code does not know: a newer Vending Console made it.

The rule for SQLite journals made before Alembic (written here once): a file with no
``alembic_version`` table but the journal's tables is such a journal; its
``PRAGMA user_version`` (1 or 2) says which of the frozen statement lists in
``console.journal.schema`` ran. The missing ones run, in place, and the file is stamped
``schema.LEGACY_REVISION`` (0001, exactly that schema); nothing is copied, every row
stays. A higher ``user_version`` is a newer console's and is refused. A file with
neither the tables nor a stamp is empty: revision 0001 creates the tables.

The whole migration is one transaction that first takes the migration lock
(SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: a transaction-scoped advisory lock), so two
processes opening a journal at once migrate it once; a failure leaves it as it was.

Journal URLs: ``sqlite:///path/to/journal.db`` or ``postgresql://user:password@host/db``
(any PostgreSQL driver named is replaced by psycopg 3). ``mask_url`` is how a URL is
shown: its password never is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.journal.connection import (
    BUSY_TIMEOUT_S,
    JournalError,
    JournalUnavailable,
    NewerSchema,
    _connect,
)
from console.journal.schema import (
    HEAD_REVISION,
    JOURNAL_TABLES,
    LEGACY_REVISION,
    MIGRATIONS,
    REVISIONS,
    SCHEMA_VERSION,
)

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import URL, Connection, Engine

# Any number will do as long as it is always the same: it names the lock that migrating
# processes take on a PostgreSQL server ("vc journal" in ASCII).
_PG_LOCK_KEY = 0x76632_6A6F75726E


class JournalUrlError(ValueError):
    """A journal URL that cannot be used as written (a usage error, not the database's)."""


@dataclass(frozen=True)
class Migrated:
    """What ``upgrade`` did: ``before`` None with ``legacy_version`` set: a journal from
    before Alembic at that ``PRAGMA user_version``; both None: an empty database."""

    url: str  # masked
    before: str | None
    after: str
    legacy_version: int | None = None

    @property
    def changed(self) -> bool:
        return self.before != self.after


def journal_url(text: str | Path) -> URL:
    """The SQLAlchemy URL of a journal given as ``sqlite:///path`` or
    ``postgresql://…`` (normalised to psycopg 3); ``JournalUrlError`` otherwise."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if isinstance(text, Path):
        return make_url("sqlite://").set(database=str(text))
    raw = text.strip()
    try:
        url = make_url(raw)
    except (ArgumentError, ValueError) as exc:
        raise JournalUrlError(
            f"{_mask_text(raw)!r} is not a journal URL: use sqlite:///path/to/journal.db "
            "or postgresql://user:password@host/database"
        ) from exc
    backend = url.get_backend_name()
    if backend in ("postgresql", "postgres"):
        if not url.database:
            raise JournalUrlError(
                f"{mask_url(url)} names no database: add it, e.g. postgresql://user@host/vending"
            )
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
            raise JournalUrlError(
                f"{mask_url(url)} names no journal file: use sqlite:///path/to/journal.db "
                "(three slashes, then the path; four for an absolute one)"
            )
        path = Path(url.database).expanduser()
        return url.set(drivername="sqlite", database=str(path))
    raise JournalUrlError(
        f"{mask_url(url)}: a journal is a SQLite file (sqlite:///path) or a PostgreSQL "
        "database (postgresql://user:password@host/database)"
    )


def sqlite_url(path: Path) -> str:
    """``sqlite:///…`` for a journal file (how a profile's journal is named as a URL)."""
    return f"sqlite:///{Path(path)}"


def _mask_text(text: str) -> str:
    """A URL that did not parse, shown without what could be its password."""
    head, sep, rest = text.partition("://")
    if not sep or "@" not in rest:
        return text
    userinfo, _, host = rest.rpartition("@")
    user = userinfo.split(":", 1)[0]
    return f"{head}://{user}:***@{host}" if ":" in userinfo else text


def mask_url(url: str | URL) -> str:
    """A journal URL as it may be shown or logged: the password (in the URL or in its
    query) is ``***``; the PostgreSQL driver is left out (``postgresql://…``)."""
    from sqlalchemy.engine import make_url

    if isinstance(url, str):
        text = url
        try:
            url = make_url(text)
        except Exception:  # a URL that does not parse is still shown, masked
            return _mask_text(text)
    query = {k: ("***" if k.lower() == "password" else v) for k, v in url.query.items()}
    shown = url.set(query=query)
    if shown.get_backend_name() == "postgresql":
        shown = shown.set(drivername="postgresql")
    return shown.render_as_string(hide_password=True)


def _engine(url: URL, *, create: bool) -> Engine:
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import NullPool

    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        if create and not path.exists():
            # Made as every journal file is: 0600 in a 0700 folder, WAL mode. Only when
            # missing: opening and closing a file this process already has open through
            # SQLite (the Journal migrating at open) would drop SQLite's POSIX locks on it,
            # and another process could then delete the WAL under it.
            _connect(path).close()
        engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": BUSY_TIMEOUT_S})

        @event.listens_for(engine, "connect")
        def _no_implicit_begin(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # transactions begin below, not in pysqlite

        @event.listens_for(engine, "begin")
        def _begin_immediate(conn: Connection) -> None:
            # The write lock before anything is read: another migrating process waits
            # here (up to the busy timeout) and then finds the journal migrated.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 10})


def _unavailable(url: URL, exc: BaseException) -> JournalUnavailable:
    """One sentence for a journal that cannot be reached; never the password."""
    orig = getattr(exc, "orig", None) or exc
    reason = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    reason = reason.removeprefix("connection failed: ").strip()
    if url.password:
        reason = reason.replace(str(url.password), "***")
    if url.get_backend_name() == "sqlite":
        hint = "check the path and that you may write to its folder"
    else:
        hint = "check the host, port, database name, user and password, and that the server runs"
    return JournalUnavailable(f"cannot open the journal {mask_url(url)} ({reason}): {hint}")


def _config(connection: Connection) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    config.attributes["connection"] = connection
    return config


def newer_schema(where: str, revision: str) -> NewerSchema:
    return NewerSchema(
        f"the journal {where} has schema revision {revision}, newer than this Vending "
        f"Console knows ({HEAD_REVISION}): upgrade Vending Console to use it"
    )


def _table_names(conn: Connection) -> set[str]:
    from sqlalchemy import inspect

    return set(inspect(conn).get_table_names())


def _adopt_legacy(conn: Connection, where: str) -> int | None:
    """The rule for journals made before Alembic (see the module's docstring): returns
    the ``user_version`` a SQLite journal was at when it was brought to revision 0001
    and stamped; None for an empty database (revision 0001 will create the tables)."""
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    ours = _table_names(conn) & JOURNAL_TABLES
    version = 0
    if conn.dialect.name == "sqlite":
        version = int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)
        if version > SCHEMA_VERSION:
            raise NewerSchema(
                f"the journal {where} has schema version {version}, newer than this Vending "
                f"Console knows ({SCHEMA_VERSION}): upgrade Vending Console to use it"
            )
    if not ours and version == 0:
        return None
    if version == 0:
        raise JournalError(
            f"{where} holds tables named like the journal's ({', '.join(sorted(ours))}) but "
            "no schema version: it is not a journal Vending Console made; use another "
            "database or file"
        )
    for statements in MIGRATIONS[version:]:
        for statement in statements:
            conn.exec_driver_sql(statement)
    conn.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
    script = ScriptDirectory.from_config(_config(conn))
    MigrationContext.configure(conn).stamp(script, LEGACY_REVISION)
    return version


def upgrade(url: str | Path | URL) -> Migrated:
    """Bring the journal at ``url`` to the newest revision (see the module's docstring).

    Raises ``JournalUrlError`` for a URL that cannot be used, ``JournalUnavailable`` when
    the database cannot be reached, ``NewerSchema`` for a newer console's journal."""
    from alembic import command
    from alembic.migration import MigrationContext
    from sqlalchemy import exc as sa_exc
    from sqlalchemy import text

    parsed = url if not isinstance(url, str | Path) else journal_url(url)
    where = mask_url(parsed)
    try:
        engine = _engine(parsed, create=True)
    except OSError as exc:
        raise _unavailable(parsed, exc) from exc
    try:
        with engine.connect() as conn, conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
            before = MigrationContext.configure(conn).get_current_revision()
            if before is not None and before not in REVISIONS:
                raise newer_schema(where, before)
            legacy = _adopt_legacy(conn, where) if before is None else None
            command.upgrade(_config(conn), "head")
            after = MigrationContext.configure(conn).get_current_revision()
    except (sa_exc.OperationalError, sa_exc.InterfaceError) as exc:
        raise _unavailable(parsed, exc) from exc
    finally:
        engine.dispose()
    assert after is not None
    return Migrated(where, before, after, legacy)


def migrate(url: str | Path | URL) -> str:
    """Bring the journal at ``url`` to the newest revision; returns that revision."""
    return upgrade(url).after


def current_revision(url: str | Path | URL) -> str | None:
    """The revision the journal at ``url`` is stamped with; None when it has none (an
    empty database, or a SQLite journal from before Alembic). Creates nothing; raises
    ``NewerSchema`` for a revision this code does not know."""
    from alembic.migration import MigrationContext
    from sqlalchemy import exc as sa_exc

    parsed = url if not isinstance(url, str | Path) else journal_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").exists():
        return None
    engine = _engine(parsed, create=False)
    try:
        with engine.connect() as conn:
            revision = MigrationContext.configure(conn).get_current_revision()
    except (sa_exc.OperationalError, sa_exc.InterfaceError) as exc:
        raise _unavailable(parsed, exc) from exc
    finally:
        engine.dispose()
    if revision is not None and revision not in REVISIONS:
        raise newer_schema(mask_url(parsed), revision)
    return revision
