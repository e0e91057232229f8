"""What can go wrong talking to the platform, as exceptions that carry the facts."""

from __future__ import annotations

from typing import Any

from console.core.errorcodes import explain


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
        return (
            f"platform refused: code {self.code}, message {self.message!r} "
            f"(HTTP {self.http_status}) — {self.explanation(lang)}"
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
        detail: str,
        *,
        http_status: int | None = None,
        excerpt: str = "",
        sent: bool = True,
    ) -> None:
        self.kind = kind
        self.detail = detail
        self.http_status = http_status
        self.excerpt = excerpt
        self.sent = sent
        super().__init__(self.describe())

    def describe(self) -> str:
        parts = [f"transport failure ({self.kind}): {self.detail}"]
        if self.http_status is not None:
            parts.append(f"HTTP {self.http_status}")
        if self.excerpt:
            parts.append(f"answer began: {self.excerpt!r}")
        return "; ".join(parts)
