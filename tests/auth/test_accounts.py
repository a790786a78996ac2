"""Signing up, signing in, `me` and user entities, over HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from auth.models import UserRow
from auth.passwords import HashingCost
from tests.auth.harness import PASSWORD, AuthHarness, running_auth
from tests.support import TokenFactory, gql

ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on User { id displayName email } }
}"""


async def _user_count(auth: AuthHarness) -> int:
    async with auth.runtime.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(UserRow))).scalar_one())


async def test_register_signs_in_and_me_needs_a_valid_token(auth: AuthHarness) -> None:
    payload = await auth.register(email=" Ann@Example.org ", name="  Ann the Bold ")
    assert payload["userErrors"] == []
    assert payload["expiresIn"] == 15 * 60
    assert payload["accessToken"] and payload["refreshToken"]
    user = payload["user"]
    assert (user["displayName"], user["email"]) == ("Ann the Bold", "Ann@Example.org")

    me = await auth.me(payload["accessToken"])
    assert me["data"]["me"] == {
        "id": user["id"],
        "displayName": "Ann the Bold",
        "email": "Ann@Example.org",
    }

    anonymous = await gql(auth.http, "{ me { id } }")
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    garbage = await auth.me("not-a-token")
    assert garbage["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    foreign = await auth.me(TokenFactory().mint(uuid.uuid4()))  # signed by a key we never issued
    assert foreign["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    health = await auth.http.get("/health")
    assert (health.status_code, health.json()["service"]) == (200, "auth")


BAD_SIGN_UPS: list[tuple[str, str, str, set[tuple[tuple[str, ...], str]]]] = [
    ("ann@localhost", PASSWORD, "Ann", {(("input", "email"), "EMAIL_INVALID")}),
    ("ann@example.org", "short", "Ann", {(("input", "password"), "PASSWORD_TOO_SHORT")}),
    ("ann@example.org", "Password123", "Ann", {(("input", "password"), "PASSWORD_WEAK")}),
    ("ann@example.org", PASSWORD, "Ann\u202e", {(("input", "displayName"), "INVALID_CHARACTERS")}),
    ("ann@example.org", PASSWORD, "Ann\x00", {(("input", "displayName"), "INVALID_CHARACTERS")}),
    (
        "bad address",
        "tiny",
        "",
        {
            (("input", "email"), "EMAIL_INVALID"),
            (("input", "password"), "PASSWORD_TOO_SHORT"),
            (("input", "displayName"), "DISPLAY_NAME_REQUIRED"),
        },
    ),
]


async def test_bad_sign_ups_are_named_and_change_nothing(auth: AuthHarness) -> None:
    for email, password, name, expected in BAD_SIGN_UPS:
        payload = await auth.register(email=email, password=password, name=name)
        assert payload["accessToken"] is None
        assert {(tuple(e["path"]), e["code"]) for e in payload["userErrors"]} == expected
        assert all(e["message"] for e in payload["userErrors"])
    assert await _user_count(auth) == 0
    assert await auth.events() == []

    assert (await auth.register())["userErrors"] == []
    again = await auth.register(email="  ANN@example.ORG", name="Imposter")
    assert again["accessToken"] is None and again["user"] is None
    assert [(e["path"], e["code"]) for e in again["userErrors"]] == [
        (["input", "email"], "EMAIL_TAKEN")
    ]
    assert await _user_count(auth) == 1


async def test_login_accepts_the_password_only_and_records_events(auth: AuthHarness) -> None:
    registered = await auth.register()
    signed_in = await auth.login(email="ANN@example.org")
    assert signed_in["userErrors"] == []
    assert signed_in["user"]["id"] == registered["user"]["id"]
    assert signed_in["refreshToken"] != registered["refreshToken"]
    me = await auth.me(signed_in["accessToken"])
    assert me["data"]["me"]["id"] == registered["user"]["id"]

    # Wrong password and unknown email get the very same answer.
    wrong_password = await auth.login(password="correct horse battery stapler")
    unknown_email = await auth.login(email="nobody@example.org")
    empty = await auth.login(password="")
    assert wrong_password["accessToken"] is None
    assert wrong_password["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
    assert wrong_password["userErrors"] == unknown_email["userErrors"] == empty["userErrors"]

    # Only successes are events, and no event carries a secret (or the private email).
    events = await auth.events()
    assert [kind for kind, _ in events] == ["user.registered", "user.logged_in"]
    user_id = registered["user"]["id"]
    assert events[0][1]["id"] == user_id and events[1][1]["userId"] == user_id
    text = await auth.all_event_text()
    for secret in (
        PASSWORD,
        "ann@example.org",
        registered["accessToken"],
        registered["refreshToken"],
        signed_in["refreshToken"],
    ):
        assert secret not in text


async def test_login_rehashes_a_password_stored_with_old_parameters(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTH_DATABASE_URL", database_url)
    async with running_auth(HashingCost(time_cost=1, memory_kib=8, parallelism=1)) as before:
        await before.register()
        await before.login(password="wrong password, no rehash")
    stronger = HashingCost(time_cost=2, memory_kib=16, parallelism=1)
    async with running_auth(stronger) as after:
        async with after.runtime.sessions() as session:
            old_hash = (await session.execute(select(UserRow.password_hash))).scalar_one()
        assert old_hash.startswith("$argon2id$") and "m=8,t=1,p=1" in old_hash
        assert (await after.login())["userErrors"] == []
        async with after.runtime.sessions() as session:
            new_hash = (await session.execute(select(UserRow.password_hash))).scalar_one()
        assert new_hash.startswith("$argon2id$") and "m=16,t=2,p=1" in new_hash
        assert (await after.login())["userErrors"] == []  # the new hash still matches


async def test_user_entities_show_the_email_only_to_its_owner(auth: AuthHarness) -> None:
    ann = await auth.register()
    bob = await auth.register(email="bob@example.org", name="Bob")
    missing = str(uuid.uuid4())
    representations = [
        {"__typename": "User", "id": ann["user"]["id"]},
        {"__typename": "User", "id": missing},
        {"__typename": "User", "id": "not-a-uuid"},
    ]
    as_bob = await gql(
        auth.http,
        ENTITIES,
        {"representations": representations},
        {"Authorization": f"Bearer {bob['accessToken']}"},
    )
    assert as_bob["data"]["_entities"] == [
        {"id": ann["user"]["id"], "displayName": "Ann", "email": None},
        None,
        None,
    ]
    as_ann = await gql(
        auth.http,
        ENTITIES,
        {"representations": representations[:1]},
        {"Authorization": f"Bearer {ann['accessToken']}"},
    )
    assert as_ann["data"]["_entities"][0]["email"] == "ann@example.org"

    # Signed out, a reference (e.g. a public character's owner) shows the name, never the email.
    anonymous = await gql(auth.http, ENTITIES, {"representations": representations[:1]})
    assert anonymous["data"]["_entities"] == [
        {"id": ann["user"]["id"], "displayName": "Ann", "email": None}
    ]
