"""kill -9 between begin_action and finish_action: once the dead writer's lease has run out,
the next start says "unknown" and what to check — on a SQLite file and on PostgreSQL."""

from __future__ import annotations

import queue
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from console.journal import Journal, JournalError
from tests.journals import SHORT_LEASE_S, wait_until_leases_run_out

ROOT = Path(__file__).resolve().parents[2]
WAIT = 60.0

ONE_ACTION = f"""
import sys
from console.journal import Journal

j = Journal(sys.argv[1], "default", lease_s={SHORT_LEASE_S})
aid = j.begin_action(
    "dispense", "16327129", 60,
    {{"machine_no": "16327129", "order_id": "60", "record_id": "78", "paid": True}},
)
print(aid, flush=True)
sys.stdin.read()  # "waiting for the platform" until killed
"""

MANY_ACTIONS = f"""
import sys
from console.journal import Journal

j = Journal(sys.argv[1], "default", lease_s={SHORT_LEASE_S})
for n in range(1, 1_000_000):
    aid = j.begin_action("set_status", "16327129", n, {{"status": 2}})
    j.finish_action(aid, "ok", 0, "ok", {{"code": 0, "message": "ok"}})
    print(aid, flush=True)
"""


def run_until(script: str, journal_path: Path | str, lines_wanted: int) -> list[int]:
    """Run a script, collect the ids it prints, SIGKILL it after ``lines_wanted`` lines."""
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(journal_path)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    lines: queue.Queue[bytes] = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(b"")

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    got: list[int] = []
    try:
        while len(got) < lines_wanted:
            try:
                line = lines.get(timeout=WAIT)
            except queue.Empty:
                raise AssertionError("the script stopped printing") from None
            if not line:
                assert proc.stderr is not None
                raise AssertionError(proc.stderr.read().decode())
            got.append(int(line))
        proc.kill()
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(WAIT)
        reader.join(WAIT)
        # Ids printed between our last read and the kill still count.
        while True:
            try:
                line = lines.get_nowait()
            except queue.Empty:
                break
            if line.strip():
                got.append(int(line))
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()
    return got


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL semantics")
def test_a_dispense_interrupted_by_kill_9_is_unknown_with_what_to_check(
    journal_at: Path | str,
) -> None:
    path = journal_at
    Journal(path).close()  # made (migrated) before the writer starts
    (aid,) = run_until(ONE_ACTION, path, 1)
    wait_until_leases_run_out(path)
    with Journal.open(path, "default") as journal:
        assert [a.id for a in journal.recovered] == [aid]
        action = journal.get_action(aid)
        assert action is not None
        assert action.state == "unknown"
        assert action.check == (
            "outcome unknown: the console stopped before the platform answered — "
            "query order 60 on machine 16327129 before acting again"
        )
        assert action.request["paid"] is True
        # Late answers cannot overwrite what the operator was told.
        with pytest.raises(JournalError):
            journal.finish_action(aid, "ok")
        history = journal.order_history(60)
        assert history[-1].kind == "action_result"
        assert "unknown" in history[-1].summary
        assert "query order 60" in history[-1].detail
    # Only once: the next start has nothing left to recover.
    with Journal.open(path, "default") as journal:
        assert journal.recovered == ()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL semantics")
def test_kill_9_during_a_stream_of_actions_keeps_the_journal_sound(
    journal_at: Path | str,
) -> None:
    path = journal_at
    Journal(path).close()
    finished = run_until(MANY_ACTIONS, path, 200)
    if isinstance(path, Path):
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        conn.close()
    wait_until_leases_run_out(path)
    with Journal.open(path, "default") as journal:
        actions = {a.id: a for a in journal.list_actions(limit=1_000_000)}
        assert all(actions[i].state == "ok" for i in finished)
        states = {a.state for a in actions.values()}
        assert states <= {"ok", "unknown"}
        # At most the one action that was in flight at the kill is unknown.
        assert sum(a.state == "unknown" for a in actions.values()) <= 1
        assert [a.id for a in journal.recovered] == [
            a.id for a in actions.values() if a.state == "unknown"
        ]
