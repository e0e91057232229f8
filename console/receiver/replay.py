"""Re-send a journalled callback to a running receiver, marked as a replay.

The receiver stores it with ``replay_of`` set: it shows up in the order's
history but never counts as a new result and never opens a follow-up. Useful
to check the receiver end to end, or after fixing a crashed consumer.
"""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

from console.journal import MALFORMED, Journal
from console.receiver.server import REPLAY_HEADER, mask_url


class ReplayError(ValueError):
    """The callback cannot be replayed (unknown, malformed or truncated, bad URL)."""


def replay(journal: Journal, callback_id: int, url: str, *, timeout_s: float = 10.0) -> int:
    """POST stored callback ``callback_id``'s raw body to ``url``; returns the HTTP status.

    Raises ``ReplayError`` for a callback that cannot be replayed and
    ``OSError`` when the receiver cannot be reached.
    """
    row = journal.get_callback(callback_id)
    if row is None:
        raise ReplayError(f"there is no callback {callback_id} in this journal")
    if row.outcome == MALFORMED:
        raise ReplayError(f"callback {callback_id} was malformed: there is nothing to replay")
    if row.raw_size > len(row.raw):
        raise ReplayError(f"callback {callback_id} was stored truncated: it cannot be replayed")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ReplayError(f"not an http(s) URL: {mask_url(url)}")
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=timeout_s)
    else:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout_s)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request(
            "POST",
            path,
            body=row.raw,
            headers={
                "Content-Type": row.content_type or "application/json",
                REPLAY_HEADER: str(callback_id),
            },
        )
        response = conn.getresponse()
        response.read()
        return int(response.status)
    finally:
        conn.close()
