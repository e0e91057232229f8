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
    """A copy of a JSON-like value with secrets masked in every string.

    Iterative, so an answer nested thousands of levels deep cannot exhaust
    the interpreter's recursion limit.
    """
    secrets = list(secrets)

    def copy_of(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {}
        if isinstance(value, list | tuple):
            return []
        return mask_text(value, secrets) if isinstance(value, str) else value

    root = copy_of(obj)
    stack: list[tuple[Any, Any]] = [(obj, root)] if isinstance(root, dict | list) else []
    while stack:
        src, dst = stack.pop()
        items = src.items() if isinstance(src, Mapping) else enumerate(src)
        for key, value in items:
            child = copy_of(value)
            if isinstance(child, dict | list):
                stack.append((value, child))
            if isinstance(dst, dict):
                dst[key] = child
            else:
                dst.append(child)
    return root


def curl_command(method: str, url: str, headers: Mapping[str, str], body: str | None) -> str:
    """A copy-pasteable curl command (pass already-masked headers and body)."""
    parts = ["curl", "-sS", "-X", method, shlex.quote(url)]
    for k, v in headers.items():
        parts += ["-H", shlex.quote(f"{k}: {v}")]
    if body is not None:
        parts += ["--data-raw", shlex.quote(body)]
    return " ".join(parts)
