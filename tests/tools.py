"""System tools some tests run (validators, Qt's lrelease): missing in CI is a failure.

Outside CI a developer without them gets a skip that says how to install them;
in CI (``CI`` set, as ``.ci/run`` runs) a missing tool fails the test, so a
broken install step can never pass as "skipped".
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest


def require_tool(name: str, installed_by: str) -> str:
    """The path of ``name`` (the venv's own first, then PATH), or fail/skip as above."""
    own = Path(sys.executable).parent / name
    if own.exists():
        return str(own)
    path = shutil.which(name)
    if path is not None:
        return path
    why = f"{name} is not installed ({installed_by} installs it)"
    if os.environ.get("CI"):
        pytest.fail(f"{why}: in CI every tool the suite uses must be there")
    pytest.skip(f"{why}; CI fails here instead of skipping")
