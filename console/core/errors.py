"""Errors every face explains the same way (window, vendctl), with no I/O here."""

from __future__ import annotations

import errno

from console.core.texts import QT_TRANSLATE_NOOP, Text, text


class PortInUse(OSError):
    """A port the console must listen on is taken by another program (``EADDRINUSE``)."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__(
            errno.EADDRINUSE, f"port {port} on {host} is already in use by another program"
        )
        self.host = host
        self.port = port

    def __str__(self) -> str:
        return str(self.strerror)  # the sentence, without "[Errno 98]"


# -- a failed platform call, in words (``console.api.errors`` fills them) --------------
# ``str()`` of a transport error or a refusal is stored (a "result unknown" follow-up's
# meaning, a cross-check's detail) and shown in the log, so its English stays as it was;
# each piece is a message id, recognised again when shown (``console.core.followup``).

ERRORS = "errors"

# How the call failed: the kind is an identifier (scripts read it), worded for people.
TRANSPORT_KIND_WORDS: dict[str, str] = {
    "connect": QT_TRANSLATE_NOOP("errors", "connect"),
    "timeout_connect": QT_TRANSLATE_NOOP("errors", "timeout_connect"),
    "timeout": QT_TRANSLATE_NOOP("errors", "timeout"),
    "connection_lost": QT_TRANSLATE_NOOP("errors", "connection_lost"),
    "tls": QT_TRANSLATE_NOOP("errors", "tls"),
    "non_json": QT_TRANSLATE_NOOP("errors", "non_json"),
    "bad_envelope": QT_TRANSLATE_NOOP("errors", "bad_envelope"),
    "http": QT_TRANSLATE_NOOP("errors", "http"),
}
# What the client saw (``{error}``: the library's or the OS's own words, as given).
EMPTY_ANSWER = QT_TRANSLATE_NOOP("errors", "empty answer")
NOT_JSON = QT_TRANSLATE_NOOP("errors", "answer is not JSON")
NOT_ENVELOPE = QT_TRANSLATE_NOOP("errors", "answer is JSON but not the platform's envelope")
CONNECT_TIMED_OUT = QT_TRANSLATE_NOOP("errors", "connecting timed out")
READ_TIMED_OUT = QT_TRANSLATE_NOOP("errors", "the platform did not answer in time")
TLS_FAILED = QT_TRANSLATE_NOOP("errors", "TLS verification failed: {error}")
COULD_NOT_CONNECT = QT_TRANSLATE_NOOP("errors", "could not connect: {error}")
HOST_NOT_FOUND = QT_TRANSLATE_NOOP("errors", "host not found: {error}")
CONNECTION_LOST = QT_TRANSLATE_NOOP("errors", "connection lost before an answer: {error}")
TRANSPORT_DETAILS: tuple[str, ...] = (
    EMPTY_ANSWER,
    NOT_JSON,
    NOT_ENVELOPE,
    CONNECT_TIMED_OUT,
    READ_TIMED_OUT,
    TLS_FAILED,
    COULD_NOT_CONNECT,
    HOST_NOT_FOUND,
    CONNECTION_LOST,
)
# The whole sentence, with the HTTP status and the answer's first characters when known.
TRANSPORT_FAILURE = QT_TRANSLATE_NOOP("errors", "transport failure ({kind}): {detail}")
TRANSPORT_FAILURE_HTTP = QT_TRANSLATE_NOOP(
    "errors", "transport failure ({kind}): {detail}; HTTP {http}"
)
TRANSPORT_FAILURE_EXCERPT = QT_TRANSLATE_NOOP(
    "errors", "transport failure ({kind}): {detail}; answer began: {excerpt}"
)
TRANSPORT_FAILURE_HTTP_EXCERPT = QT_TRANSLATE_NOOP(
    "errors", "transport failure ({kind}): {detail}; HTTP {http}; answer began: {excerpt}"
)
PLATFORM_REFUSED = QT_TRANSLATE_NOOP(
    "errors", "platform refused: code {code}, message {message} (HTTP {http}) — {explanation}"
)
CANCELLED_BEFORE_SENT = QT_TRANSLATE_NOOP("errors", "cancelled before the request was sent")
CANCELLED_BEFORE_RETRY = QT_TRANSLATE_NOOP("errors", "cancelled while waiting to retry")


def transport_detail_text(source: str, error: str | None = None) -> Text:
    """One of ``TRANSPORT_DETAILS``; ``error``: the library's words for ``{error}``."""
    return Text(ERRORS, source) if error is None else text(ERRORS, source, error=error)


def transport_failure_text(
    kind: str, detail: Text, http_status: int | None = None, excerpt: str = ""
) -> Text:
    """``transport failure (timeout): the platform did not answer in time; HTTP 502; …``"""
    kind_word = TRANSPORT_KIND_WORDS.get(kind)
    values: dict[str, object] = {
        "kind": Text(ERRORS, kind_word) if kind_word else kind,
        "detail": detail,
    }
    if http_status is not None:
        values["http"] = http_status
    if excerpt:
        values["excerpt"] = repr(excerpt)
    source = {
        (False, False): TRANSPORT_FAILURE,
        (True, False): TRANSPORT_FAILURE_HTTP,
        (False, True): TRANSPORT_FAILURE_EXCERPT,
        (True, True): TRANSPORT_FAILURE_HTTP_EXCERPT,
    }[(http_status is not None, bool(excerpt))]
    return text(ERRORS, source, **values)


def platform_refused_text(code: int, message: str, http_status: int, explanation: Text) -> Text:
    """``platform refused: code 6025, message 'offline' (HTTP 200) — machine offline``"""
    return text(
        ERRORS,
        PLATFORM_REFUSED,
        code=code,
        message=repr(message),
        http=http_status,
        explanation=explanation,
    )
