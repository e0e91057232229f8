"""Composition root of the console window.

The window itself is built in a later step (see the open issues); until then
``vending-console`` says so and points at the command line, which works today.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    print(
        "Vending Console: the operator window is not built yet.\n"
        "Everything it will do is available from the command line today:\n"
        "  vendctl sandbox            # start the built-in sandbox platform\n"
        "  vendctl --help             # every command",
        file=sys.stderr,
    )
    return 0
