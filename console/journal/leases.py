"""Which writers are alive: a lease per journal session, on SQLite and PostgreSQL alike.

The rule (written here once): an action ``in_flight`` belongs to a live writer while its
session holds a lease — a row in ``sessions`` whose ``expires_ts`` is later than now.
Otherwise its writer is dead (killed, crashed, its host gone, or it closed the journal)
and the action's outcome is unknown (``Journal.recover_in_flight``). A process id says
nothing about another host's process on a shared PostgreSQL journal; a lease does.

- A journal takes its lease when it first begins an action, in the same transaction
  as the intent, for ``LEASE_S`` seconds.
- While it has actions in flight, a heartbeat thread renews the lease every third of
  its length, so a request that takes long (a slow platform) never looks dead.
- Closing the journal gives the lease up at once: its in-flight actions are unknown
  for the next journal opened.
- A killed writer's lease runs out ``LEASE_S`` seconds after its last renewal at most.

Lease times are the writers' wall clocks (``time.time()``, never a journal's injected
clock): on a journal shared between hosts their clocks must agree to well within
``LEASE_S`` (NTP does).
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from console.journal import sql

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

log = logging.getLogger(__name__)

# How long a writer stays alive without renewing its lease.
LEASE_S = 30.0
# ... unless this environment variable says otherwise (seconds, 1 to 600): a shorter
# lease finds a crashed writer sooner (the crash tests use 1 s), a longer one tolerates
# longer stalls of a writer's host.
ENV_LEASE_S = "VENDING_CONSOLE_JOURNAL_LEASE_S"


def default_lease_s(environ: dict[str, str] | None = None) -> float:
    """``LEASE_S``, or ``$VENDING_CONSOLE_JOURNAL_LEASE_S`` when it is a number of seconds
    from 1 to 600 (anything else is ignored, with a warning)."""
    text = (os.environ if environ is None else environ).get(ENV_LEASE_S, "").strip()
    if not text:
        return LEASE_S
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 1.0 <= value <= 600.0:
        log.warning(
            "%s=%r is not 1 to 600 seconds: the lease stays %s s", ENV_LEASE_S, text, f"{LEASE_S:g}"
        )
        return LEASE_S
    return value


# An ``actions`` row (as ``actions``) whose writer holds a lease at ``:lease_now``.
LIVE_WRITER = (
    "EXISTS (SELECT 1 FROM sessions s WHERE s.id = actions.session AND s.expires_ts > :lease_now)"
)


def lease_now() -> float:
    return time.time()


class Lease:
    """One journal session's lease (see the module's docstring)."""

    def __init__(
        self,
        session: str,
        profile: str,
        write: Callable[[], contextlib.AbstractContextManager[Connection]],
        lease_s: float = LEASE_S,
    ) -> None:
        self.session = session
        self.profile = profile
        self.lease_s = float(lease_s)
        self._write = write
        self._taken = False
        self._actor = ""
        self._in_flight: set[int] = set()
        self._guard = threading.Lock()
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None

    def take(self, conn: Connection, actor: str) -> None:
        """Take or renew the lease in the caller's write transaction (an intent is about to
        be written by it)."""
        now = lease_now()
        self._actor = actor or self._actor
        params = {"id": self.session, "expires": now + self.lease_s, "now": now}
        renew = "UPDATE sessions SET renewed_ts = :now, expires_ts = :expires WHERE id = :id"
        if self._taken and sql.run(conn, renew, **params):
            return
        sql.run(
            conn,
            """
            INSERT INTO sessions (id, profile, actor, host, pid, started_ts, renewed_ts,
                                  expires_ts)
            VALUES (:id, :profile, :actor, :host, :pid, :now, :now, :expires)
            ON CONFLICT (id) DO UPDATE SET renewed_ts = excluded.renewed_ts,
                                           expires_ts = excluded.expires_ts
            """,
            profile=self.profile,
            actor=self._actor,
            host=socket.gethostname(),
            pid=os.getpid(),
            **params,
        )
        self._taken = True

    def sending(self, action_id: int) -> None:
        """An action of this session is in flight: keep the lease alive until ``done``."""
        with self._guard:
            self._in_flight.add(action_id)
            if self._beat is None and not self._stop.is_set():
                self._beat = threading.Thread(
                    target=self._heartbeat, name=f"journal-lease-{self.session}", daemon=True
                )
                self._beat.start()

    def done(self, action_id: int) -> None:
        with self._guard:
            self._in_flight.discard(action_id)

    def _heartbeat(self) -> None:
        while not self._stop.wait(self.lease_s / 3):
            with self._guard:
                busy = bool(self._in_flight)
            if not busy:
                continue
            try:
                with self._write() as conn:
                    self.take(conn, "")
            except Exception as exc:  # the next beat tries again
                log.warning("journal lease of session %s not renewed: %s", self.session, exc)

    def stop(self) -> None:
        self._stop.set()
        beat, self._beat = self._beat, None
        if beat is not None and beat is not threading.current_thread():
            beat.join(5)

    def release(self) -> None:
        """Give the lease up (the journal closes)."""
        if not self._taken:
            return
        with self._write() as conn:
            sql.run(conn, "DELETE FROM sessions WHERE id = :id", id=self.session)
        self._taken = False
