"""Bugs the reliability suite found (see docs/reliability.md), kept as regression tests.

Each test is the reproduction that was reported; all are fixed.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from console.cli import main

from .conftest import Anything, nested

ENV = {
    "VENDCTL_APPID": "ds0123456789abcdef",
    "VENDCTL_APP_SECRET": "f" * 40,
    "VENDCTL_SIGN_KEY": "ds0123456789abcdef",
}


def _run(monkeypatch: pytest.MonkeyPatch, base: str, *argv: str) -> tuple[int, str]:
    for k, v in {**ENV, "VENDCTL_BASE_URL": base}.items():
        monkeypatch.setenv(k, v)
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, err.getvalue()


@pytest.mark.parametrize("depth", [900, 100_000])
@pytest.mark.parametrize(
    "argv", [("machines",), ("order", "set-status", "60", "paid", "--machine", "16327129")]
)
def test_a_deeply_nested_answer_is_a_clean_failure(
    anything: tuple[str, type[Anything]],
    monkeypatch: pytest.MonkeyPatch,
    argv: tuple[str, ...],
    depth: int,
) -> None:
    """Was: RecursionError from mask_obj (900 levels) or from the JSON decoder (100,000)."""
    base, handler = anything
    handler.answer = (200, b'{"code":0,"message":"ok","data":' + nested(depth) + b"}")
    code, err = _run(monkeypatch, base, *argv)
    assert code in (0, 3) and "Traceback" not in err
    if code == 3:
        assert "transport failure (non_json)" in err


@pytest.mark.parametrize("code_text", ["9" * 400, "-" + "9" * 30])
def test_a_refusal_code_beyond_64_bits_is_journalled(
    anything: tuple[str, type[Anything]], monkeypatch: pytest.MonkeyPatch, code_text: str
) -> None:
    """Was: OverflowError when the refused set-status was journalled; the action stayed in flight."""
    base, handler = anything
    handler.answer = (200, b'{"code":' + code_text.encode() + b',"message":"x","data":{}}')
    code, err = _run(
        monkeypatch, base, "order", "set-status", "60", "paid", "--machine", "16327129"
    )
    assert code == 1 and "platform refused: code -1" in err
    states = [
        a["state"] for a in json.loads(_json(monkeypatch, base, "journal", "actions"))["data"]
    ]
    assert states == ["refused"]


def _json(monkeypatch: pytest.MonkeyPatch, base: str, *argv: str) -> str:
    for k, v in {**ENV, "VENDCTL_BASE_URL": base}.items():
        monkeypatch.setenv(k, v)
    out, err = io.StringIO(), io.StringIO()
    assert main(["--json", *argv], stdout=out, stderr=err) == 0, err.getvalue()
    return out.getvalue()


@pytest.mark.parametrize(
    "argv",
    [
        ("journal", "history", str(2**63)),
        ("followup", "resolve", str(2**63), "--note", "x"),
        ("order", "set-status", str(2**63), "paid", "--machine", "16327129"),
    ],
)
def test_an_id_too_large_for_the_journal_is_bad_input(
    argv: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, err = _run(monkeypatch, "http://127.0.0.1:9", *argv)
    assert code == 2 and "whole number" in err


@pytest.mark.parametrize("limit", [str(2**63), "0", "-3"])
def test_a_list_limit_out_of_range_is_bad_input(
    limit: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Was: OverflowError (a traceback) for ``journal actions --limit 9223372036854775808``."""
    monkeypatch.setenv("VENDING_CONSOLE_HOME", str(tmp_path))
    code, err = _run(monkeypatch, "http://127.0.0.1:9", "journal", "actions", "--limit", limit)
    assert code == 2 and "--limit must be a number from 1 to 1,000,000" in err


def test_an_order_id_too_large_in_the_answer_is_a_clean_failure(
    anything: tuple[str, type[Anything]], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, handler = anything
    handler.answer = (
        200,
        json.dumps({"code": 0, "message": "ok", "data": {"order_id": 2**70}}).encode(),
    )
    code, _ = _run(
        monkeypatch, base,
        "order", "create", "--machine", "16327129", "--product", "501", "--notify-url", "http://127.0.0.1:9/n",
    )  # fmt: skip
    assert code == 3


@pytest.mark.parametrize("params", ['{"a": ' + "9" * 5000 + "}", "[" * 100_000])
def test_params_json_that_python_cannot_read_is_bad_input(
    params: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, err = _run(
        monkeypatch, "http://127.0.0.1:9", "payload", "encode", "--params-json", params
    )
    assert code == 2 and "--params-json" in err
