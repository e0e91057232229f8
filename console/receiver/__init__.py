"""The notify_url HTTP receiver: journals dispense-result callbacks (uvicorn on its own thread)."""

from console.receiver.replay import ReplayError, replay
from console.receiver.server import (
    MAX_BODY,
    REPLAY_HEADER,
    Receiver,
    mask_url,
    new_token,
)

__all__ = [
    "MAX_BODY",
    "REPLAY_HEADER",
    "Receiver",
    "ReplayError",
    "mask_url",
    "new_token",
    "replay",
]
