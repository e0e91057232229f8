"""Exporting a profile's rows as CSV or JSON."""

from __future__ import annotations

import csv
import json
import logging
import sqlite3
from typing import TYPE_CHECKING, Any, Literal, TextIO

from sqlalchemy import exc as sa_exc

from console.journal import sql
from console.journal.base import JournalBase, _dumps, _loads_dict
from console.journal.connection import BUSY_TIMEOUT_S, JournalError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, RowMapping

log = logging.getLogger(__name__)

ExportKind = Literal["orders", "callbacks", "actions", "followups"]
ExportFormat = Literal["csv", "json"]


class _Export(JournalBase):
    """``export``: on its own read-only connection."""

    def export(self, kind: ExportKind, fmt: ExportFormat, out: TextIO) -> int:
        """Write this profile's ``kind`` rows as CSV or JSON to ``out``; returns the count.

        Reads on its own read-only connection, in one snapshot (SQLite: one statement on
        a ``mode=ro`` connection; PostgreSQL: a read-only repeatable-read transaction,
        rows streamed from the server), so a long export does not hold up the receiver.
        CSV cells that a spreadsheet would run as a formula are prefixed with ``'``
        (callback bodies come from the network).
        """
        if kind not in ("orders", "callbacks", "actions", "followups"):
            raise ValueError(f"unknown export kind {kind!r}")
        if fmt not in ("csv", "json"):
            raise ValueError(f"unknown export format {fmt!r}")
        if self._engine is None:
            raise JournalError("the journal is closed")
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        engine = self._engine
        assert engine is not None
        own = None
        if self.path is not None:
            uri = self.path.resolve().as_uri() + "?mode=ro"
            engine = own = create_engine(
                "sqlite://",
                creator=lambda: sqlite3.connect(
                    uri, uri=True, timeout=BUSY_TIMEOUT_S, check_same_thread=False
                ),
                poolclass=NullPool,
            )
        try:
            with engine.connect() as conn:
                if self.path is None:
                    conn = conn.execution_options(
                        isolation_level="REPEATABLE READ",
                        postgresql_readonly=True,
                        stream_results=True,
                        yield_per=500,
                    )
                return _write_export(conn, self.profile, kind, fmt, out)
        except sa_exc.DBAPIError as exc:
            raise self._db_error(exc) from exc
        finally:
            if own is not None:
                own.dispose()


_EXPORT_SQL: dict[str, str] = {
    "orders": "SELECT * FROM orders WHERE profile = :profile ORDER BY last_ts",
    "callbacks": "SELECT * FROM callbacks WHERE profile = :profile ORDER BY id",
    "actions": "SELECT * FROM actions WHERE profile = :profile ORDER BY id",
    "followups": "SELECT * FROM followups WHERE profile = :profile ORDER BY id",
}
# Internal bookkeeping that means nothing outside this journal (``delivery_id`` is in
# the request or response it was read from).
_EXPORT_SKIP = frozenset({"session", "pid", "awaiting_result", "delivery_id"})
_JSON_COLUMNS = frozenset({"request", "response", "extra"})
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _export_record(row: RowMapping) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for key in row.keys():  # noqa: SIM118 - the columns in their order
        if key in _EXPORT_SKIP:
            continue
        value = row[key]
        if key == "raw":
            record["raw_text"] = bytes(value).decode("utf-8", "replace")
            continue
        if key in _JSON_COLUMNS and value is not None:
            value = _loads_dict(value)
        if key == "check_text":
            key = "check"
        record[key] = value
    return record


def _csv_cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        value = _dumps(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _write_export(conn: Connection, profile: str, kind: str, fmt: str, out: TextIO) -> int:
    result = conn.execute(sql.q(_EXPORT_SQL[kind]), {"profile": profile})
    cursor = result.mappings()
    count = 0
    if fmt == "json":
        out.write("[")
        for row in cursor:
            out.write(",\n" if count else "\n")
            out.write(json.dumps(_export_record(row), ensure_ascii=False, default=str))
            count += 1
        out.write("\n]\n" if count else "]\n")
        return count
    writer: Any = None
    for row in cursor:
        record = _export_record(row)
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(record))
            writer.writeheader()
        writer.writerow({k: _csv_cell(v) for k, v in record.items()})
        count += 1
    if writer is None:
        # No rows: still write the header so the file opens with its columns.
        names = [str(n) for n in result.keys() if n not in _EXPORT_SKIP]  # noqa: SIM118
        names = ["raw_text" if n == "raw" else "check" if n == "check_text" else n for n in names]
        csv.writer(out).writerow(names)
    return count
