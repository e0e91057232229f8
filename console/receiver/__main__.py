"""Run a receiver alone: ``python -m console.receiver --journal PATH``.

For development and the crash tests. Prints the notify URL (it contains the
token: it is the URL you give the platform) and serves until stdin closes or
the process is stopped.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from pathlib import Path

from console.journal import Journal
from console.receiver.server import Receiver, new_token


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m console.receiver")
    parser.add_argument("--journal", type=Path, required=True, help="journal file")
    parser.add_argument("--profile", default="default")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", default="", help="default: a new random token")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with (
        Journal.open(args.journal, args.profile) as journal,
        Receiver(journal, args.token or new_token(), args.host, args.port) as receiver,
    ):
        print(receiver.url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            sys.stdin.read()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
