"""Errors every face explains the same way (window, vendctl), with no I/O here."""

from __future__ import annotations

import errno


class PortInUse(OSError):
    """A port the console must listen on is taken by another program (``EADDRINUSE``)."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__(
            errno.EADDRINUSE, f"port {port} on {host} is already in use by another program"
        )
        self.host = host
        self.port = port

    def __str__(self) -> str:
        return str(self.strerror)  # the sentence, without "[Errno 98]"
