"""``--journal URL`` for ``vendctl serve``: which journal to open.

The URL follows SQLAlchemy's form, as every ``vendctl journal … --journal URL`` does
(``console.journal.journal_url``, the one rule): ``sqlite:///relative/path`` or
``sqlite:////absolute/path`` (four slashes) for a SQLite file, or
``postgresql://user@host/database`` for a PostgreSQL database. The PostgreSQL password
may be in the URL or, better (the command line is visible to every user of the
computer), in ``PGPASSWORD`` (for a systemd unit: an ``Environment=`` line in a drop-in
readable by root only, or ``LoadCredential=`` and ``~/.pgpass``); libpq reads it. The URL
is only ever shown masked (``console.journal.mask_url``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.journal import JournalUrlError, journal_url

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

EXAMPLE = "sqlite:////var/lib/vendctl/journal.sqlite3"

__all__ = ["EXAMPLE", "JournalUrlError", "journal_target"]


def journal_target(url: str) -> URL:
    """The journal a ``--journal`` URL names, or ``JournalUrlError`` (one sentence, no
    password)."""
    text = url.strip()
    if "://" not in text:
        raise JournalUrlError(
            f"--journal {text!r} is not a database URL: give the journal as a URL, "
            f"e.g. {EXAMPLE} (four slashes for an absolute path) or "
            "postgresql://vendctl@localhost/vendctl"
        )
    return journal_url(text)
