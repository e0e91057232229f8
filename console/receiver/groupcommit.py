"""Group commit: the callbacks that arrived together go into the journal together.

The receiver's event loop queues the complete callbacks of one turn and hands
them to ``commit_batch`` (``console.receiver.asgi``), which journals them in one
transaction (``Journal.record_callbacks``): one ``COMMIT`` for a burst instead of
one per callback. Each request is still answered 200 only once it is committed.
If the batch cannot be committed, each callback in it is tried on its own, so
one bad callback costs only its own 500 — unless the database itself is
unavailable (``journal_unavailable``): then every callback of the batch gets
that error at once (trying each alone would wait out the busy timeout once per
callback, with the event loop blocked).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from console.journal import CallbackArrival, CallbackRow, Journal, JournalUnavailable

log = logging.getLogger(__name__)


def journal_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot be used for now (it may come back): the
    journal's own ``JournalUnavailable``, which it raises on both backends for a lock held
    past the busy timeout, a file it cannot open or write, a full or failing disk, a
    PostgreSQL server that is gone (``console.journal.connection`` decides which)."""
    return isinstance(exc, JournalUnavailable)


def commit_batch(
    journal: Journal, arrivals: Sequence[CallbackArrival]
) -> list[CallbackRow | Exception]:
    """A committed row for each arrival, in order, or the exception that kept it out."""
    if not arrivals:
        return []
    try:
        return list(journal.record_callbacks(arrivals))
    except Exception as exc:
        if len(arrivals) == 1 or journal_unavailable(exc):
            return [exc] * len(arrivals)
        log.warning(
            "a batch of %d callbacks could not be committed; trying each on its own",
            len(arrivals),
            exc_info=True,
        )
    results: list[CallbackRow | Exception] = []
    for a in arrivals:
        try:
            results.append(
                journal.record_callback(
                    a.callback, remote=a.remote, replay_of=a.replay_of, content_type=a.content_type
                )
            )
        except Exception as exc:
            results.append(exc)
    return results
