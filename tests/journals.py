"""Helpers for tests that run a journal writer in another process and kill it."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import create_engine, text

from console.journal import journal_url

# A killed test writer's lease runs out this long after its last renewal (the real
# writers' is console.journal.leases.LEASE_S).
SHORT_LEASE_S = 1.0


def wait_until_leases_run_out(where: Path | str) -> None:
    """Sleep until every lease held in the journal at ``where`` has run out: a killed
    writer is found dead by its expired lease, not at once."""
    engine = create_engine(
        journal_url(where if isinstance(where, Path) or "://" in where else Path(where))
    )
    try:
        with engine.connect() as conn:
            last = conn.execute(text("SELECT max(expires_ts) FROM sessions")).scalar()
    finally:
        engine.dispose()
    if last is not None:
        time.sleep(max(0.0, float(last) - time.time()) + 0.05)
