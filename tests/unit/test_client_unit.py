"""Client pieces that need no network: URL rules, envelope parsing, masking, builders."""

from __future__ import annotations

import pytest

from console.api.client import (
    Client,
    Retry,
    call_dispense,
    call_order_create,
    call_set_status,
    envelope_data,
    normalise_base_url,
    parse_envelope,
)
from console.api.errors import ConfigError, PlatformRefused, TransportError
from console.api.masking import mask_headers, mask_obj, mask_text
from console.core.rules import BadInput

SECRET = "a" * 40
KEY = "ds0123456789abcdef"


def test_https_anywhere_http_only_on_loopback() -> None:
    assert normalise_base_url("https://www.awish.vip/") == "https://www.awish.vip"
    assert normalise_base_url("http://127.0.0.1:8080") == "http://127.0.0.1:8080"
    assert normalise_base_url("http://localhost:1/api/openapi/v1") == "http://localhost:1"
    assert normalise_base_url("http://[::1]:9") == "http://[::1]:9"
    for bad in ("http://www.awish.vip", "http://10.0.0.5:80", "ftp://x", "www.awish.vip", ""):
        with pytest.raises(ConfigError):
            normalise_base_url(bad)


@pytest.mark.parametrize(
    "body, kind",
    [
        (b"<html><body>502 Bad Gateway</body></html>", "non_json"),
        (b"", "non_json"),
        (b'{"code": 0, "message": "ok", "da', "non_json"),
        (b'["not", "an", "envelope"]', "bad_envelope"),
        (b'{"status": "fine"}', "bad_envelope"),
    ],
)
def test_bodies_that_are_not_an_envelope_are_transport_errors_with_an_excerpt(
    body: bytes, kind: str
) -> None:
    with pytest.raises(TransportError) as info:
        parse_envelope(502, body)
    assert info.value.kind == kind
    assert info.value.http_status == 502
    assert "HTTP 502" in str(info.value)
    if body.strip():
        assert info.value.excerpt


def test_success_needs_code_zero_and_message_ok() -> None:
    assert envelope_data(200, {"code": 0, "message": "ok", "data": ""}) == ""
    with pytest.raises(PlatformRefused) as info:
        envelope_data(200, {"code": 0, "message": "订单未支付", "data": {}})
    assert info.value.code == 0 and info.value.message == "订单未支付"
    assert 'not "ok"' in info.value.explanation()
    with pytest.raises(PlatformRefused) as info:
        envelope_data(401, {"code": 10014, "message": "appid is invalid"})
    assert info.value.http_status == 401 and "Appid is invalid" in str(info.value)


def test_masking_hides_secrets_and_notify_tokens() -> None:
    text = f"secret={SECRET} key={KEY} url=http://127.0.0.1:5/notify/Zx9_tok-EN"
    masked = mask_text(text, [SECRET, KEY])
    assert SECRET not in masked and KEY not in masked and "Zx9_tok-EN" not in masked
    assert "/notify/****" in masked
    assert mask_headers({"AppSecret": SECRET, "Appid": "ds1"}) == {
        "AppSecret": "****",
        "Appid": "ds1",
    }
    assert mask_obj({"a": [SECRET, 3]}, [SECRET]) == {"a": ["****", 3]}


def test_set_status_call_has_exactly_the_seed_shape() -> None:
    c = Client("http://127.0.0.1:1", "ds1", SECRET, KEY, now=lambda: 1714128358.0)
    prepared = c.prepare(call_set_status(60, "16327129", 2))
    assert prepared.method == "PUT"
    assert prepared.url == "http://127.0.0.1:1/api/openapi/v1/orders/60"
    assert prepared.payload is not None
    assert list(prepared.payload) == ["machine_no", "sign", "status", "timestamp"]
    assert prepared.payload["machine_no"] == "16327129"
    assert prepared.payload["status"] == 2 and prepared.payload["timestamp"] == "1714128358"
    assert prepared.headers["Appid"] == "ds1" and prepared.headers["AppSecret"] == SECRET


def test_curl_and_repr_never_show_secrets() -> None:
    c = Client("http://127.0.0.1:1", "ds1", SECRET, KEY, extra_secrets=("tok123456",))
    call = call_order_create("16327129", "http://127.0.0.1:9/notify/tok123456", "T" * 20, [(1, 1)])
    curl = c.curl(c.prepare(call))
    assert SECRET not in curl and KEY not in curl and "tok123456" not in curl
    assert "AppSecret: ****" in curl and curl.startswith("curl ")
    assert SECRET not in repr(c)


def test_retry_policies_per_call() -> None:
    assert call_dispense("16327129", 60, 78).retry is Retry.NEVER
    assert call_order_create("16327129", "u", "T" * 20, []).retry is Retry.NEVER
    assert call_set_status(60, "16327129", 1).retry is Retry.UNSENT_ONLY
    payload = call_dispense("16327129", 60, 78).signed
    assert payload == {
        "machine_no": "16327129",
        "method": "device.delivery.put",
        "order_id": "60",
        "record_id": "78",
    }


def test_builders_refuse_bad_input_before_anything_is_sent() -> None:
    with pytest.raises(BadInput):
        call_set_status(60, "123", 1)
    with pytest.raises(ValueError):
        call_set_status(60, "16327129", 9)
    with pytest.raises(BadInput):
        call_dispense("16327129", "abc", 78)
