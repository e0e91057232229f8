"""``vendctl serve``: the receiver and the window's periodic checks, headless, always on.

What runs, in one process:

- the receiver (``console.receiver.Receiver``): journals every callback and answers
  200 only after the commit; each new result is cross-checked with the platform on
  the receiver's cross-check thread;
- every ``check_every_s`` (and once at start) the same round of checks the window
  and ``vendctl listen`` run (``console.dispensing.run_checks``): result callbacks
  nobody confirmed are cross-checked, dispenses with no result after
  ``older_than_s`` are asked about (and a follow-up opens where owed), and "result
  unknown" follow-ups that are due are asked about again.

It prints nothing but log lines on stderr (``console.logsetup.setup_service_logging``:
journald priorities under systemd). SIGTERM or SIGINT stops it: the receiver
finishes what it is answering (``Receiver.stop``) and it exits 0. Every failure
to start is one log line and an exit code: 2 bad input (a flag), 3 the
environment (port in use, credentials missing or unsafe, journal not openable).
"""

from __future__ import annotations

import ipaddress
import logging
import signal
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, TextIO
from urllib.parse import urlsplit

from console import __version__
from console.api.client import Client
from console.api.errors import ConfigError
from console.core.errors import PortInUse
from console.core.rules import DEVICE_TIMEOUT_S, platform_key
from console.credentials import (
    CredentialsError,
    Profile,
    ProfileStore,
    ServiceCredentials,
    service_credentials,
)
from console.credentials.sources import ENV_BASE_URL
from console.dispensing import Checks, run_checks
from console.journal import Journal, JournalError, JournalUnavailable
from console.journal import mask_url as mask_journal_url
from console.logsetup import register_secrets, setup_service_logging, under_systemd
from console.paths import app_paths
from console.receiver import Receiver, mask_url
from console.receiver.crosscheck import CrossChecker
from console.service.journalurl import JournalUrlError, journal_target

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

log = logging.getLogger("console.service")

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_ENVIRONMENT = 3

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
# The window checks every 15 s while a profile is open; the no-result rule itself waits
# the platform's 120 s, so a shorter pause would only ask the journal more often.
DEFAULT_CHECK_EVERY_S = 15.0
# Profile name the journal scopes rows by when no --profile is given: the same as
# other vendctl commands use with credentials from the environment.
NO_PROFILE = "env"


class ServeError(Exception):
    """A reason not to start: one sentence and the exit code."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ServeOptions:
    """What ``vendctl serve`` was asked to do (its flags, already parsed)."""

    journal_url: str | None = None
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    public_url: str | None = None
    profile: str | None = None
    base_url: str | None = None
    check_every_s: float = DEFAULT_CHECK_EVERY_S
    older_than_s: float = DEVICE_TIMEOUT_S
    read_timeout_s: float = 15.0
    verbose: bool = False  # console.* at DEBUG


def public_notify_url(public_url: str) -> tuple[str, bool]:
    """``--public-url`` checked: the base the platform calls (``/notify/<token>`` is
    added) and whether the token would cross a network in clear (plain http to a
    host other than this computer). Raises ``ServeError`` (exit 2)."""
    text = public_url.strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ServeError(
            EXIT_BAD_INPUT,
            f"--public-url {public_url!r} is not an http(s) address: give the address the "
            "platform calls, e.g. https://vend.example.com",
        )
    if "/notify/" in f"{parts.path}/" or parts.query or parts.fragment:
        raise ServeError(
            EXIT_BAD_INPUT,
            "--public-url is the address without the notify token (e.g. "
            "https://vend.example.com): a token on the command line is visible to every "
            "user of this computer; the service adds /notify/<token> itself",
        )
    return text, parts.scheme == "http" and not _loopback(parts.hostname)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _profile(name: str | None) -> Profile | None:
    if not name:
        return None
    try:
        return ProfileStore(app_paths().profiles_file).get(name)
    except CredentialsError as exc:
        raise ServeError(EXIT_BAD_INPUT, str(exc)) from None


def _credentials(profile: Profile | None, environ: Mapping[str, str]) -> ServiceCredentials:
    try:
        creds = service_credentials(profile, environ)
    except CredentialsError as exc:
        raise ServeError(EXIT_ENVIRONMENT, str(exc)) from None
    register_secrets(creds.secrets)  # from here on no log line can carry them
    return creds


def _journal_target(options: ServeOptions) -> Path | URL:
    """The SQLite file or the database ``--journal`` names (default: this user's file)."""
    if options.journal_url is None:
        return app_paths().ensure().journal_file
    try:
        return journal_target(options.journal_url)
    except JournalUrlError as exc:
        raise ServeError(EXIT_BAD_INPUT, str(exc)) from None


def _open_journal(target: Path | URL, profile: str, platform: str) -> Journal:
    try:
        return Journal.open(target, profile, platform=platform)
    except JournalUnavailable as exc:  # says which journal and what to check, masked
        raise ServeError(EXIT_ENVIRONMENT, str(exc)) from None
    except (OSError, JournalError) as exc:
        raise ServeError(
            EXIT_ENVIRONMENT,
            f"cannot open the journal {mask_journal_url(_shown(target))}: {exc} (check that the "
            "directory exists and the service's user may write it)",
        ) from None


def _shown(target: Path | URL) -> str | URL:
    """A journal as a URL (a file as ``sqlite:///…``)."""
    return f"sqlite:///{target}" if isinstance(target, Path) else target


class Service:
    """One running ``vendctl serve``: build it, ``start()``, ``run_until(stop)``, ``close()``."""

    def __init__(self, options: ServeOptions, environ: Mapping[str, str]) -> None:
        self.options = options
        if options.check_every_s <= 0:
            raise ServeError(EXIT_BAD_INPUT, "--check-every must be more than 0 seconds")
        if not 0 <= options.older_than_s <= 7 * 24 * 3600:
            raise ServeError(EXIT_BAD_INPUT, "--older-than must be between 0 and 604800 seconds")
        self.public: tuple[str, bool] | None = (
            public_notify_url(options.public_url) if options.public_url else None
        )
        self.journal_target = _journal_target(options)
        profile = _profile(options.profile)
        self.creds = _credentials(profile, environ)
        base_url = (
            options.base_url
            or (profile.base_url if profile is not None else "")
            or environ.get(ENV_BASE_URL, "").strip()
        )
        if not base_url:
            raise ServeError(
                EXIT_ENVIRONMENT,
                f"no platform address: set {ENV_BASE_URL} (in the unit: Environment=), pass "
                "--base-url, or use --profile NAME",
            )
        try:
            self.client = Client(
                base_url,
                self.creds.appid,
                self.creds.app_secret,
                self.creds.sign_key,
                connect_timeout=min(5.0, options.read_timeout_s),
                read_timeout=options.read_timeout_s,
            )
        except ConfigError as exc:
            raise ServeError(EXIT_BAD_INPUT, str(exc)) from None
        self.journal = _open_journal(
            self.journal_target,
            profile.name if profile is not None else NO_PROFILE,
            platform_key(base_url, self.creds.appid),
        )
        self.checker = CrossChecker(self.client, self.journal)
        try:
            self.receiver = Receiver(
                self.journal,
                self.creds.notify_token,
                options.host,
                options.port,
                cross_check=self.checker,
                on_cross_checked=self._cross_checked,
            )
        except ValueError as exc:
            self.close()
            raise ServeError(
                EXIT_ENVIRONMENT, f"the notify token from {self.creds.source} is unusable: {exc}"
            ) from None

    def start(self) -> None:
        o = self.options
        try:
            self.receiver.start()
        except PortInUse as exc:
            self.close()
            raise ServeError(
                EXIT_ENVIRONMENT,
                f"cannot listen on {o.host}:{o.port}: {exc} (stop it, or choose another: --port)",
            ) from None
        except OSError as exc:
            self.close()
            raise ServeError(
                EXIT_ENVIRONMENT, f"cannot listen on {o.host}:{o.port}: {exc.strerror or exc}"
            ) from None
        log.info("vendctl serve %s: credentials from %s", __version__, self.creds.source)
        for note in self.creds.notes:
            log.info("%s", note)
        log.info("journal: %s", self.journal.where)  # its password masked
        local = mask_url(self.receiver.url)
        log.info("listening on %s", local)
        if self.public is None:
            log.info("no --public-url: the platform must reach %s itself", local)
        else:
            base, in_clear = self.public
            log.info("notify URL for the platform: %s/notify/****", base)
            if in_clear:
                log.warning(
                    "--public-url is plain http: the notify token crosses the internet in "
                    "clear and anyone on the way can post forged callbacks; put the service "
                    "behind TLS (https, docs/deploy.md)"
                )
        log.info(
            "checking for dispenses without a result every %g s (after %g s without one)",
            o.check_every_s,
            o.older_than_s,
        )

    def run_until(self, stop: threading.Event) -> None:
        """The periodic checks, once now and then every ``check_every_s``, until ``stop``."""
        while True:
            self.check_once()
            if stop.wait(self.options.check_every_s):
                return

    def check_once(self) -> Checks | None:
        """One round of ``run_checks``; a failure is logged and the next round tries again."""
        try:
            checks = run_checks(
                self.client, self.checker, self.journal, time.time(), self.options.older_than_s
            )
        except Exception as exc:
            log.error(
                "the periodic check failed (%s: %s); it runs again in %g s",
                type(exc).__name__,
                exc,
                self.options.check_every_s,
            )
            return None
        for late in checks.late:
            then = f" → follow-up #{late.followup_id}" if late.followup_id is not None else ""
            log.info(
                "callback #%s (order %s record %s, %s) checked late: %s — %s%s",
                late.callback_id,
                late.order_id,
                late.record_id,
                late.outcome,
                late.verdict,
                late.detail,
                then,
            )
        for c in checks.overdue:
            record = f" record {c.record_id}" if c.record_id is not None else ""
            f = c.followup
            then = f"; follow-up #{f.id} ({f.state}): {f.reason}" if f is not None else ""
            level = logging.WARNING if f is not None and f.state == "open" else logging.INFO
            log.log(
                level,
                "order %s%s (delivery %s, sent %s): platform says %s → %s%s",
                c.order_id,
                record,
                c.delivery_id or "-",
                c.sent_iso,
                c.found,
                c.decision,
                then,
            )
        return checks

    def _cross_checked(self, callback_id: int, verdict: str, detail: str) -> None:
        try:
            row = self.journal.get_callback(callback_id)
        except JournalUnavailable:
            row = None  # only the follow-up's number is missing from the line
        fid = row.followup_id if row is not None else None
        then = f" → follow-up #{fid}" if fid is not None else ""
        level = logging.INFO if verdict == "ok" else logging.WARNING
        log.log(level, "cross-check of callback #%s: %s — %s%s", callback_id, verdict, detail, then)

    def close(self) -> None:
        """Stop the receiver (in-flight answers finish first), close the journal."""
        self._stop_receiver()
        self.journal.close()
        self.client.close()

    def _stop_receiver(self) -> None:
        receiver = getattr(self, "receiver", None)
        if receiver is not None:
            receiver.stop()


def _stop_on_signals(stop: threading.Event) -> Callable[[], None]:
    """SIGTERM and SIGINT set ``stop``; returns what puts the previous handlers back."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def on_signal(signum: int, frame: FrameType | None) -> None:
        log.info("%s: stopping", signal.Signals(signum).name)
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}

    def restore() -> None:
        for s, handler in previous.items():
            signal.signal(s, handler)

    return restore


def serve(
    options: ServeOptions,
    stderr: TextIO,
    environ: Mapping[str, str],
    *,
    stop: threading.Event | None = None,
) -> int:
    """Run the service until SIGTERM/SIGINT (or ``stop``); the process's exit code."""
    setup_service_logging(
        stderr,
        systemd=under_systemd(environ),
        level=logging.DEBUG if options.verbose else logging.INFO,
    )
    stop = stop or threading.Event()
    restore = _stop_on_signals(stop)
    try:
        try:
            service = Service(options, environ)
            service.start()
        except ServeError as exc:
            log.error("%s", exc.message)
            return exc.code
        try:
            service.run_until(stop)
        finally:
            service.close()
        log.info("stopped")
        return EXIT_OK
    finally:
        restore()
