"""Refresh tokens: rotation, theft detection, expiry, sign-out."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from auth.models import SessionRow
from tests.auth.harness import AuthHarness


def _codes(payload: dict[str, object]) -> list[tuple[list[str], str]]:
    errors = payload["userErrors"]
    assert isinstance(errors, list)
    return [(e["path"], e["code"]) for e in errors]


async def test_refresh_rotates_the_token(auth: AuthHarness) -> None:
    registered = await auth.register()
    first = registered["refreshToken"]
    refreshed = await auth.refresh(first)
    assert refreshed["userErrors"] == []
    assert refreshed["user"]["id"] == registered["user"]["id"]
    assert refreshed["refreshToken"] not in (None, first)
    assert refreshed["expiresIn"] == 15 * 60
    assert (await auth.me(refreshed["accessToken"]))["data"]["me"]["id"] == registered["user"]["id"]
    again = await auth.refresh(refreshed["refreshToken"])  # the new one works in its turn
    assert again["userErrors"] == [] and again["refreshToken"] != refreshed["refreshToken"]

    # Only digests are stored: a copy of the table cannot be replayed.
    issued = [first, refreshed["refreshToken"], again["refreshToken"]]
    async with auth.runtime.sessions() as session:
        rows = list((await session.execute(select(SessionRow))).scalars())
    assert {row.token_hash for row in rows} == {
        hashlib.sha256(token.encode()).hexdigest() for token in issued
    }
    stored = " ".join(str(value) for row in rows for value in vars(row).values())
    assert not any(token in stored for token in issued)
    assert len({row.family_id for row in rows}) == 1  # one sign-in, three generations


async def test_reusing_a_rotated_token_revokes_the_whole_sign_in(auth: AuthHarness) -> None:
    registered = await auth.register()
    stolen = registered["refreshToken"]
    rightful = (await auth.refresh(stolen))["refreshToken"]  # the owner refreshes first
    other_device = (await auth.login())["refreshToken"]

    replay = await auth.refresh(stolen)  # the thief replays the used token
    assert replay["accessToken"] is None
    assert _codes(replay) == [(["input", "refreshToken"], "REFRESH_TOKEN_REVOKED")]
    # ... which signs out everything descended from that sign-in, the owner's newest token too,
    owner = await auth.refresh(rightful)
    assert _codes(owner) == [(["input", "refreshToken"], "REFRESH_TOKEN_REVOKED")]
    # ... but not the user's other sign-ins.
    assert (await auth.refresh(other_device))["userErrors"] == []

    kinds = [kind for kind, _ in await auth.events()]
    assert kinds.count("user.session_reuse_detected") == 1


async def test_logged_out_expired_and_unknown_tokens_are_refused(auth: AuthHarness) -> None:
    token = (await auth.register())["refreshToken"]
    assert await auth.logout(token) == {"signedOut": True, "userErrors": []}
    revoked = await auth.refresh(token)
    assert _codes(revoked) == [(["input", "refreshToken"], "REFRESH_TOKEN_REVOKED")]
    assert (await auth.logout(token))["signedOut"] is True  # signing out twice is harmless

    for bogus in ["", "made-up", "x" * 5000]:
        assert _codes(await auth.refresh(bogus)) == [
            (["input", "refreshToken"], "REFRESH_TOKEN_INVALID")
        ]
    unknown = await auth.logout("made-up")
    assert unknown["signedOut"] is False
    assert _codes(unknown) == [(["input", "refreshToken"], "REFRESH_TOKEN_INVALID")]

    fresh = (await auth.login())["refreshToken"]
    auth.clock.advance(days=30, seconds=1)  # a refresh token left unused for its whole lifetime
    expired = await auth.refresh(fresh)
    assert _codes(expired) == [(["input", "refreshToken"], "REFRESH_TOKEN_EXPIRED")]
