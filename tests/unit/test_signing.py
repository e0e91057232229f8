"""Signing and the payload codec, exactly as platform-api.md section 2."""

from __future__ import annotations

import base64
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.api.signing import (
    PayloadError,
    decode_payload,
    encode_payload,
    sign,
    sign_base,
    signed_params,
    verify,
    verify_payload,
)

SEED_PAYLOAD = (
    "eyJtYWNoaW5lX25vIjoiMTYzMjcxMjkiLCJzaWduIjoiOUM4NEZEMUNFMkM3Njg0OUU3Nzc4QUNGMkM1MEZGRjAi"
    "LCJzdGF0dXMiOjIsInRpbWVzdGFtcCI6IjE3MTQxMjgzNTgifQ=="
)


def test_known_vector() -> None:
    params = {"client_id": "16327128", "method": "android.shutdown", "timestamp": "1727494645"}
    assert sign(params, "ds069ed4223ac1660f") == "4D49FFFDE0DA4537160CFC258356277B"


def test_sign_base_is_sorted_plain_text_with_key_last() -> None:
    base = sign_base({"b": "2", "a": "x y&z", "sign": "OLD", "empty": ""}, "K")
    assert base == "a=x y&z&b=2&key=K"


# The seed's example, decoded (platform-api.md section 2); its sign key is unknown.
SEED_TEXT = (
    b'{"machine_no":"16327129","sign":"9C84FD1CE2C76849E7778ACF2C50FFF0",'
    b'"status":2,"timestamp":"1714128358"}'
)
SEED_SIGN = b"9C84FD1CE2C76849E7778ACF2C50FFF0"

# The seed's params signed with the known-vector key. The sign was computed once by
# hand: MD5 of "machine_no=16327129&status=2&timestamp=1714128358&key=ds069ed4223ac1660f".
OUR_SIGN = "679454EF8D3880ABE77A02F0807B89FC"
OUR_TEXT = (
    '{"machine_no":"16327129","sign":"679454EF8D3880ABE77A02F0807B89FC",'
    '"status":2,"timestamp":"1714128358"}'
)
OUR_PAYLOAD = (
    "eyJtYWNoaW5lX25vIjoiMTYzMjcxMjkiLCJzaWduIjoiNjc5NDU0RUY4RDM4ODBBQkU3N0EwMkYwODA3Qjg5RkMi"
    "LCJzdGF0dXMiOjIsInRpbWVzdGFtcCI6IjE3MTQxMjgzNTgifQ=="
)
SEED_PARAMS = {"machine_no": "16327129", "status": 2, "timestamp": "1714128358"}


def test_seed_decodes_to_the_documented_text() -> None:
    assert base64.b64decode(SEED_PAYLOAD) == SEED_TEXT


def test_seed_params_encode_to_the_exact_payload() -> None:
    payload = encode_payload(SEED_PARAMS, "ds069ed4223ac1660f")
    assert payload == OUR_PAYLOAD
    assert base64.b64decode(payload).decode("utf-8") == OUR_TEXT


def test_seed_payload_shape_is_reproduced_byte_for_byte() -> None:
    ours = base64.b64decode(encode_payload(SEED_PARAMS, "ds069ed4223ac1660f"))
    assert ours.count(OUR_SIGN.encode()) == 1
    # Only the 32 hex characters of the sign differ from the seed's bytes.
    assert ours.replace(OUR_SIGN.encode(), SEED_SIGN) == base64.b64decode(SEED_PAYLOAD)


def test_status_as_int_or_string_signs_the_same() -> None:
    a = {"machine_no": "16327129", "status": 2, "timestamp": "1714128358"}
    b = {"machine_no": "16327129", "status": "2", "timestamp": "1714128358"}
    assert sign(a, "k") == sign(b, "k")


def test_timestamp_added_only_when_absent() -> None:
    assert signed_params({"a": "1"}, "k", now=lambda: 1700000000.9)["timestamp"] == "1700000000"
    assert signed_params({"a": "1", "timestamp": "5"}, "k", now=lambda: 99.0)["timestamp"] == "5"


def test_verify_rejects_tampering_and_wrong_key() -> None:
    obj = decode_payload(encode_payload({"machine_no": "16327129", "status": 1}, "k1"))
    assert verify(obj, "k1")
    assert not verify(obj, "k2")
    obj["status"] = 2
    assert not verify(obj, "k1")
    with pytest.raises(PayloadError, match="sign invalid"):
        verify_payload(encode_payload({"a": "1"}, "k1"), "k2")


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "empty"),
        ("%%%not-base64%%%", "not base64"),
        (base64.b64encode(b"\xff\xfe").decode(), "not JSON"),
        (base64.b64encode(b"[1,2]").decode(), "not a JSON object"),
    ],
)
def test_decode_errors_are_clear(text: str, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason):
        decode_payload(text)


keys = st.text(alphabet=string.ascii_letters + "_", min_size=1, max_size=12).filter(
    lambda k: k not in ("sign", "timestamp")
)
values = st.one_of(
    st.text(max_size=20),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.none(),
)


@given(st.dictionaries(keys, values, max_size=8), st.text(min_size=1, max_size=20))
def test_decode_encode_round_trip(params: dict[str, object], key: str) -> None:
    text = encode_payload(params, key, now=lambda: 1714128358.0)
    obj = decode_payload(text)
    assert verify(obj, key)
    assert {k: v for k, v in obj.items() if k not in ("sign", "timestamp")} == params


@given(st.dictionaries(keys, values, max_size=8), st.randoms(use_true_random=False))
def test_key_order_and_empty_values_do_not_change_the_sign(params: dict[str, object], rnd) -> None:
    items = list(params.items())
    rnd.shuffle(items)
    shuffled = dict(items)
    without_empty = {k: v for k, v in params.items() if v not in (None, "")}
    s = sign(params, "KEY")
    assert sign(shuffled, "KEY") == s
    assert sign(without_empty, "KEY") == s
    assert sign({**params, "sign": "anything"}, "KEY") == s
