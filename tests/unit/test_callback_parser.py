"""The callback parser: the platform's loose callback map, in JSON or form encoding."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.core.callback import (
    MAX_DEPTH,
    NESTED_TOO_DEEP,
    Callback,
    CallbackError,
    parse_callback,
    safe_excerpt,
)

EXAMPLE = (
    b'{"deliver_status": "0", "error_msg": "Slave Comm Error", "floor_status": "3", '
    b'"method": "device.delivery.response", "order_id": 60, "record_id": 78}'
)
FORM = "application/x-www-form-urlencoded"


def test_the_documented_example_is_a_failure_of_order_60_record_78() -> None:
    cb = parse_callback(EXAMPLE, "application/json")
    assert cb.method == "device.delivery.response"
    assert (cb.order_id, cb.record_id) == (60, 78)
    assert cb.deliver_status == "0"
    assert cb.floor_status == "3"
    assert cb.error_msg == "Slave Comm Error"
    assert cb.channel_name is None
    assert cb.extra == {}
    assert cb.raw == EXAMPLE
    assert cb.outcome == "failure"
    assert cb.problems == ()
    assert cb.dedupe_key == (
        "order",
        60,
        78,
        "0",
        "3",
        "Slave Comm Error",
        "device.delivery.response",
    )


def test_form_encoded_callback_parses_like_json() -> None:
    body = (
        b"deliver_status=1&floor_status=1&method=device.delivery.response"
        b"&order_id=61&record_id=79&note=caf%C3%A9+ok"
    )
    cb = parse_callback(body, FORM + "; charset=utf-8")
    assert (cb.order_id, cb.record_id, cb.deliver_status) == (61, 79, "1")
    assert cb.outcome == "success"
    assert cb.extra == {"note": "café ok"}


@pytest.mark.parametrize("content_type", ["", "text/plain", "application/octet-stream", FORM])
def test_json_is_accepted_whatever_the_content_type_says(content_type: str) -> None:
    assert parse_callback(EXAMPLE, content_type).order_id == 60


@pytest.mark.parametrize("content_type", ["", "application/json", "text/html"])
def test_form_is_accepted_whatever_the_content_type_says(content_type: str) -> None:
    cb = parse_callback(b"order_id=5&record_id=6&deliver_status=0", content_type)
    assert (cb.order_id, cb.record_id, cb.outcome) == (5, 6, "failure")


def test_fail_reason_stands_in_for_error_msg() -> None:
    cb = parse_callback(b'{"order_id": 1, "record_id": 2, "deliver_status": "0", '
                        b'"fail_reason": "Goods are Stuck"}', "application/json")  # fmt: skip
    assert cb.error_msg == "Goods are Stuck"
    both = parse_callback(
        json.dumps(
            {"order_id": 1, "deliver_status": "0", "error_msg": "A", "fail_reason": "B"}
        ).encode(),
        "",
    )
    assert both.error_msg == "A"
    assert both.extra["fail_reason"] == "B"


def test_unknown_fields_are_kept_in_extra() -> None:
    body = {
        "order_id": 9,
        "record_id": 10,
        "deliver_status": "1",
        "delivery_id": 555,
        "meta": {"a": [1, 2, {"b": None}]},
        "名字": "售货机",
    }
    cb = parse_callback(json.dumps(body, ensure_ascii=False).encode(), "application/json")
    assert cb.extra == {"delivery_id": 555, "meta": {"a": [1, 2, {"b": None}]}, "名字": "售货机"}


def test_expiry_event_is_an_event_not_a_dispense() -> None:
    body = b'{"method":"order.expired","order_id":77,"trade_id":"T2024042600000000000001"}'
    cb = parse_callback(body, "application/json")
    assert cb.outcome == "event"
    assert cb.order_id == 77
    assert cb.extra == {"trade_id": "T2024042600000000000001"}
    assert cb.dedupe_key != parse_callback(EXAMPLE.replace(b"60", b"77"), "").dedupe_key


def test_test_dispense_callback_carries_a_slot_instead_of_an_order() -> None:
    body = b'{"method":"device.delivery.response","channel_name":"A20","deliver_status":"1"}'
    cb = parse_callback(body, "application/json")
    assert cb.order_id is None
    assert cb.channel_name == "A20"
    assert cb.is_test_dispense
    assert cb.outcome == "success"
    assert cb.dedupe_key[:2] == ("channel", "A20")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (60, 60),
        ("60", 60),
        (" 60 ", 60),
        (60.0, 60),
        (2**63 - 1, 2**63 - 1),
    ],
)
def test_ids_in_any_reasonable_type_are_read(value: object, expected: int) -> None:
    cb = parse_callback(json.dumps({"order_id": value, "deliver_status": "1"}).encode(), "")
    assert cb.order_id == expected
    assert cb.problems == ()


@pytest.mark.parametrize(
    "value",
    [2**63, 2**64 + 5, 10**40, "9" * 30, 60.5, True, -3, "6O", [60], {"id": 60}, "١٢"],
)
def test_unusable_ids_become_none_with_a_problem_and_the_raw_body_is_kept(value: object) -> None:
    body = json.dumps({"order_id": value, "record_id": 1, "deliver_status": "0"}).encode()
    cb = parse_callback(body, "application/json")
    assert cb.order_id is None
    assert cb.raw == body
    assert any("order_id" in p for p in cb.problems)
    # A failure that cannot be tied to an order is "invalid", not silently dropped.
    assert cb.outcome == "invalid"


def test_nan_and_infinity_ids_are_unusable() -> None:
    cb = parse_callback(b'{"order_id": NaN, "record_id": Infinity, "deliver_status": "1"}', "")
    assert (cb.order_id, cb.record_id) == (None, None)
    assert len(cb.problems) == 2


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1, "1"), (0, "0"), ("1", "1"), (" 0 ", "0"), (1.0, "1"), ("2", "2"), (True, "true")],
)
def test_deliver_status_is_normalised_to_text(value: object, expected: str) -> None:
    cb = parse_callback(json.dumps({"order_id": 3, "deliver_status": value}).encode(), "")
    assert cb.deliver_status == expected


def test_other_deliver_status_values_are_invalid_and_kept_raw() -> None:
    cb = parse_callback(b'{"order_id": 3, "record_id": 4, "deliver_status": "2"}', "")
    assert cb.outcome == "invalid"
    assert cb.deliver_status == "2"
    assert "deliver_status '2'" in cb.summary()


def test_floor_status_missing_is_none_and_numbers_become_text() -> None:
    assert parse_callback(b'{"order_id": 3, "deliver_status": "1"}', "").floor_status is None
    cb = parse_callback(b'{"order_id": 3, "deliver_status": "0", "floor_status": 47}', "")
    assert cb.floor_status == "47"


def test_a_deliver_status_makes_it_a_dispense_whatever_the_method() -> None:
    cb = parse_callback(b'{"method": "odd.method", "order_id": 3, "deliver_status": "0"}', "")
    assert cb.outcome == "failure"


def test_nested_objects_in_known_fields_become_text() -> None:
    body = b'{"order_id": 3, "deliver_status": "0", "error_msg": {"code": 7, "text": "x"}}'
    cb = parse_callback(body, "")
    assert cb.error_msg == '{"code":7,"text":"x"}'


def test_deep_nesting_is_bounded_in_extra() -> None:
    deep: object = "bottom"
    for _ in range(MAX_DEPTH * 3):
        deep = [deep]
    body = json.dumps({"order_id": 1, "deliver_status": "1", "deep": deep}).encode()
    cb = parse_callback(body, "")
    node = cb.extra["deep"]
    depth = 0
    while isinstance(node, list):
        node = node[0]
        depth += 1
    assert node == NESTED_TOO_DEEP
    assert depth <= MAX_DEPTH
    json.dumps(cb.extra)  # storable


@pytest.mark.parametrize("body", [b"[" * 200_000, b'{"a":' * 200_000])
def test_pathological_nesting_is_rejected_cleanly(body: bytes) -> None:
    with pytest.raises(CallbackError):
        parse_callback(body, "application/json")


def test_lone_surrogates_are_replaced_so_the_text_can_be_stored() -> None:
    cb = parse_callback(b'{"order_id": 1, "deliver_status": "0", "error_msg": "bad \\ud800"}', "")
    cb.error_msg.encode("utf-8")
    assert cb.error_msg.startswith("bad ")


def test_unicode_survives() -> None:
    body = json.dumps(
        {"order_id": 1, "deliver_status": "0", "error_msg": "货道卡货 🍫"}, ensure_ascii=False
    ).encode()
    assert parse_callback(body, "application/json; charset=utf-8").error_msg == "货道卡货 🍫"


def test_bom_is_ignored() -> None:
    assert parse_callback(b"\xef\xbb\xbf" + EXAMPLE, "application/json").order_id == 60


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b'{"order_id": 1, "error_msg": "\xff\xfe"}', "application/json", "UTF-8"),
        (b"", "application/json", "empty"),
        (b"   \n", FORM, "empty"),
        (b"hello world", "text/plain", "neither"),
        (b"<html>502 Bad Gateway</html>", "text/html", "neither"),
        (b"[1, 2, 3]", "application/json", "JSON is an array"),
        (b'"order_id"', "application/json", "JSON is a string"),
        (b"42", "", "JSON is a number"),
        (b"null", "", "JSON is null"),
        (b"{}", "application/json", "no recognisable"),
        (b'{"hello": "world"}', "application/json", "no recognisable"),
        (b"a=1&b=2", FORM, "no recognisable"),
        (b"order_id=%FF", FORM, "not valid UTF-8"),
        (b'{"order_id": 1' + b"1" * 5000 + b"}", "application/json", "neither"),
    ],
)
def test_unusable_bodies_raise_callback_error_with_a_reason(
    body: bytes, content_type: str, reason: str
) -> None:
    with pytest.raises(CallbackError) as info:
        parse_callback(body, content_type)
    assert reason in str(info.value)
    assert isinstance(info.value, ValueError)


def test_duplicate_form_fields_take_the_last_value_and_keep_repeats_of_unknown_ones() -> None:
    cb = parse_callback(b"order_id=1&order_id=2&deliver_status=1&tag=a&tag=b", FORM)
    assert cb.order_id == 2
    assert cb.extra == {"tag": ["a", "b"]}


def test_dedupe_key_ignores_unknown_fields_but_not_the_result() -> None:
    a = parse_callback(EXAMPLE, "")
    b = parse_callback(EXAMPLE[:-1] + b', "pushed_at": "2024-04-26 18:00:00"}', "")
    c = parse_callback(EXAMPLE.replace(b'"deliver_status": "0"', b'"deliver_status": "1"'), "")
    assert a.dedupe_key == b.dedupe_key
    assert a.dedupe_key != c.dedupe_key
    assert a.dedupe_text == b.dedupe_text


def test_bodies_without_any_id_are_keyed_by_their_exact_bytes() -> None:
    a = parse_callback(b'{"deliver_status": "1"}', "")
    b = parse_callback(b'{"deliver_status": "1" }', "")
    assert a.outcome == "invalid"
    assert a.dedupe_key[0] == "raw"
    assert a.dedupe_key != b.dedupe_key


def test_callback_is_frozen() -> None:
    cb = parse_callback(EXAMPLE, "")
    with pytest.raises(AttributeError):
        cb.order_id = 1  # type: ignore[misc]
    assert isinstance(cb, Callback)


def test_safe_excerpt_escapes_control_characters_and_truncates() -> None:
    raw = b"line1\nline2\x00\x1b[31m" + "é".encode() + b"\xff" + b"x" * 1000
    text = safe_excerpt(raw, limit=40)
    assert "\n" not in text and "\x00" not in text and "\x1b" not in text
    assert "\\n" in text and "\\x00" in text and "\\x1b" in text
    assert "é" in text and "\ufffd" in text
    assert text.endswith("more characters)")
    assert len(text.split("…")[0]) <= 40
    assert safe_excerpt(b"short") == "short"


@settings(max_examples=300, deadline=None, database=None)
@given(body=st.binary(max_size=300), content_type=st.sampled_from(["", "application/json", FORM]))
def test_any_bytes_either_parse_or_raise_callback_error(body: bytes, content_type: str) -> None:
    try:
        cb = parse_callback(body, content_type)
    except CallbackError:
        return
    assert cb.outcome in ("success", "failure", "invalid", "event")
    assert cb.raw == body
    cb.dedupe_text.encode("utf-8")
    json.dumps(cb.extra)


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
_keys = st.sampled_from(
    ["method", "order_id", "record_id", "deliver_status", "floor_status", "error_msg",
     "fail_reason", "channel_name", "trade_id", "other"]
)  # fmt: skip


@settings(max_examples=300, deadline=None, database=None)
@given(
    fields=st.dictionaries(_keys, _json_values, min_size=1, max_size=8),
    as_form=st.booleans(),
)
def test_any_json_object_or_form_parses_or_raises_callback_error(
    fields: dict[str, object], as_form: bool
) -> None:
    if as_form:
        from urllib.parse import urlencode

        body = urlencode({k: str(v) for k, v in fields.items()}).encode()
        content_type = FORM
    else:
        body = json.dumps(fields).encode()
        content_type = "application/json"
    try:
        cb = parse_callback(body, content_type)
    except CallbackError:
        return
    assert cb.outcome in ("success", "failure", "invalid", "event")
    assert cb.order_id is None or 0 < cb.order_id < 2**63
    assert cb.record_id is None or 0 < cb.record_id < 2**63
    cb.summary().encode("utf-8")
    json.dumps(cb.extra)
