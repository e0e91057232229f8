"""Running the journal's SQL on either backend (SQLite or PostgreSQL).

Queries are written once, as SQL both dialects accept, with named bind parameters
(``:profile``). SQLAlchemy compiles each one, once per dialect, to the driver's own SQL
and parameter style (``text()``: qmark for sqlite3, ``%(name)s`` for psycopg 3), and the
journal runs it on the DBAPI connection SQLAlchemy holds for it, inside the transaction
SQLAlchemy began; rows come back as dicts (``row["state"]``). What differs between the
dialects is chosen here, in one place: how a new row's id is read
(``cursor.lastrowid`` on SQLite, ``RETURNING id`` on PostgreSQL) and the few fragments
below.

Why not ``Connection.execute``: measured (issue 17's prototype), SQLAlchemy Core's
``execute(insert, rows)`` cost 2-2.6x sqlite3's ``executemany`` per row; here (this
module, 300 dispenses with their clash checks and reads, SQLite, 2-core machine) running
every statement through ``Connection.execute(text(...))`` made the journal ~3.7x slower
than sqlite3 alone (its result set-up for a ``SELECT *`` of ~25 columns is most of it,
rebuilt per execution for textual SQL); compiled once and run on the driver's cursor it
costs what sqlite3 alone did plus a dict per row. The callback hot path
(``Journal.record_callbacks``, the receiver's group commit) does not use
``executemany``: each callback of a batch depends on the ones before it (a later one may
repeat an earlier one and is stored as its duplicate), so its rows go one ``execute``
each on the driver's cursor.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.engine import Connection, Dialect

# A row as the journal reads it: column name -> value.
Row = dict[str, Any]

_COMPILED: dict[tuple[str, str], tuple[str, tuple[str, ...] | None]] = {}


def _compiled(sql: str, dialect: Dialect) -> tuple[str, tuple[str, ...] | None]:
    """The driver's SQL for ``sql`` and, for a positional parameter style, the order of
    its parameters' names (made once per statement and dialect)."""
    key = (sql, dialect.name)
    found = _COMPILED.get(key)
    if found is None:
        compiled = text(sql).compile(dialect=dialect)
        names = tuple(compiled.positiontup or ()) if compiled.positional else None
        found = _COMPILED[key] = (compiled.string, names)
    return found


def execute(conn: Connection, sql: str, params: dict[str, Any]) -> Any:
    """Run ``sql`` on the driver; returns its cursor. A driver error is raised as
    SQLAlchemy would raise it (``DBAPIError`` and its kinds), so the journal maps every
    error in one place (``JournalBase._db_error``)."""
    driver_sql, names = _compiled(sql, conn.dialect)
    args: Any = params if names is None else tuple(params[n] for n in names)
    driver = conn.connection.driver_connection
    assert driver is not None
    dbapi = conn.dialect.loaded_dbapi
    try:
        return driver.execute(driver_sql, args)
    except dbapi.Error as exc:
        raise sa_exc.DBAPIError.instance(driver_sql, args, exc, dbapi.Error) from exc


def rows(conn: Connection, sql: str, **params: Any) -> list[Row]:
    cur = execute(conn, sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def row(conn: Connection, sql: str, **params: Any) -> Row | None:
    cur = execute(conn, sql, params)
    found = cur.fetchone()
    if found is None:
        return None
    return dict(zip([d[0] for d in cur.description], found, strict=True))


def first(conn: Connection, sql: str, **params: Any) -> tuple[Any, ...] | None:
    """The first row as a tuple (None when there is none)."""
    found: tuple[Any, ...] | None = execute(conn, sql, params).fetchone()
    return found


def value(conn: Connection, sql: str, **params: Any) -> Any:
    """The first column of the first row (None when there is none)."""
    found = first(conn, sql, **params)
    return None if found is None else found[0]


def run(conn: Connection, sql: str, **params: Any) -> int:
    """Run a statement; returns how many rows it changed."""
    return int(execute(conn, sql, params).rowcount)


def insert_id(conn: Connection, sql: str, **params: Any) -> int:
    """Run an ``INSERT`` of one row into a table with an ``id``; returns that id."""
    if conn.dialect.name == "sqlite":
        return int(execute(conn, sql, params).lastrowid or 0)
    found = first(conn, sql + " RETURNING id", **params)
    assert found is not None
    return int(found[0])


def q(sql: str) -> Any:
    """``text(sql)`` for running through SQLAlchemy itself (the export streams with it)."""
    return text(sql)


def eq_or_null(column: str, param: str, value: Any) -> str:
    """``column = :param``, or ``column IS NULL`` when ``value`` is None (SQL's ``=`` never
    matches NULL; PostgreSQL cannot type a NULL parameter in ``:p IS NULL``)."""
    return f"{column} IS NULL" if value is None else f"{column} = :{param}"


def cross_join(dialect: Dialect) -> str:
    """A join whose left table SQLite must scan first (its ``CROSS JOIN`` fixes the order
    and takes an ``ON``); PostgreSQL plans it by itself."""
    return "CROSS JOIN" if dialect.name == "sqlite" else "JOIN"
