"""Secrets are redacted from every log line."""

from __future__ import annotations

import logging

import pytest

from infra.logs import RedactSecrets, redact

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLWJ5dGVz"


@pytest.mark.parametrize(
    "line",
    [
        f"Authorization: Bearer {JWT}",
        'login with {"password": "hunter2-long"}',
        "refresh_token=abcdef123456 accepted",
        f"token in the middle {JWT} of text",
        "api_key: sk-live-123456",
    ],
)
def test_secrets_are_removed(line: str) -> None:
    cleaned = redact(line)
    assert "[REDACTED]" in cleaned
    for secret in (JWT, "hunter2-long", "abcdef123456", "sk-live-123456"):
        assert secret not in cleaned


def test_ordinary_lines_are_untouched() -> None:
    assert redact("character 42 levelled up to 5") == "character 42 levelled up to 5"


def test_filter_applies_to_formatted_arguments(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.redaction")
    logger.addFilter(RedactSecrets())
    with caplog.at_level(logging.INFO, logger="test.redaction"):
        logger.info("header was %s", f"Bearer {JWT}")
    assert JWT not in caplog.text and "[REDACTED]" in caplog.text
