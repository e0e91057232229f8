"""Alembic's environment for the journal: runs on the connection that
``console.journal.migration`` hands over (already in its transaction, holding the
migration lock), on SQLite or PostgreSQL alike."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from console.journal.tables import metadata

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError(
        "the journal's migrations run through console.journal.migrate(url) "
        "(or 'vendctl journal migrate'), not the alembic command"
    )
context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite cannot ALTER most things: later revisions use batch operations there.
    render_as_batch=connection.dialect.name == "sqlite",
    # One transaction for the whole upgrade, on both dialects (SQLite's DDL is
    # transactional too): a failed upgrade leaves the journal as it was.
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
