"""Keep AppSecret, the sign key and the notify token out of every line we show."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Mapping
from typing import Any

MASK = "****"
SECRET_HEADERS = frozenset({"appsecret"})
_NOTIFY_TOKEN = re.compile(r"(/notify/)[A-Za-z0-9_\-]+")


def mask_text(text: str, secrets: Iterable[str]) -> str:
    """Replace every secret (and any notify-URL token) in ``text`` with ``****``."""
    out = text
    for s in sorted((s for s in secrets if s), key=len, reverse=True):
        out = out.replace(s, MASK)
    return _NOTIFY_TOKEN.sub(r"\1" + MASK, out)


def mask_headers(headers: Mapping[str, str], secrets: Iterable[str] = ()) -> dict[str, str]:
    secrets = list(secrets)
    return {
        k: (MASK if k.lower() in SECRET_HEADERS else mask_text(str(v), secrets))
        for k, v in headers.items()
    }


def mask_obj(obj: Any, secrets: Iterable[str]) -> Any:
    """A copy of a JSON-like value with secrets masked in every string."""
    secrets = list(secrets)
    if isinstance(obj, str):
        return mask_text(obj, secrets)
    if isinstance(obj, Mapping):
        return {k: mask_obj(v, secrets) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [mask_obj(v, secrets) for v in obj]
    return obj


def curl_command(method: str, url: str, headers: Mapping[str, str], body: str | None) -> str:
    """A copy-pasteable curl command (pass already-masked headers and body)."""
    parts = ["curl", "-sS", "-X", method, shlex.quote(url)]
    for k, v in headers.items():
        parts += ["-H", shlex.quote(f"{k}: {v}")]
    if body is not None:
        parts += ["--data-raw", shlex.quote(body)]
    return " ".join(parts)
