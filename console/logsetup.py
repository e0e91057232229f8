"""Logging for both faces: one rotating file in the log dir, secrets masked.

Every record passes a filter that replaces the profile's secrets (AppSecret,
sign key, notify token) and any ``/notify/<token>`` path with ``****`` before
any handler sees it, so a secret cannot reach a log file even by mistake.

The service (``vendctl serve``) logs to stderr only, one line per record
(``setup_service_logging``): under systemd, whose journal stamps the time
itself, each line starts with its syslog priority as sd-daemon(3) describes
(``<3>`` error, ``<4>`` warning, ``<6>`` info, ``<7>`` debug) and carries no
time; elsewhere ``time level name: message``.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import threading
from collections.abc import Iterable, Mapping
from typing import TextIO

from console.api.masking import mask_text
from console.paths import Paths

LOG_BYTES = 2_000_000
LOG_BACKUPS = 3
FILE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class SecretFilter(logging.Filter):
    """Masks known secrets and notify tokens in every record's final message."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: tuple[str, ...] = ()
        self._lock = threading.Lock()

    def add_secrets(self, secrets: Iterable[str]) -> None:
        with self._lock:
            self._secrets = tuple({*self._secrets, *(s for s in secrets if s)})

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message, self._secrets)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text, self._secrets)
        if masked != message or record.args:
            record.msg = masked
            record.args = None
        return True


_FILTER = SecretFilter()


def register_secrets(secrets: Iterable[str]) -> None:
    """Mask these values in every log record from now on (all handlers)."""
    _FILTER.add_secrets(secrets)


def setup_logging(
    paths: Paths,
    *,
    stream: TextIO | None = None,
    stream_level: int = logging.WARNING,
    prefix: str = "",
) -> SecretFilter:
    """Log ``console.*`` to a rotating file (INFO) and, if given, ``stream``."""
    secret_filter = _FILTER
    root = logging.getLogger("console")
    root.setLevel(logging.DEBUG if stream_level <= logging.DEBUG else logging.INFO)
    old_umask = os.umask(0o077)
    try:
        file_handler = logging.handlers.RotatingFileHandler(
            paths.log_file, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
        )
    finally:
        os.umask(old_umask)
    file_handler.setLevel(logging.INFO)
    file_handler.setFormatter(logging.Formatter(FILE_FORMAT))
    file_handler.addFilter(secret_filter)
    root.addHandler(file_handler)
    if stream is not None:
        stream_handler = logging.StreamHandler(stream)
        stream_handler.setLevel(stream_level)
        stream_handler.setFormatter(logging.Formatter(f"{prefix}%(levelname)s: %(message)s"))
        stream_handler.addFilter(secret_filter)
        root.addHandler(stream_handler)
    return secret_filter


SERVICE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
JOURNALD_FORMAT = "%(name)s: %(message)s"
# sd-daemon(3): "<N>" before a line sets its priority in the journal.
_SD_PRIORITY = {
    logging.CRITICAL: 2,
    logging.ERROR: 3,
    logging.WARNING: 4,
    logging.INFO: 6,
    logging.DEBUG: 7,
}


def under_systemd(environ: Mapping[str, str] | None = None) -> bool:
    """Whether stderr goes to systemd's journal: systemd sets ``JOURNAL_STREAM`` when it
    connects stderr to the journal and ``INVOCATION_ID`` for every service it starts."""
    env = os.environ if environ is None else environ
    return bool(env.get("JOURNAL_STREAM") or env.get("INVOCATION_ID"))


class JournaldFormatter(logging.Formatter):
    """One record as lines that each carry the record's sd-daemon(3) priority prefix
    (a traceback's lines too, so the journal keeps them at the record's priority)."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        level = max((lv for lv in _SD_PRIORITY if lv <= record.levelno), default=logging.DEBUG)
        prefix = f"<{_SD_PRIORITY[level]}>"
        return "\n".join(prefix + line for line in text.splitlines() or [""])


_service_handlers: list[logging.Handler] = []


def setup_service_logging(
    stream: TextIO, *, systemd: bool, level: int = logging.INFO
) -> SecretFilter:
    """Log to ``stream`` only (no file): ``console.*`` from ``level``, every other
    library from WARNING (uvicorn's errors among them), all through the secret filter."""
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(
        JournaldFormatter(JOURNALD_FORMAT) if systemd else logging.Formatter(SERVICE_FORMAT)
    )
    handler.addFilter(_FILTER)
    root = logging.getLogger()
    root.addHandler(handler)
    _service_handlers.append(handler)
    logging.getLogger("console").setLevel(level)
    return _FILTER


def teardown_logging() -> None:
    root = logging.getLogger("console")
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    while _service_handlers:
        handler = _service_handlers.pop()
        logging.getLogger().removeHandler(handler)
        handler.close()
