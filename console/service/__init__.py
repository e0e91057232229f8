"""``vendctl serve``: the always-on callback service (no Qt).

It composes what exists — the receiver, the journal, the platform client, the
credential sources and the dispensing checks — and adds only a process's
concerns: flags checked into one sentence each, logs for journald, signals.
Nothing imports it but ``console.cli``.
"""

from console.service.journalurl import JournalUrlError, journal_target
from console.service.run import (
    DEFAULT_CHECK_EVERY_S,
    DEFAULT_HOST,
    DEFAULT_PORT,
    ServeError,
    ServeOptions,
    serve,
)

__all__ = [
    "DEFAULT_CHECK_EVERY_S",
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "JournalUrlError",
    "ServeError",
    "ServeOptions",
    "journal_target",
    "serve",
]
