"""A secret cannot reach the log file, even when code logs it by mistake."""

from __future__ import annotations

import logging
from pathlib import Path

from console.logsetup import register_secrets, setup_logging, teardown_logging
from console.paths import app_paths


def test_secrets_and_notify_tokens_are_masked_in_the_log_file(console_home: Path) -> None:
    paths = app_paths().ensure()
    setup_logging(paths)
    try:
        register_secrets(["S3CRET-app-secret-value", "SIGNKEY-123"])
        log = logging.getLogger("console.test")
        log.warning("sending with %s and %s", "S3CRET-app-secret-value", "SIGNKEY-123")
        log.info("callback to http://127.0.0.1:9/notify/AbCdEf0123456789xyz")
        try:
            raise RuntimeError("boom S3CRET-app-secret-value")
        except RuntimeError:
            log.exception("failed")
    finally:
        teardown_logging()
    text = paths.log_file.read_text(encoding="utf-8")
    assert "sending with **** and ****" in text
    assert "/notify/****" in text and "AbCdEf0123456789xyz" not in text
    assert "S3CRET" not in text and "SIGNKEY-123" not in text
    assert "boom ****" in text
    assert paths.log_file.stat().st_mode & 0o077 == 0
