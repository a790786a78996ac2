"""Secrets are redacted from every log line."""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Iterator

import pytest

from infra.logs import REQUEST_ID, RedactSecrets, json_handler, redact, serving

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


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger writing through the production JSON handler into a buffer."""
    buffer = io.StringIO()
    logger = logging.getLogger(f"test.json.{uuid.uuid4().hex}")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    logger.addHandler(json_handler(buffer, service="tests"))
    yield logger, buffer
    logger.handlers.clear()


def _lines(buffer: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_every_line_is_one_json_object_with_the_standard_fields(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, buffer = captured
    logger.info("plain line")
    logger.info("request line", extra={"operation": "Fight", "duration_ms": 1.5, "outcome": "ok"})
    first, second = _lines(buffer)
    assert first["level"] == "INFO" and first["message"] == "plain line"
    assert first["service"] == "tests" and first["logger"] == logger.name
    assert str(first["time"]).endswith("+00:00")  # UTC, ISO 8601
    assert "request_id" not in first  # outside a request
    assert (second["operation"], second["duration_ms"], second["outcome"]) == ("Fight", 1.5, "ok")


def test_lines_inside_a_request_name_it_and_its_service(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, buffer = captured
    request = REQUEST_ID.set("req-42")
    try:
        with serving("character"):
            logger.warning("inside")
    finally:
        REQUEST_ID.reset(request)
    logger.warning("after")
    inside, after = _lines(buffer)
    assert (inside["request_id"], inside["service"]) == ("req-42", "character")
    assert "request_id" not in after and after["service"] == "tests"


def test_secrets_are_redacted_in_json_lines_and_tracebacks(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, buffer = captured
    try:
        raise ValueError(f"refused Authorization: Bearer {JWT}")
    except ValueError:
        logger.exception("failed with password=hunter2-long")
    (line,) = _lines(buffer)
    text = buffer.getvalue()
    assert JWT not in text and "hunter2-long" not in text
    assert "Traceback" in str(line["exception"]) and "[REDACTED]" in str(line["exception"])
