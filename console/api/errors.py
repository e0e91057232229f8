"""What can go wrong talking to the platform, as exceptions that carry the facts."""

from __future__ import annotations

from typing import Any

from console.core.errorcodes import explain, explain_text
from console.core.errors import (
    CANCELLED_BEFORE_RETRY,
    CANCELLED_BEFORE_SENT,
    ERRORS,
    platform_refused_text,
    transport_failure_text,
)
from console.core.texts import Text


class ApiError(Exception):
    """Base of every failure of a platform call."""


class ConfigError(ApiError):
    """The profile cannot be used as it is (bad base URL, insecure scheme...)."""


class Cancelled(ApiError):
    """The operator cancelled before the request was sent."""


class PlatformRefused(ApiError):
    """The platform answered with an envelope that is not ``code 0`` + ``"ok"``."""

    def __init__(self, code: int, message: str, http_status: int, data: Any = None) -> None:
        self.code = code
        self.message = message
        self.http_status = http_status
        self.data = data
        super().__init__(self.describe())

    def explanation(self, lang: str = "en") -> str:
        return explain(self.code, self.message, lang)

    def describe(self, lang: str = "en") -> str:
        return self.describe_text().text(lang)

    def describe_text(self) -> Text:
        """``describe`` as a message id (the code and message as given)."""
        return platform_refused_text(
            self.code, self.message, self.http_status, explain_text(self.code, self.message)
        )


class TransportError(ApiError):
    """No usable answer: refused connection, timeout, TLS, or a body that is not JSON.

    ``sent`` tells whether the request may have reached the platform: when it
    did, a write (status change, dispense) may have happened and must be checked
    before it is tried again.
    """

    def __init__(
        self,
        kind: str,
        detail: str | Text,
        *,
        http_status: int | None = None,
        excerpt: str = "",
        sent: bool = True,
    ) -> None:
        self.kind = kind
        # ``detail`` as a message id (``console.core.errors.TRANSPORT_DETAILS``) when the
        # client words it; a plain string is shown as given.
        self.detail_text = (
            detail if isinstance(detail, Text) else Text(ERRORS, "{raw}", (("raw", detail),))
        )
        self.detail = str(detail)
        self.http_status = http_status
        self.excerpt = excerpt
        self.sent = sent
        super().__init__(self.describe())

    def describe(self) -> str:
        return str(self.describe_text())

    def describe_text(self) -> Text:
        """``describe`` as a message id: ``transport failure (timeout): …; HTTP 502``."""
        return transport_failure_text(self.kind, self.detail_text, self.http_status, self.excerpt)


def error_text(exc: BaseException) -> Text:
    """``str(exc)`` of a failed platform call as a message id (other errors as given)."""
    if isinstance(exc, PlatformRefused | TransportError):
        return exc.describe_text()
    said = str(exc)
    for source in (CANCELLED_BEFORE_SENT, CANCELLED_BEFORE_RETRY):
        if said == source:
            return Text(ERRORS, source)
    return Text(ERRORS, "{raw}", (("raw", said),))
