"""What a new account must look like. Each check returns the problems it found (none = fine).

Password policy, after NIST SP 800-63B: long enough, not absurdly long, and not one of the
passwords attackers try first or built from the account's own name or address. No composition
rules ("one digit, one symbol"): they make passwords harder to remember, not to guess.
"""

from __future__ import annotations

import re

from subgraphs.kit.outcomes import Problem
from subgraphs.kit.text import check_single_line

MAX_EMAIL = 254
MIN_PASSWORD = 10
MAX_PASSWORD = 256  # Argon2 handles more, but nobody types more, and huge inputs cost CPU
MAX_DISPLAY_NAME = 60
MIN_DISTINCT_CHARACTERS = 5

# Deliberately rough: one "@", something before it, a dotted domain after, no spaces. Whether an
# address really receives mail only a confirmation email can tell.
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")

# Passwords at or above the minimum length that still top every leaked-password list.
_COMMON_PASSWORDS = frozenset(
    {
        "1234567890",
        "0123456789",
        "12345678910",
        "123456789012",
        "0987654321",
        "1q2w3e4r5t",
        "1qaz2wsx3edc",
        "qwertyuiop",
        "qwertyuiop123",
        "asdfghjkl1",
        "password12",
        "password123",
        "password1234",
        "passw0rd123",
        "iloveyou123",
        "princess123",
        "football123",
        "baseball123",
        "sunshine123",
        "welcome123",
        "letmein123",
        "administrator",
        "abcdefghij",
        "abc1234567",
        "dungeonsanddragons",
        "dungeonmaster",
    }
)

EMAIL_PATH = ("input", "email")
PASSWORD_PATH = ("input", "password")
DISPLAY_NAME_PATH = ("input", "displayName")


def email_key(email: str) -> str:
    """The form in which addresses are compared: ``Ann@Example.org `` is ``ann@example.org``."""
    return email.strip().lower()


def check_email(email: str) -> list[Problem]:
    cleaned = email.strip()
    if len(cleaned) > MAX_EMAIL or not _EMAIL.fullmatch(cleaned):
        return [Problem(EMAIL_PATH, "EMAIL_INVALID", "That is not a valid email address.")]
    return check_single_line(cleaned, EMAIL_PATH, code="EMAIL_INVALID")


def check_display_name(name: str) -> list[Problem]:
    cleaned = name.strip()
    if not cleaned:
        return [Problem(DISPLAY_NAME_PATH, "DISPLAY_NAME_REQUIRED", "Choose a display name.")]
    if len(cleaned) > MAX_DISPLAY_NAME:
        message = f"Display names are at most {MAX_DISPLAY_NAME} characters."
        return [Problem(DISPLAY_NAME_PATH, "DISPLAY_NAME_TOO_LONG", message)]
    return check_single_line(cleaned, DISPLAY_NAME_PATH)


def check_password(password: str, email: str, display_name: str) -> list[Problem]:
    if len(password) < MIN_PASSWORD:
        message = f"Passwords need at least {MIN_PASSWORD} characters."
        return [Problem(PASSWORD_PATH, "PASSWORD_TOO_SHORT", message)]
    if len(password) > MAX_PASSWORD:
        message = f"Passwords are at most {MAX_PASSWORD} characters."
        return [Problem(PASSWORD_PATH, "PASSWORD_TOO_LONG", message)]
    if _is_guessable(password, email, display_name):
        message = "That password is too easy to guess; try a few unrelated words."
        return [Problem(PASSWORD_PATH, "PASSWORD_WEAK", message)]
    return []


def _is_guessable(password: str, email: str, display_name: str) -> bool:
    lowered = password.lower()
    if lowered in _COMMON_PASSWORDS or len(set(lowered)) < MIN_DISTINCT_CHARACTERS:
        return True
    personal = {email_key(email).partition("@")[0], display_name.strip().lower()}
    return any(len(word) >= 4 and word in lowered for word in personal)
