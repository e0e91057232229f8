"""Before Qt starts: is there a display to open a window on, and can Qt's plugin load?

Without a display Qt's X11 plugin aborts the interpreter (exit 134) with a page
of misleading advice ("Reinstalling the application may fix this problem",
"libxcb-cursor0 is needed"); a missing system library ends the same way. Here
the same facts become one sentence and exit code 2 (``vending-console`` checks
before it creates the ``QApplication``). Qt-free: standard library only.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

NO_DISPLAY = (
    "No display: run it on a desktop, or under Xvfb (`xvfb-run make run`), "
    "or set QT_QPA_PLATFORM=offscreen for a self-check."
)
# Platforms that need no display server (offscreen, minimal, vnc, eglfs, linuxfb ...).
_DISPLAY_PLATFORMS = ("xcb", "wayland")
_X11_SOCKETS = "/tmp/.X11-unix/X{n}"  # noqa: S108 - the X server's fixed socket path


def _x11_reachable(display: str) -> bool:
    """A local X server answers on its socket; a remote one (host:N) is taken on trust."""
    match = re.fullmatch(r"(?P<host>[^:]*):(?P<n>\d+)(\.\d+)?", display.strip())
    if match is None:
        return False
    if match["host"] not in ("", "unix"):
        return True
    path = _X11_SOCKETS.format(n=match["n"])
    for address in (path, "\0" + path):  # the file socket, then the abstract one
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(2)
            try:
                s.connect(address)
            except OSError:
                continue
            return True
    return False


def _wayland_reachable(env: Mapping[str, str]) -> bool:
    name = env.get("WAYLAND_DISPLAY", "")
    if not name:
        return False
    path = Path(name) if name.startswith("/") else Path(env.get("XDG_RUNTIME_DIR", "")) / name
    return path.exists()


def xcb_plugin() -> Path | None:
    """Qt's X11 platform plugin inside the installed PySide6 (or the frozen copy)."""
    spec = importlib.util.find_spec("PySide6")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        plugin = Path(folder) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.exists():
            return plugin
    return None


def missing_libraries(plugin: Path) -> list[str]:
    """The system libraries ``plugin`` needs and cannot find (empty when it loads)."""
    try:
        ctypes.CDLL(str(plugin))
    except OSError as exc:
        first = str(exc).split(":", 1)[0].strip()
    else:
        return []
    ldd = shutil.which("ldd")
    if ldd is None:
        return [Path(first).name]
    out = subprocess.run(  # noqa: S603 - ldd on a file of our own installation
        [ldd, str(plugin)], capture_output=True, text=True, timeout=10, check=False
    ).stdout
    found = re.findall(r"^\s*(\S+) => not found", out, flags=re.MULTILINE)
    return list(dict.fromkeys(found)) or [Path(first).name]


def debian_package(library: str) -> str:
    """The Debian/Ubuntu package that usually ships ``library`` (libxcb-icccm.so.4 → libxcb-icccm4)."""
    match = re.fullmatch(r"(?P<base>.+)\.so\.(?P<major>\d+)(\..*)?", library)
    if match is None:
        return library
    base = match["base"].lower()
    return f"{base}{'-' if base[-1].isdigit() else ''}{match['major']}"


def display_problem(
    env: Mapping[str, str] | None = None,
    *,
    platform: str = sys.platform,
    x11_reachable: Callable[[str], bool] = _x11_reachable,
    wayland_reachable: Callable[[Mapping[str, str]], bool] = _wayland_reachable,
    plugin_missing: Callable[[], list[str]] | None = None,
) -> str | None:
    """One sentence saying why no window can open here, or None when one can."""
    env = os.environ if env is None else env
    if not platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return None  # Windows and macOS always have their own display
    chosen = env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if chosen and chosen not in _DISPLAY_PLATFORMS:
        return None  # offscreen, minimal, vnc ...: the operator asked for it
    wayland = chosen in ("", "wayland") and wayland_reachable(env)
    if wayland:
        return None
    if chosen == "wayland" or not x11_reachable(env.get("DISPLAY", "")):
        return NO_DISPLAY
    if plugin_missing is None:
        plugin = xcb_plugin()
        missing = missing_libraries(plugin) if plugin is not None else []
    else:
        missing = plugin_missing()
    if missing:
        packages = " ".join(dict.fromkeys(debian_package(lib) for lib in missing))
        return (
            f"Qt's X11 plugin cannot load: the system libraries {', '.join(missing)} are "
            f"missing (on Debian/Ubuntu: apt-get install {packages}; `make run` installs "
            "them when run as root)."
        )
    return None
