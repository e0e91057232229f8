"""``--journal URL`` for ``vendctl serve``: which journal file to open.

The URL follows SQLAlchemy's form, as ``vendctl journal migrate --journal URL``
does: ``sqlite:///relative/path`` or ``sqlite:////absolute/path`` (four slashes).
The journal is SQLite only in this version; a ``postgresql://`` URL is refused
with a sentence saying so. This is the one function to replace with the journal
package's URL helper when the PostgreSQL backend lands.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

EXAMPLE = "sqlite:////var/lib/vendctl/journal.sqlite3"


class JournalUrlError(ValueError):
    """The URL names no journal this version can open (one sentence, no password)."""


def journal_path(url: str) -> Path:
    """The SQLite file a ``--journal`` URL names, or ``JournalUrlError``."""
    text = url.strip()
    try:
        parsed = make_url(text)
    except ArgumentError:
        raise JournalUrlError(
            f"--journal {text!r} is not a database URL: give the journal as a URL, "
            f"e.g. {EXAMPLE} (four slashes for an absolute path)"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        raise JournalUrlError(
            "the PostgreSQL journal backend is not available in this version of vendctl "
            f"serve yet: use a SQLite journal (--journal {EXAMPLE}) for now"
        )
    if backend != "sqlite":
        raise JournalUrlError(
            f"--journal: unknown database {parsed.drivername!r}: use a SQLite URL such as {EXAMPLE}"
        )
    if not parsed.database or parsed.database == ":memory:":
        raise JournalUrlError(
            "--journal: an in-memory journal would forget every callback: name a file, "
            f"e.g. {EXAMPLE}"
        )
    return Path(parsed.database).expanduser()
