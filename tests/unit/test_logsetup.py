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


def test_the_service_logs_with_journald_priorities_under_systemd_and_times_elsewhere() -> None:
    import io

    from console.logsetup import setup_service_logging, under_systemd

    assert under_systemd({"JOURNAL_STREAM": "8:1234"}) and under_systemd({"INVOCATION_ID": "ab"})
    assert not under_systemd({})
    for systemd in (True, False):
        stream = io.StringIO()
        setup_service_logging(stream, systemd=systemd)
        try:
            log = logging.getLogger("console.service")
            log.info("listening on http://127.0.0.1:8080/notify/AbCdEf0123456789xyz")
            try:
                raise RuntimeError("boom")
            except RuntimeError:
                log.exception("check failed")
            logging.getLogger("uvicorn.error").warning("a library's warning")
            logging.getLogger("urllib3").info("a library's info is not shown")
        finally:
            teardown_logging()
        lines = stream.getvalue().splitlines()
        if systemd:
            assert lines[0] == "<6>console.service: listening on http://127.0.0.1:8080/notify/****"
            assert lines[1] == "<3>console.service: check failed"
            assert lines[2] == "<3>Traceback (most recent call last):"
            assert all(line.startswith("<3>") for line in lines[1:-1])
            assert lines[-1] == "<4>uvicorn.error: a library's warning"
        else:
            assert lines[0].endswith(
                " INFO console.service: listening on http://127.0.0.1:8080/notify/****"
            )
            assert lines[0][:4].isdigit()  # the time first
            assert lines[-1].endswith(" WARNING uvicorn.error: a library's warning")
        assert "AbCdEf0123456789xyz" not in stream.getvalue()
        assert "a library's info" not in stream.getvalue()
