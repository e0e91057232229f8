"""Payload signing and the base64 payload codec (platform-api.md section 2).

sign = upper-case hex MD5 of ``k1=v1&k2=v2...&key=<sign key>`` over the
parameters without ``sign`` and without empty values, keys in byte order,
values as plain text (no URL encoding).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from typing import Any


class PayloadError(ValueError):
    """A payload that cannot be decoded (not base64, not JSON, not an object)."""


def _is_empty(value: Any) -> bool:
    return value is None or value == ""


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def sign_base(params: Mapping[str, Any], sign_key: str) -> str:
    """The exact text that is hashed (useful when a sign does not match)."""
    keys = sorted(
        (k for k, v in params.items() if k != "sign" and not _is_empty(v)),
        key=lambda k: k.encode("utf-8"),
    )
    pairs = [f"{k}={_text(params[k])}" for k in keys]
    pairs.append(f"key={sign_key}")
    return "&".join(pairs)


def sign(params: Mapping[str, Any], sign_key: str) -> str:
    """Upper-case hex MD5 sign of ``params`` with the merchant's sign key."""
    base = sign_base(params, sign_key).encode("utf-8")
    return hashlib.md5(base, usedforsecurity=False).hexdigest().upper()


def verify(params: Mapping[str, Any], sign_key: str) -> bool:
    """True when ``params['sign']`` matches a sign recomputed over ``params``."""
    given = params.get("sign")
    if not isinstance(given, str) or not given:
        return False
    return hmac.compare_digest(given.upper(), sign(params, sign_key))


def signed_params(
    params: Mapping[str, Any],
    sign_key: str,
    *,
    now: Callable[[], float] = time.time,
) -> dict[str, Any]:
    """A copy of ``params`` with ``timestamp`` (only if absent) and ``sign`` added."""
    out = {k: v for k, v in params.items() if k != "sign"}
    if _is_empty(out.get("timestamp")):
        out["timestamp"] = str(int(now()))
    out["sign"] = sign(out, sign_key)
    return out


def dumps_compact(obj: Mapping[str, Any]) -> str:
    """JSON with sorted keys and compact separators, as the platform's examples."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def encode_payload(
    params: Mapping[str, Any],
    sign_key: str,
    *,
    now: Callable[[], float] = time.time,
) -> str:
    """Sign ``params`` and return the base64 ``payload`` string."""
    obj = signed_params(params, sign_key, now=now)
    return base64.b64encode(dumps_compact(obj).encode("utf-8")).decode("ascii")


def decode_payload(text: str) -> dict[str, Any]:
    """Decode a ``payload`` string back to its JSON object. Raises ``PayloadError``."""
    if not isinstance(text, str) or not text.strip():
        raise PayloadError("payload is empty")
    t = text.strip()
    try:
        raw = base64.b64decode(t + "=" * (-len(t) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise PayloadError(f"payload is not base64: {exc}") from None
    try:
        obj = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # also >4300-digit ints, deep nesting
        raise PayloadError(f"payload is not JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise PayloadError("payload is not a JSON object")
    return obj


def verify_payload(text: str, sign_key: str) -> dict[str, Any]:
    """Decode and check the sign. Raises ``PayloadError`` on either failure."""
    obj = decode_payload(text)
    if not verify(obj, sign_key):
        raise PayloadError("payload sign invalid")
    return obj
