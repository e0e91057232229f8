"""What the log pane shows, collected from any thread and drained by the GUI in batches.

Producers (the API client's observer on api threads, the receiver's handler and
cross-check threads, the logging bridge) call ``LogFeed.push``; the window
drains the feed on a ~75 ms timer and appends the whole batch to the model at
once — never one widget update per event. Entries are plain, already-masked data.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from console.core.callback import safe_excerpt
from console.core.crosscheck import verdict_text
from console.core.followup import CALLBACK_SUMMARY, CROSS_CHECK, Stored
from console.core.texts import QT_TRANSLATE_NOOP, Text, text
from console.tasks.logwords import CONTEXT as LOG_CONTEXT
from console.tasks.logwords import LEVEL_WORDS, Logged

if TYPE_CHECKING:
    from console.api.client import Exchange
    from console.journal import CallbackRow

KIND_REQUEST = "request"
KIND_RESPONSE = "response"
KIND_CALLBACK = "callback"
KIND_ERROR = "error"
KIND_INFO = "info"

SEARCH_TEXT_CHARS = 2000


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One line of the log pane; ``detail`` is JSON-like and already masked."""

    ts: float
    kind: str
    summary: str
    machine_no: str = ""
    order_id: int | None = None
    detail: Any = None
    curl: str = ""
    callback_id: int | None = None
    search_text: str = ""  # lower-case text the search box matches
    # ``summary`` as a message id, for the window to word in its language (None: shown as
    # ``summary``). ``summary`` stays the English: the export and the search read it.
    message: Text | None = None

    @classmethod
    def make(
        cls,
        kind: str,
        summary: str,
        *,
        ts: float | None = None,
        machine_no: str = "",
        order_id: int | None = None,
        detail: Any = None,
        curl: str = "",
        callback_id: int | None = None,
        message: Text | None = None,
    ) -> LogEntry:
        if message is not None:
            summary = str(message)
        dumped = "" if detail is None else json.dumps(detail, ensure_ascii=False, default=str)
        text = f"{summary} {machine_no} {order_id or ''} {dumped[:SEARCH_TEXT_CHARS]}"
        return cls(
            ts=time.time() if ts is None else ts,
            kind=kind,
            summary=summary,
            machine_no=machine_no,
            order_id=order_id,
            detail=detail,
            curl=curl,
            callback_id=callback_id,
            search_text=text.lower(),
            message=message,
        )


def _path(url: str) -> str:
    from console.api.client import API_PREFIX  # loaded by then: an exchange came from it

    path = urlsplit(url).path
    return path[len(API_PREFIX) :] if path.startswith(API_PREFIX) else path


def entries_from_exchange(ex: Exchange) -> list[LogEntry]:
    """A request line and its answer (or error) line for one attempt of a call."""
    path = _path(ex.url)
    # The method, the path and the endpoint's name (in brackets) are identifiers, as in
    # the platform's documents: only our own words around them are translated.
    if ex.attempt > 1:
        said = text(
            "logfeed",
            QT_TRANSLATE_NOOP("logfeed", "→ {method} {path}  [{action}] (try {attempt})"),
            method=ex.method,
            path=path,
            action=ex.action,
            attempt=ex.attempt,
        )
    else:
        said = text(
            "logfeed",
            QT_TRANSLATE_NOOP("logfeed", "→ {method} {path}  [{action}]"),
            method=ex.method,
            path=path,
            action=ex.action,
        )
    request = LogEntry.make(
        KIND_REQUEST,
        "",
        message=said,
        ts=ex.started_at,
        machine_no=ex.machine_no,
        order_id=ex.order_id,
        detail={
            "method": ex.method,
            "url": ex.url,
            "headers": ex.request_headers,
            "payload (decoded)": ex.payload,
            "body": ex.request_body,
        },
        curl=ex.curl,
    )
    ms = round(ex.duration_s * 1000)
    answer: dict[str, Any] = {"duration_ms": ms}
    if ex.http_status is None:
        kind = KIND_ERROR
        said = text(
            "logfeed",
            QT_TRANSLATE_NOOP("logfeed", "× {action}: {error} after {ms} ms"),
            action=ex.action,
            error=ex.error_text or ex.error,
            ms=ms,
        )
        answer["error"] = ex.error
    else:
        answer["http_status"] = ex.http_status
        env = ex.envelope
        if env is not None:
            answer["envelope"] = env
            head = text(
                "logfeed",
                QT_TRANSLATE_NOOP("logfeed", "code {code} {message}"),
                code=repr(env.get("code")),
                message=repr(env.get("message")),
            )
        else:
            answer["body excerpt"] = ex.response_text[:2000]
            head = text("logfeed", "{error}", error=ex.error_text or ex.error)
        if ex.error:
            answer["error"] = ex.error
        kind = KIND_RESPONSE if ex.ok else KIND_ERROR
        said = text(
            "logfeed",
            QT_TRANSLATE_NOOP(
                "logfeed", "{mark} HTTP {status} {path}  [{action}] {head} in {ms} ms"
            ),
            mark="←" if ex.ok else "×",
            status=ex.http_status,
            path=path,
            action=ex.action,
            head=head,
            ms=ms,
        )
    response = LogEntry.make(
        kind,
        "",
        message=said,
        ts=ex.started_at + ex.duration_s,
        machine_no=ex.machine_no,
        order_id=ex.order_id,
        detail=answer,
        curl=ex.curl,
    )
    return [request, response]


def entry_from_callback(row: CallbackRow) -> LogEntry:
    marks: list[Text] = []
    if row.replay_of is not None:
        marks.append(
            text("logfeed", QT_TRANSLATE_NOOP("logfeed", "REPLAY of #{id}"), id=row.replay_of)
        )
    if row.duplicate_of is not None:
        marks.append(
            text("logfeed", QT_TRANSLATE_NOOP("logfeed", "repeat of #{id}"), id=row.duplicate_of)
        )
    if row.followup_id is not None:
        marks.append(
            text("logfeed", QT_TRANSLATE_NOOP("logfeed", "follow-up #{id}"), id=row.followup_id)
        )
    # The summary is the journal's stored English, recognised only when shown in Chinese.
    summary = Stored(row.summary, CALLBACK_SUMMARY)
    if marks:
        joined = marks[0]
        for mark in marks[1:]:
            joined = text(
                "logfeed", QT_TRANSLATE_NOOP("logfeed", "{marks}; {mark}"), marks=joined, mark=mark
            )
        said = text(
            "logfeed",
            QT_TRANSLATE_NOOP("logfeed", "⇠ callback #{id}: {summary}  ({marks})"),
            id=row.id,
            summary=summary,
            marks=joined,
        )
    else:
        said = text(
            "logfeed",
            QT_TRANSLATE_NOOP("logfeed", "⇠ callback #{id}: {summary}"),
            id=row.id,
            summary=summary,
        )
    detail = {
        "callback_id": row.id,
        "received": row.ts_iso,
        "from": row.remote,
        "content_type": row.content_type,
        "outcome": row.outcome,
        "method": row.method,
        "order_id": row.order_id,
        "record_id": row.record_id,
        "deliver_status": row.deliver_status,
        "floor_status": row.floor_status,
        "error_msg": row.error_msg,
        "channel_name": row.channel_name,
        "extra": row.extra,
        "problems": row.reason,
        "duplicate_of": row.duplicate_of,
        "replay_of": row.replay_of,
        "followup_id": row.followup_id,
        "cross_check": row.cross_check,
        "body": safe_excerpt(row.raw, 4000),
    }
    return LogEntry.make(
        KIND_CALLBACK,
        "",
        message=said,
        ts=row.ts,
        machine_no=row.order_machine,
        order_id=row.order_id,
        detail=detail,
        callback_id=row.id,
    )


def entry_from_cross_check(
    callback_id: int,
    verdict: str,
    detail: str,
    *,
    machine_no: str = "",
    order_id: int | None = None,
) -> LogEntry:
    """A callback's cross-check line, with the machine and order it concerns."""
    said = text(
        "logfeed",
        QT_TRANSLATE_NOOP("logfeed", "⇠ callback #{id} cross-check: {verdict} — {detail}"),
        id=callback_id,
        verdict=verdict_text(verdict),
        detail=Stored(detail, CROSS_CHECK),
    )
    return LogEntry.make(
        KIND_CALLBACK if verdict in ("ok", "unchecked") else KIND_ERROR,
        "",
        message=said,
        machine_no=machine_no,
        order_id=order_id,
        detail={"callback_id": callback_id, "cross_check": verdict, "detail": detail},
        callback_id=callback_id,
    )


class LogFeed:
    """A thread-safe inbox of log entries. ``push`` from anywhere; ``drain`` on the GUI."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: deque[LogEntry] = deque()
        self._callbacks: list[CallbackRow] = []

    def push(self, *entries: LogEntry) -> None:
        with self._lock:
            self._items.extend(entries)

    def push_callback(self, row: CallbackRow) -> None:
        """A journalled callback: a log line, and a note that the window should refresh."""
        entry = entry_from_callback(row)
        with self._lock:
            self._items.append(entry)
            self._callbacks.append(row)

    def observe(self, ex: Exchange) -> None:
        """The API client's observer: called on api threads for every attempt."""
        self.push(*entries_from_exchange(ex))

    def drain(self) -> tuple[list[LogEntry], list[CallbackRow]]:
        """Everything pushed since the last drain: entries, and the callbacks among them."""
        with self._lock:
            items = list(self._items)
            self._items.clear()
            callbacks, self._callbacks = self._callbacks, []
        return items, callbacks


class FeedHandler(logging.Handler):
    """Bridges the console's own warnings and errors into the log pane."""

    def __init__(self, feed: LogFeed, level: int = logging.WARNING) -> None:
        super().__init__(level)
        self.feed = feed

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
            level = record.levelname.lower()
            word = LEVEL_WORDS.get(level)
            values: dict[str, object] = {
                "level": Text(LOG_CONTEXT, word) if word is not None else level,
                "message": Logged(message),
            }
            said_how = QT_TRANSLATE_NOOP("logfeed", "{level}: {message}")
            logged = message
            if record.exc_info and record.exc_info[1] is not None:
                values["kind"] = type(record.exc_info[1]).__name__
                values["error"] = str(record.exc_info[1])
                logged += f" ({values['kind']}: {values['error']})"
                said_how = QT_TRANSLATE_NOOP("logfeed", "{level}: {message} ({kind}: {error})")
            kind = KIND_ERROR if record.levelno >= logging.ERROR else KIND_INFO
            self.feed.push(
                LogEntry.make(
                    kind,
                    "",
                    message=text("logfeed", said_how, **values),
                    ts=record.created,
                    detail={"logger": record.name, "message": logged},
                )
            )
        except Exception:  # a log handler must never raise
            self.handleError(record)


def write_jsonl(entries: list[LogEntry], path: str) -> int:
    """Export log entries (already masked) as JSON Lines; returns how many were written."""
    with open(path, "w", encoding="utf-8") as out:
        for e in entries:
            record = {
                "ts": e.ts,
                "kind": e.kind,
                "summary": e.summary,
                "machine_no": e.machine_no,
                "order_id": e.order_id,
                "detail": e.detail,
                "curl": e.curl,
                "callback_id": e.callback_id,
            }
            out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    return len(entries)
