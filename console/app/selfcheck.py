"""``vending-console --self-check``: does this copy of the console have what it needs?

Run offscreen, from a checkout or from the packaged program, it checks that the
modules import, the bundled resources are there, the keyring backends are
found, the window builds, the sandbox answers a ping over loopback and the
callback receiver answers. One line per check (``ok``/``warn``/``fail``); the
exit code is 1 when any check fails. No usable keyring is only a warning: the
console then offers to keep secrets for the session. Nothing is written to the
user's folders: the window and the receiver use a temporary folder.
"""

from __future__ import annotations

import gc
import http.client
import importlib
import os
import pkgutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from console import resources

OK, WARN, FAIL = "ok", "warn", "fail"

# Imported lazily somewhere (or only by the CLI): a frozen build that missed them
# would only fail when an operator reaches that path.
CRITICAL_MODULES = (
    "console.app",
    "console.cli",
    "console.sandbox",
    "console.receiver",
    "console.journal",
    "console.api.client",
    "console.credentials.secrets",
    "console.ui.main_window",
    "requests",
    "platformdirs",
    "keyring",
    "sqlite3",
    "ssl",
)

# The keyring backend that serves each platform (see packaging/README.md).
NATIVE_BACKENDS = {
    "linux": ("keyring.backends.SecretService", "secretstorage", "jeepney"),
    "win32": ("keyring.backends.Windows",),
    "darwin": ("keyring.backends.macOS",),
}


@dataclass(frozen=True)
class Result:
    status: str
    name: str
    detail: str

    def line(self) -> str:
        return f"{self.status:<4} {self.name}: {self.detail}"


Check = Callable[[], Result]


def check_imports() -> Result:
    import console

    failed: list[str] = []
    count = 0
    names = [
        m.name
        for m in pkgutil.walk_packages(console.__path__, "console.")
        if not m.name.endswith("__main__")  # importing those would run them
    ]
    for name in sorted({*names, *CRITICAL_MODULES}):
        try:
            importlib.import_module(name)
            count += 1
        except Exception as exc:
            failed.append(f"{name} ({type(exc).__name__}: {exc})")
    if failed:
        return Result(FAIL, "imports", "cannot import " + "; ".join(failed))
    import PySide6
    from PySide6.QtCore import qVersion

    return Result(
        OK,
        "imports",
        f"{count} modules; Python {sys.version.split()[0]}, "
        f"PySide6 {PySide6.__version__}, Qt {qVersion()}",
    )


def check_icon() -> Result:
    from PySide6.QtGui import QIcon

    path = resources.icon_file()
    if not path.is_file():
        return Result(FAIL, "icon", f"not found at {path}")
    # Rendering proves the SVG image-format plugin is there too (a frozen build can miss it).
    if QIcon(str(path)).pixmap(64, 64).isNull():
        return Result(FAIL, "icon", f"{path} found but does not render (Qt SVG plugin missing?)")
    return Result(OK, "icon", str(path))


def check_translations() -> Result:
    from PySide6.QtCore import QTranslator

    folder = resources.translations_dir()
    if not folder.is_dir():
        return Result(WARN, "translations", f"none shipped ({folder} absent): English only")
    compiled = sorted(folder.glob("*.qm"))
    if not compiled:
        sources = len(list(folder.glob("*.ts")))
        return Result(
            WARN, "translations", f"no compiled .qm in {folder} ({sources} .ts not compiled)"
        )
    broken = [qm.name for qm in compiled if not QTranslator().load(str(qm))]
    if broken:
        return Result(FAIL, "translations", f"cannot load {', '.join(broken)} in {folder}")
    return Result(OK, "translations", f"{', '.join(q.stem for q in compiled)} in {folder}")


def check_keyring() -> Result:
    from importlib import metadata

    import keyring.backend

    from console.credentials.secrets import KeyringStore, KeyringUnavailable

    # keyring finds its backends through entry points: without keyring's metadata
    # (a frozen build that forgot copy_metadata) it silently has none.
    found = sorted(ep.name for ep in metadata.entry_points(group="keyring.backends"))
    if not found:
        return Result(
            FAIL, "keyring", "no keyring.backends entry points (keyring metadata missing)"
        )
    missing = []
    for name in NATIVE_BACKENDS.get(sys.platform, ()):
        try:
            importlib.import_module(name)
        except Exception as exc:
            missing.append(f"{name} ({type(exc).__name__})")
    if missing:
        return Result(FAIL, "keyring", "native backend cannot import: " + ", ".join(missing))
    viable = ", ".join(
        sorted(
            f"{type(k).__module__.rsplit('.', 1)[-1]}" for k in keyring.backend.get_all_keyring()
        )
    )
    listed = f"backends found: {', '.join(found)}; viable here: {viable or 'none'}"
    try:
        store = KeyringStore()
    except KeyringUnavailable as exc:
        return Result(WARN, "keyring", f"{listed}; none usable: {exc}")
    except Exception as exc:  # a broken backend must not hide the other checks
        return Result(WARN, "keyring", f"{listed}; none usable: {type(exc).__name__}: {exc}")
    return Result(OK, "keyring", f"using {store.backend_name()}; {listed}")


@contextmanager
def _scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="vending-console-selfcheck-") as tmp:
        yield Path(tmp)


def check_window() -> Result:
    from console.app import ConsoleApp
    from console.credentials import MemoryStore
    from console.paths import Paths

    with _scratch() as tmp:
        paths = Paths(tmp / "config", tmp / "data", tmp / "logs")
        console = ConsoleApp(paths=paths, secret_store=MemoryStore(), synchronous=True)
        try:
            title = console.window.windowTitle()
        finally:
            console.shutdown()
            _dispose(console.window)
            del console
            # Collect the window's Python side here, on the GUI thread: a collection
            # that happened to run later on a server thread would destroy widgets there.
            gc.collect()
    return Result(OK, "window", f"main window builds ({title!r})")


def _dispose(widget: Any) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent

    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def check_sandbox() -> Result:
    from console.api.client import Client
    from console.sandbox import Sandbox

    with Sandbox(device_cycle_s=0.2) as sandbox:
        c = sandbox.credentials
        client = Client(
            sandbox.base_url, c.appid, c.app_secret, c.sign_key, connect_timeout=5, read_timeout=5
        )
        started = time.monotonic()
        client.ping()
        ms = (time.monotonic() - started) * 1000
        return Result(OK, "sandbox", f"answered ping at {sandbox.base_url} in {ms:.0f} ms")


def check_receiver() -> Result:
    from console.journal import Journal
    from console.receiver import Receiver, new_token

    with _scratch() as tmp:
        journal = Journal(tmp / "journal.sqlite3", "self-check")
        try:
            with Receiver(journal, new_token(), read_timeout_s=5) as receiver:
                # Only POST /notify/<token> is served: a GET there must be refused with 405.
                conn = http.client.HTTPConnection("127.0.0.1", receiver.port, timeout=5)
                try:
                    conn.request("GET", urlsplit(receiver.url).path)
                    status = conn.getresponse().status
                finally:
                    conn.close()
                where = receiver.masked_url
        finally:
            journal.close()
    if status != 405:
        return Result(FAIL, "receiver", f"answered {status} to a GET, 405 expected")
    return Result(OK, "receiver", f"listening and answering at {where}")


CHECKS: tuple[tuple[str, Check], ...] = (
    ("imports", check_imports),
    ("icon", check_icon),
    ("translations", check_translations),
    ("keyring", check_keyring),
    ("window", check_window),
    ("sandbox", check_sandbox),
    ("receiver", check_receiver),
)


def run(out: TextIO | None = None) -> int:
    """Run every check offscreen, print one line each; 0 when none failed, else 1."""
    # A windowed build (Windows, macOS .app) has no stdout: the exit code still tells.
    stream = out or sys.stdout or sys.stderr or open(os.devnull, "w")  # noqa: SIM115
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a self-check never needs a display
    from PySide6.QtWidgets import QApplication

    from console import __version__

    app = QApplication.instance() or QApplication(sys.argv[:1])
    where = "frozen" if resources.is_frozen() else "source"
    if where == "source" and {"site-packages", "dist-packages"} & set(Path(__file__).parts):
        where = "installed"  # a wheel (pip install .), not a checkout
    print(f"vending-console {__version__} self-check ({where}, {sys.platform})", file=stream)
    results: list[Result] = []
    for name, check in CHECKS:
        try:
            result = check()
        except Exception as exc:
            result = Result(FAIL, name, f"{type(exc).__name__}: {exc}")
        results.append(result)
        print(result.line(), file=stream, flush=True)
    counts = {s: sum(r.status == s for r in results) for s in (OK, WARN, FAIL)}
    print(
        f"self-check: {counts[OK]} ok, {counts[WARN]} warn, {counts[FAIL]} fail",
        file=stream,
    )
    del app
    return 1 if counts[FAIL] else 0
