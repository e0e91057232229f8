"""Small shared pieces of the sandbox: credentials, GMT+8 times, protobuf-style pruning."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

GMT8_OFFSET_S = 8 * 3600


@dataclass(frozen=True)
class Credentials:
    """What the sandbox accepts: the ``Appid`` and ``AppSecret`` headers and the sign key.

    The secret parts stay out of ``repr`` so they do not end up in logs by accident.
    """

    appid: str
    app_secret: str = field(repr=False)
    sign_key: str = field(repr=False)


# Fixed demo credentials. They open the sandbox only; they are shown to the user.
DEFAULT_CREDENTIALS = Credentials(
    appid="ds7c41e09a5b3f2d86",
    app_secret="5e0a8c3f71d94b26a1e7c05d9f38b4a2c6e1d704",  # noqa: S106 (demo, sandbox-only)
    sign_key="ds2b9e6f04c7a13d58",
)


def gmt8(epoch: float) -> str:
    """``YYYY-MM-DD HH:MM:SS`` in GMT+8, the platform's time format."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(int(epoch) + GMT8_OFFSET_S))


def gmt8_date(epoch: float) -> str:
    """``YYYY-MM-DD`` in GMT+8 (what an order query shows)."""
    return time.strftime("%Y-%m-%d", time.gmtime(int(epoch) + GMT8_OFFSET_S))


def _is_zero(value: Any) -> bool:
    if value is None or value is False:
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return value == 0
    if isinstance(value, str | list | dict | tuple):
        return len(value) == 0
    return False


def prune(value: Any) -> Any:
    """Drop zero, empty and false fields recursively, as protobuf's JSON does.

    List elements are kept (a list has no field names to omit), but each element
    is pruned itself.
    """
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            pruned = prune(item)
            if not _is_zero(pruned):
                out[key] = pruned
        return out
    if isinstance(value, list | tuple):
        return [prune(item) for item in value]
    return value


def dumps(obj: Any) -> bytes:
    """Compact UTF-8 JSON (Chinese kept as text, as the platform sends it)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
