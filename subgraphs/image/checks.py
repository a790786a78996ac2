"""Checking what clients send: prompts, seeds, text, uploaded base64. Problems name the field."""

from __future__ import annotations

import base64
import binascii

from subgraphs.kit.outcomes import Problem, Rejected
from subgraphs.kit.text import check_multi_line, check_single_line

MAX_PROMPT = 1000
MAX_ALT_TEXT = 500
MAX_SEED = 2**31 - 1  # seeds travel as GraphQL Int (32-bit signed)
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Base64 turns every 3 bytes into 4 characters: anything longer cannot be within the limit.
MAX_UPLOAD_BASE64 = 4 * -(-MAX_UPLOAD_BYTES // 3)
CONTENT_TYPE_ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg"}


def check_text(
    text: str,
    path: tuple[str, ...],
    *,
    required: bool,
    limit: int,
    what: str,
    multi_line: bool = False,
) -> list[Problem]:
    """Text a person typed: present if ``required``, the kit's rule for its kind of field
    (``multi_line``: line breaks and tabs allowed), at most ``limit`` characters."""
    field = path[-1].upper()
    if not text:
        return [Problem(path, f"{field}_REQUIRED", f"Write the {what}.")] if required else []
    rule = check_multi_line if multi_line else check_single_line
    invalid = rule(text, path, code=f"{field}_INVALID_CHARACTERS")
    if invalid:
        return invalid
    if len(text) > limit:
        return [
            Problem(
                path,
                f"{field}_TOO_LONG",
                f"The {what} is at most {limit} characters (this one has {len(text)}).",
            )
        ]
    return []


def check_prompt(prompt: str, *, required: bool = True) -> list[Problem]:
    return check_text(
        prompt,
        ("input", "prompt"),
        required=required,
        limit=MAX_PROMPT,
        what="prompt",
        multi_line=True,
    )


def check_seed(seed: int | None) -> list[Problem]:
    if seed is not None and not 0 <= seed <= MAX_SEED:
        return [
            Problem(("input", "seed"), "SEED_OUT_OF_RANGE", f"The seed must be 0 to {MAX_SEED}.")
        ]
    return []


def check_alt_text(alt_text: str | None) -> list[Problem]:
    if alt_text is not None and len(alt_text) > MAX_ALT_TEXT:
        return [
            Problem(
                ("input", "altText"),
                "ALT_TEXT_TOO_LONG",
                f"Alt text is at most {MAX_ALT_TEXT} characters.",
            )
        ]
    return check_single_line(alt_text, ("input", "altText"), code="ALT_TEXT_INVALID_CHARACTERS")


def normalise_content_type(declared: str) -> str:
    cleaned = declared.strip().lower()
    return CONTENT_TYPE_ALIASES.get(cleaned, cleaned)


def _too_large() -> Problem:
    return Problem(
        ("input", "dataBase64"),
        "FILE_TOO_LARGE",
        f"Files are at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.",
    )


def decode_upload(data_base64: str) -> bytes:
    """The uploaded bytes, or ``Rejected`` saying what is wrong with the base64 text."""
    compact = "".join(data_base64.split())  # line breaks from base64 tools are fine
    if not compact:
        raise Rejected(Problem(("input", "dataBase64"), "DATA_REQUIRED", "The file is empty."))
    if len(compact) > MAX_UPLOAD_BASE64:
        raise Rejected(_too_large())  # refuse before spending memory on decoding it
    try:
        data = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise Rejected(
            Problem(
                ("input", "dataBase64"),
                "INVALID_BASE64",
                "dataBase64 is not valid base64 (standard alphabet, with padding).",
            )
        ) from None
    if len(data) > MAX_UPLOAD_BYTES:
        raise Rejected(_too_large())
    return data
