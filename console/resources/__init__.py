"""The console's bundled files, shipped as package data of ``console.resources``.

The icon, the state marks (``icons/*.svg``), the desktop entry, the AppStream metainfo and the compiled
translations (``translations/*.qm``) live in this package's folder, so a wheel
(``pip install .``), an editable install, a checkout and the PyInstaller build
(packaging/vending-console.spec collects the same folder) all find them the
same way: through ``importlib.resources``. Every lookup of an icon, desktop
file or translation goes through here.

The ``.qm`` files are committed next to their ``.ts`` sources (``make
translations`` regenerates them; tests/gui/test_translations.py fails when one
is stale): a wheel built from the sdist in pip's isolated build environment
then needs no Qt tool chain (PySide6 is ~100 MB) just to compile translations.
"""

from __future__ import annotations

import sys
from importlib.resources import files
from pathlib import Path

# The app id: the AppStream component id, the .desktop file and the installed icon share it.
APP_ID = "io.github.vendingconsole.VendingConsole"
DESKTOP_FILE = "vending-console.desktop"
METAINFO_FILE = f"{APP_ID}.metainfo.xml"


def is_frozen() -> bool:
    """True inside the PyInstaller build."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def resources_dir() -> Path:
    """The folder holding ``icon.svg``, the desktop files and ``translations/``.

    Qt opens these by file name, so the package must be installed as files (every
    installer does that; a zipped package would not do).
    """
    folder = files(__name__)
    if not isinstance(folder, Path):
        raise RuntimeError(f"the console's resources are not files on disk ({folder!r})")
    return folder


def resource(name: str) -> Path:
    """A file under the resources folder (it may not exist: callers check)."""
    return resources_dir() / name


def icon_file() -> Path:
    return resource("icon.svg")


def state_icon_file(name: str) -> Path:
    """A small state mark (``icons/<name>.svg``, e.g. ``lock``): marks are drawn from these
    bundled files, never from emoji, so they show without an emoji font."""
    return resource(f"icons/{name}.svg")


def translations_dir() -> Path:
    """Compiled Qt translations (``*.qm``)."""
    return resource("translations")
