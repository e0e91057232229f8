"""The console's own warnings, callback summaries, cross-check details and failed calls
are message ids: every one is in the table the window words them from, and reads back."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from console.api.errors import PlatformRefused, TransportError
from console.core import crosscheck as cc
from console.core import errors as er
from console.core.callback import Callback
from console.core.followup import (
    API_ERROR,
    CALLBACK_SUMMARY,
    CROSS_CHECK,
    is_recognised,
    stored_text,
)
from console.core.texts import Text
from console.i18n import use_language
from console.tasks.logwords import LOG_MESSAGES, recognise, word

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
# What runs in the window's process and logs to the "console" logger it shows.
NOT_IN_THE_WINDOW = ("console/cli.py", "console/service/")


@pytest.fixture(autouse=True)
def _chinese_translation() -> None:
    use_language("zh")


def logged_formats() -> set[str]:
    """Every ``log.warning/error/exception/critical("…")`` format in the window's code."""
    found: set[str] = set()
    for path in sorted((ROOT / "console").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(NOT_IN_THE_WINDOW):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("warning", "error", "exception", "critical")
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in ("log", "logger")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def test_every_warning_the_window_shows_is_a_message_id() -> None:
    logged = logged_formats()
    missing = logged - set(LOG_MESSAGES)
    assert not missing, (
        "add these to console/tasks/logwords.py LOG_MESSAGES, then make translations-update "
        f"and translate them: {sorted(missing)}"
    )
    gone = set(LOG_MESSAGES) - logged
    assert not gone, f"no longer logged, remove from LOG_MESSAGES: {sorted(gone)}"


@pytest.mark.parametrize("fmt", LOG_MESSAGES)
def test_every_warning_reads_back_with_its_values_beside_the_translation(fmt: str) -> None:
    specs = re.findall(r"%[sdr]", fmt)
    values = tuple(70 + i if spec == "%d" else f"value{i}" for i, spec in enumerate(specs))
    message = fmt % values if values else fmt
    shown = tuple(
        repr(v) if spec == "%r" else str(v) for v, spec in zip(values, specs, strict=True)
    )
    assert recognise(message) == (fmt, shown)
    zh = word(message, "zh")
    assert CJK.search(zh), zh
    assert all(v in zh for v in shown), zh  # the values, as given
    assert word(message, "en") == message


def test_a_message_not_in_the_table_is_shown_as_logged() -> None:
    assert word("something else entirely", "zh") == "something else entirely"


SUMMARIES = [
    Callback(
        order_id=3, record_id=4, deliver_status="0", error_msg="Goods are Stuck", floor_status="2"
    ),
    Callback(order_id=3, record_id=4, deliver_status="1"),
    Callback(order_id=3, record_id=4, deliver_status="0", error_msg="a: b; c (d)"),
    Callback(order_id=3, record_id=None, deliver_status="0", floor_status="5"),
    Callback(channel_name="A10", deliver_status="1"),
    Callback(deliver_status="1"),
    Callback(order_id=1, record_id=2, deliver_status="x"),
    Callback(method="order.expired", order_id=3),
    Callback(method="order.other"),
]


@pytest.mark.parametrize("cb", SUMMARIES, ids=lambda cb: cb.summary())
def test_every_callback_summary_reads_back(cb: Callback) -> None:
    stored = cb.summary()
    assert is_recognised(stored, CALLBACK_SUMMARY), stored
    assert stored_text(stored, CALLBACK_SUMMARY).text("zh") == cb.summary_text().text("zh")
    assert CJK.search(cb.summary_text().text("zh"))


def _fill(source: str) -> Text:
    names = re.findall(r"\{(\w+)\}", source)
    values: dict[str, object] = {n: f"x{i}" for i, n in enumerate(names)}
    if "outcome" in values:
        values["outcome"] = Text("callback", "failure")
    if "label" in values:
        values["label"] = Text("status", "paid")
    return cc.detail(source, **values)


DETAILS = [
    v for k, v in vars(cc).items() if k.isupper() and isinstance(v, str) and k not in ("CONTEXT",)
]


@pytest.mark.parametrize("source", DETAILS)
def test_every_cross_check_detail_reads_back(source: str) -> None:
    stored = str(_fill(source))
    assert is_recognised(stored, CROSS_CHECK), stored
    assert stored_text(stored, CROSS_CHECK).source == source
    assert CJK.search(stored_text(stored, CROSS_CHECK).text("zh"))


ERRORS = [
    TransportError(
        kind,
        er.transport_detail_text(detail, "[Errno 111] Connection refused")
        if "{error}" in detail
        else er.transport_detail_text(detail),
        http_status=http,
        excerpt=excerpt,
    )
    for kind in ("timeout", "connect", "non_json")
    for detail in er.TRANSPORT_DETAILS
    for http, excerpt in ((None, ""), (502, ""), (None, "<html>"), (502, "<html>; HTTP 1"))
] + [PlatformRefused(code, "offline", 200) for code in (0, 6025, 98765)]


@pytest.mark.parametrize("error", ERRORS, ids=str)
def test_every_failed_call_reads_back(error: Exception) -> None:
    stored = str(error)
    assert is_recognised(stored, API_ERROR), stored
    assert stored_text(stored, API_ERROR).render() == stored
    assert CJK.search(stored_text(stored, API_ERROR).text("zh"))
