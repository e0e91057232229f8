"""Group commit: the callbacks that arrived together go into the journal together.

The receiver's thread reads every connection that has data and hands the
complete callbacks to ``commit_batch``, which journals them in one transaction
(``Journal.record_callbacks``): one ``COMMIT`` for a burst instead of one per
callback. Each request is still answered 200 only once it is committed. If the
batch cannot be committed, each callback in it is tried on its own, so one bad
callback costs only its own 500.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from console.journal import CallbackArrival, CallbackRow, Journal

log = logging.getLogger(__name__)


def commit_batch(
    journal: Journal, arrivals: Sequence[CallbackArrival]
) -> list[CallbackRow | Exception]:
    """A committed row for each arrival, in order, or the exception that kept it out."""
    if not arrivals:
        return []
    try:
        return list(journal.record_callbacks(arrivals))
    except Exception as exc:
        if len(arrivals) == 1:
            return [exc]
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
