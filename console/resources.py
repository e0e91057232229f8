"""Where the console's bundled files are: from a checkout, or inside the frozen program.

A checkout (or an editable install) keeps them in ``resources/`` next to the
``console`` package; the PyInstaller build (packaging/vending-console.spec)
unpacks the same ``resources/`` folder under ``sys._MEIPASS``. Every lookup of
an icon, desktop file or translation goes through here so both layouts work.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The app id: the AppStream component id, the .desktop file and the installed icon share it.
APP_ID = "io.github.vendingconsole.VendingConsole"


def is_frozen() -> bool:
    """True inside the PyInstaller build."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def resources_dir() -> Path:
    """The folder holding ``icon.svg`` and, when shipped, ``translations/``."""
    if is_frozen():
        return Path(sys._MEIPASS) / "resources"  # type: ignore[attr-defined]  # set by PyInstaller
    return Path(__file__).resolve().parent.parent / "resources"


def resource(name: str) -> Path:
    """A file under the resources folder (it may not exist: callers check)."""
    return resources_dir() / name


def icon_file() -> Path:
    return resource("icon.svg")


def translations_dir() -> Path:
    """Compiled Qt translations (``*.qm``); absent until translations ship."""
    return resource("translations")
