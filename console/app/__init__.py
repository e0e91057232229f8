"""Composition root of the console window: builds the pieces in order, tears them down in order.

``ConsoleApp`` takes injected pieces (paths, secret store, sandbox, a
synchronous task runner) so tests drive the real window; ``main`` is the
``vending-console`` entry point and opens the last profile used — the built-in
Sandbox on a first run.
"""

from __future__ import annotations

import argparse
import functools
import logging
import signal
import sys
import traceback
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from console import __version__
from console.credentials import CredentialsError, ProfileStore, SecretStore
from console.credentials.profiles import SANDBOX_PROFILE
from console.display import display_problem
from console.logsetup import setup_logging
from console.paths import Paths, app_paths
from console.resources import APP_ID, icon_file
from console.settings import Settings, install_language, resolve_language
from console.tasks.environment import EnvironmentFactory, SecretsAccess
from console.tasks.gcguard import GuiThreadCollector
from console.tasks.logfeed import FeedHandler, LogFeed
from console.tasks.runner import POOL_JOURNAL, TaskRunner
from console.ui.main_window import MainWindow

if TYPE_CHECKING:
    from console.sandbox import Sandbox

log = logging.getLogger(__name__)


class ConsoleApp:
    """The window and everything behind it, for one run of the console."""

    def __init__(
        self,
        *,
        paths: Paths | None = None,
        secret_store: SecretStore | None = None,
        sandbox: Sandbox | None = None,
        synchronous: bool = False,
        log_filter: logging.Filter | None = None,
    ) -> None:
        self.paths = (paths or app_paths()).ensure()
        self.feed = LogFeed()
        self.runner = TaskRunner(synchronous=synchronous)
        self.secrets = SecretsAccess(secret_store)
        self.profiles = ProfileStore(self.paths.profiles_file)
        self.factory = EnvironmentFactory(
            self.paths,
            self.profiles,
            self.secrets,
            self.feed,
            functools.partial(self.runner.call, POOL_JOURNAL),
            sandbox=sandbox,
        )
        self.settings = Settings(self.paths.config_dir / "console.ini")
        self.window = MainWindow(
            self.runner, self.feed, self.factory, self.profiles, self.secrets, self.settings
        )
        self._bridge = FeedHandler(self.feed)
        if log_filter is not None:
            self._bridge.addFilter(log_filter)
        logging.getLogger("console").addHandler(self._bridge)

    def start(self, profile: str | None = None) -> None:
        """Open ``profile``, else the last one used if it still exists, else the Sandbox."""
        name = profile or self.settings.last_profile
        if name != SANDBOX_PROFILE and profile is None:
            try:
                known = self.profiles.load()
            except CredentialsError:
                known = {}
            if name not in known:
                name = SANDBOX_PROFILE
        self.window.start(name)

    def shutdown(self) -> None:
        self.window.shutdown()
        logging.getLogger("console").removeHandler(self._bridge)


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """Log every uncaught error and tell the operator instead of dying silently."""
    log.critical("uncaught error", exc_info=(kind, exc, tb))
    text = "".join(traceback.format_exception_only(kind, exc)).strip()
    translate = QCoreApplication.translate
    QMessageBox.critical(
        None,
        translate("ConsoleApp", "Vending Console — unexpected error"),
        translate(
            "ConsoleApp",
            "Something went wrong: {error}\n\nThe details are in the console's log file. "
            "The window stays open; check the last order you worked on.",
        ).format(error=text),
    )


def _idle() -> None:
    """Nothing: the timer only gives the interpreter a moment to see a signal."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="vending-console",
        description="Operator window: mark vending orders paid, dispense, follow up refunds.",
    )
    parser.add_argument(
        "--profile", help="open this profile (default: the last one used; first run: Sandbox)"
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="check this installation offscreen (imports, resources, keyring, sandbox) and exit",
    )
    args = parser.parse_args(argv)
    if args.self_check:
        from console.app import selfcheck

        return selfcheck.run()
    problem = display_problem()  # before Qt, which would abort with misleading advice
    if problem is not None:
        print(f"vending-console: {problem}", file=sys.stderr)
        return 2

    app = QApplication(sys.argv[:1])
    app.setApplicationName("Vending Console")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)  # lets the desktop match the window to its .desktop file
    icon = icon_file()
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    paths = app_paths().ensure()
    log_filter = setup_logging(paths)  # secrets masked before any handler sees a record
    # The UI language: View ▸ Language, else the system locale; applied before any widget.
    language = resolve_language(Settings(paths.config_dir / "console.ini").language)
    if not install_language(language):
        log.warning("no %s translation found: the window stays in English", language)
    sys.excepthook = _excepthook
    collector = GuiThreadCollector(app)  # widgets are never collected on a worker thread
    console = ConsoleApp(paths=paths, log_filter=log_filter)
    console.window.show()
    console.start(args.profile)
    # Ctrl+C or a TERM signal quits through the same ordered shutdown as the window.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: app.quit())
    wake = QTimer()  # lets Python run its signal handlers while Qt waits for events
    wake.timeout.connect(_idle)
    wake.start(250)
    try:
        return app.exec()
    finally:
        console.shutdown()
        collector.stop()
