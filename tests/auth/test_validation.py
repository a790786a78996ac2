"""The rules a new account must pass, and the password hasher, without a database."""

from __future__ import annotations

import pytest

from auth.config import AuthConfig
from auth.passwords import HashingCost, PasswordHasher
from auth.validation import check_display_name, check_email, check_password, email_key

CHEAP = HashingCost(time_cost=1, memory_kib=8, parallelism=1)


@pytest.mark.parametrize(
    "email", ["ann@example.org", "a.b+tag@sub.example.co.uk", "  padded@example.org  "]
)
def test_plausible_emails_pass(email: str) -> None:
    assert check_email(email) == []


@pytest.mark.parametrize(
    "email",
    [
        "",
        "ann",
        "ann@",
        "@example.org",
        "ann@localhost",
        "a b@example.org",
        "a@b@example.org",
        "ann@example.",
        "x" * 250 + "@example.org",
    ],
)
def test_implausible_emails_fail(email: str) -> None:
    [problem] = check_email(email)
    assert (problem.path, problem.code) == (("input", "email"), "EMAIL_INVALID")


def test_emails_compare_without_case_or_padding() -> None:
    assert email_key("  Ann@Example.ORG ") == email_key("ann@example.org") == "ann@example.org"


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short", "PASSWORD_TOO_SHORT"),
        ("x" * 257 + "yz12345", "PASSWORD_TOO_LONG"),
        ("Password123", "PASSWORD_WEAK"),  # a leaked-list favourite, whatever its case
        ("1234567890", "PASSWORD_WEAK"),
        ("abababababab", "PASSWORD_WEAK"),  # too few distinct characters
        ("annabelle-rocks", "PASSWORD_WEAK"),  # the email's local part
        ("the-grey-wanderer-42", "PASSWORD_WEAK"),  # the display name
    ],
)
def test_weak_passwords_are_refused(password: str, code: str) -> None:
    [problem] = check_password(password, "annabelle@example.org", "Grey Wanderer".replace(" ", "-"))
    assert (problem.path, problem.code) == (("input", "password"), code)


def test_a_good_password_passes() -> None:
    assert check_password("correct horse battery staple", "ann@example.org", "Ann") == []


def test_display_names_are_required_and_bounded() -> None:
    assert check_display_name(" Ann ") == []
    assert [p.code for p in check_display_name("   ")] == ["DISPLAY_NAME_REQUIRED"]
    assert [p.code for p in check_display_name("n" * 61)] == ["DISPLAY_NAME_TOO_LONG"]


@pytest.mark.parametrize("email", ["ann\x00@example.org", "ann@exa\u202emple.org"])
def test_email_addresses_hold_no_hidden_characters(email: str) -> None:
    [problem] = check_email(email)
    assert (problem.path, problem.code) == (("input", "email"), "EMAIL_INVALID")


@pytest.mark.parametrize("name", ["Ann\x00", "Ann\u202egnp.exe", "Ann\u2066", "Ann\nBob", "A\tB"])
def test_display_names_are_one_line_of_plain_text(name: str) -> None:
    [problem] = check_display_name(name)
    assert (problem.path, problem.code) == (("input", "displayName"), "INVALID_CHARACTERS")
    assert "`displayName`" in problem.message


def test_hasher_uses_argon2id_and_notices_changed_parameters() -> None:
    cheap = PasswordHasher(CHEAP)
    stored = cheap.hash_now("correct horse battery staple")
    assert stored.startswith("$argon2id$")
    assert cheap.matches_now(stored, "correct horse battery staple")
    assert not cheap.matches_now(stored, "correct horse battery stapler")
    assert not cheap.matches_now("not a hash", "anything")
    assert not cheap.needs_rehash(stored)
    stronger = PasswordHasher(HashingCost(time_cost=2, memory_kib=8, parallelism=1))
    assert stronger.needs_rehash(stored)
    assert cheap.needs_rehash("not a hash")


def test_production_defaults_are_strong() -> None:
    cost = AuthConfig().password_cost
    assert (cost.time_cost, cost.memory_kib, cost.parallelism) == (3, 65536, 4)


@pytest.mark.parametrize(
    "cost", [{"time_cost": 0}, {"parallelism": 0}, {"memory_kib": 16, "parallelism": 4}]
)
def test_impossible_hashing_costs_are_refused(cost: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        HashingCost(**cost)


def test_configuration_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTH_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("AUTH_ARGON2_MEMORY_KIB", "8")
    monkeypatch.setenv("AUTH_ARGON2_PARALLELISM", "1")
    monkeypatch.setenv("AUTH_ACCESS_TOKEN_MINUTES", "10")
    config = AuthConfig.from_env()
    assert config.password_cost == CHEAP
    assert config.access_token_lifetime.total_seconds() == 600
    monkeypatch.setenv("AUTH_ACCESS_TOKEN_MINUTES", "ten")
    with pytest.raises(ValueError, match="AUTH_ACCESS_TOKEN_MINUTES"):
        AuthConfig.from_env()
