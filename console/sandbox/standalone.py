"""Run the sandbox on its own (the ``vendctl sandbox`` command calls this)."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import TextIO

from console.sandbox.common import DEFAULT_CREDENTIALS, Credentials
from console.sandbox.faults import Fault
from console.sandbox.server import Sandbox


def run_standalone(
    port: int = 0,
    credentials: Credentials | None = None,
    faults: Sequence[str | Fault] = (),
    seed: int = 1,
    out: TextIO | None = None,
    *,
    host: str = "127.0.0.1",
    stop_event: threading.Event | None = None,
    state_file: Path | str | None = None,
) -> int:
    """Serve the sandbox until Ctrl+C / SIGTERM (or ``stop_event``); return 0.

    The first line printed is the base URL; the next three are the credentials
    the sandbox accepts. Fault rules are strings or parsed ``Fault``s; bad strings raise ``ValueError`` before anything starts.
    With ``state_file`` the world is kept there and continued by the next run on it.
    """
    stream = out if out is not None else sys.stdout
    creds = credentials if credentials is not None else DEFAULT_CREDENTIALS
    sandbox = Sandbox(seed=seed, credentials=creds, port=port, host=host, state_file=state_file)
    for rule in faults:
        sandbox.inject(rule)
    stop = stop_event if stop_event is not None else threading.Event()
    previous = None
    in_main = threading.current_thread() is threading.main_thread()

    def on_term(signum: int, frame: FrameType | None) -> None:
        stop.set()

    sandbox.start()
    try:
        if in_main:
            previous = signal.signal(signal.SIGTERM, on_term)
        stream.write(f"{sandbox.base_url}\n")
        stream.write(f"Appid: {creds.appid}\n")
        stream.write(f"AppSecret: {creds.app_secret}\n")
        stream.write(f"Sign key: {creds.sign_key}\n")
        if sandbox.state_file is not None:
            how = "continued" if sandbox.continued else "new world"
            stream.write(f"state: {sandbox.state_file} ({how}, world {sandbox.world_id})\n")
        for fault in sandbox.faults.rules():
            stream.write(f"fault: {fault}\n")
        stream.write("sandbox credentials only; press Ctrl+C to stop\n")
        stream.flush()
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    finally:
        if in_main and previous is not None:
            signal.signal(signal.SIGTERM, previous)
        sandbox.stop()
    return 0
