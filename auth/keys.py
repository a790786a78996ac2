"""The signing key ring: RSA keys that sign access tokens, rotated on a schedule.

Life of a key (each one is a row of ``signing_keys``, numbered by ``generation``):

1. **Published ahead.** ``publish_ahead`` before the active key's time is up, its successor is
   created with a future ``activates_at``. It appears in the JWKS at once, so every verifier's
   cached copy already knows it by the time the first token signed with it arrives.
2. **Active.** The newest key whose ``activates_at`` has passed signs every new token; its ``kid``
   goes into the token header.
3. **Verify-only.** Once its successor activates (``signs_until``), the key signs nothing more but
   stays in the JWKS until every token it signed has expired: ``signs_until`` plus the longest
   token lifetime, plus a minute of leeway for clocks that disagree.
4. **Retired.** Then it is soft-deleted and its private half erased: it can never sign again.

The database is the source of truth, so several auth instances share one ring. Each instance
caches the ring and re-reads it every ``reload_every``; the unique ``generation`` makes a race
to create the next key harmless (the loser re-reads and uses the winner's key).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from auth.clock import Clock, as_utc, system_clock
from auth.models import SigningKeyRow
from auth.repository import SigningKeyRepository
from auth.tokens import ALGORITHM, Claims, RevocationCheck, verify_with_keys

log = logging.getLogger("dndcreator.auth.keys")

KEY_BITS = 2048
CLOCK_LEEWAY = timedelta(minutes=1)


@dataclass(frozen=True)
class KeyPolicy:
    rotate_every: timedelta = timedelta(days=30)
    publish_ahead: timedelta = timedelta(hours=24)
    longest_token_lifetime: timedelta = timedelta(minutes=15)

    def __post_init__(self) -> None:
        if self.publish_ahead >= self.rotate_every:
            raise ValueError("a key must be published for less time than it is active")


@dataclass(frozen=True)
class RingKey:
    """A key as the ring uses it; ``private`` is None once the key may no longer sign."""

    kid: str
    generation: int
    activates_at: datetime
    signs_until: datetime | None
    public: RSAKey
    private: RSAKey | None

    @classmethod
    def from_row(cls, row: SigningKeyRow) -> RingKey:
        return cls(
            kid=row.kid,
            generation=row.generation,
            activates_at=as_utc(row.activates_at),
            signs_until=None if row.signs_until is None else as_utc(row.signs_until),
            public=RSAKey.import_key(row.public_jwk),
            private=None if row.private_jwk is None else RSAKey.import_key(row.private_jwk),
        )

    def published_at(self, now: datetime, policy: KeyPolicy) -> bool:
        """Whether the key belongs in the JWKS at ``now`` (future keys included)."""
        if self.signs_until is None:
            return True
        return now < self.signs_until + policy.longest_token_lifetime + CLOCK_LEEWAY


def _generate_key() -> RSAKey:
    parameters: Any = {"kid": uuid.uuid4().hex, "use": "sig", "alg": ALGORITHM}
    return RSAKey.generate_key(KEY_BITS, parameters=parameters, private=True)


async def _new_row(generation: int, activates_at: datetime) -> SigningKeyRow:
    key = await asyncio.to_thread(_generate_key)  # a couple of CPU-heavy milliseconds
    return SigningKeyRow(
        kid=key.kid,
        generation=generation,
        activates_at=activates_at,
        public_jwk=dict(key.as_dict(private=False)),
        private_jwk=dict(key.as_dict(private=True)),
    )


def _active(rows: list[SigningKeyRow], now: datetime) -> SigningKeyRow:
    started = [row for row in rows if as_utc(row.activates_at) <= now]
    return started[-1] if started else rows[0]


async def _maintain(session: AsyncSession, policy: KeyPolicy, now: datetime) -> list[RingKey]:
    """Create a first key, schedule a successor, retire expired keys; return the live ring."""
    keys = SigningKeyRepository(session)
    rows = await keys.live_in_order()
    if not rows:
        first = await keys.add(await _new_row(await keys.last_generation() + 1, now))
        log.info("created the first signing key %s", first.kid)
        rows = [first]

    active = _active(rows, now)
    successor_due = as_utc(active.activates_at) + policy.rotate_every
    if rows[-1] is active and now >= successor_due - policy.publish_ahead:
        starts = max(successor_due, now + policy.publish_ahead)
        successor = await keys.add(await _new_row(await keys.last_generation() + 1, starts))
        active.signs_until = starts
        rows.append(successor)
        log.info("scheduled signing key %s to take over at %s", successor.kid, starts.isoformat())

    live: list[RingKey] = []
    for row in rows:
        key = RingKey.from_row(row)
        if key.published_at(now, policy):
            live.append(key)
            continue
        row.private_jwk = None  # a retired key must never sign again
        await keys.soft_delete(row)
        log.info("retired signing key %s", row.kid)
    await session.flush()
    return live


class KeyRing:
    """Signing keys of this auth service, cached in memory, kept in the database."""

    def __init__(
        self,
        sessions: Callable[[], AsyncSession],
        policy: KeyPolicy | None = None,
        *,
        clock: Clock = system_clock,
        reload_every: timedelta = timedelta(minutes=1),
        unknown_kid_reload_every: timedelta = timedelta(seconds=10),
    ) -> None:
        self.policy = policy or KeyPolicy()
        self.clock = clock
        self._sessions = sessions
        self._reload_every = reload_every
        self._unknown_kid_reload_every = unknown_kid_reload_every
        self._keys: list[RingKey] = []
        self._loaded_at: datetime | None = None
        self._lock = asyncio.Lock()

    def now(self) -> datetime:
        return self.clock()

    async def reload(self) -> None:
        """Bring the ring up to date with the schedule and the database, now."""
        async with self._lock:
            await self._reload_locked()

    def _older_than(self, age: timedelta) -> bool:
        loaded, now = self._loaded_at, self.now()
        return loaded is None or now < loaded or now - loaded >= age

    async def _reload_if_older_than(self, age: timedelta) -> bool:
        if not self._older_than(age):
            return False
        async with self._lock:
            if not self._older_than(age):  # another request reloaded while we waited
                return False
            await self._reload_locked()
            return True

    async def _reload_locked(self) -> None:
        now = self.now()
        try:
            for attempt in (1, 2):
                try:
                    async with self._sessions() as session, session.begin():
                        self._keys = await _maintain(session, self.policy, now)
                    break
                except (IntegrityError, StaleDataError):
                    if attempt == 2:
                        raise
                    # Another instance changed the ring at the same moment; read its result.
                    log.info("signing key ring changed concurrently; reading it again")
        except (SQLAlchemyError, OSError) as exc:
            if not self._keys:
                raise
            # Keep signing and publishing with what we have; try the database again later.
            log.warning("signing key ring not reloaded (%s); using the cached keys", exc)
        self._loaded_at = now

    async def _fresh(self) -> list[RingKey]:
        await self._reload_if_older_than(self._reload_every)
        return self._keys

    async def signing_key(self) -> RSAKey:
        """The private key that signs tokens right now (its ``kid`` names it)."""
        now = self.now()
        keys = await self._fresh()
        candidates = [k for k in keys if k.private is not None and k.activates_at <= now]
        if not candidates:
            raise RuntimeError("the signing key ring has no active key")
        key = candidates[-1].private
        assert key is not None
        return key

    async def published(self) -> list[RingKey]:
        now = self.now()
        return [k for k in await self._fresh() if k.published_at(now, self.policy)]

    async def public_keys(self) -> KeySet:
        return KeySet([k.public for k in await self.published()])

    async def jwks(self) -> dict[str, Any]:
        """The JSON Web Key Set document: public halves only."""
        return {"keys": [dict(k.public.as_dict(private=False)) for k in await self.published()]}

    async def reload_for_unknown_kid(self) -> bool:
        """Re-read the ring because a token names a key we do not know; rate-limited so forged
        ``kid`` values cannot hammer the database. True when a reload happened."""
        return await self._reload_if_older_than(self._unknown_kid_reload_every)

    def sign(self, key: RSAKey, claims: dict[str, Any]) -> str:
        return jwt.encode({"alg": ALGORITHM, "typ": "JWT", "kid": key.kid}, claims, key)


def _kid_of(token: str) -> str | None:
    try:
        kid = jws.extract_compact(token.encode()).headers().get("kid")
    except (JoseError, ValueError):
        return None
    return kid if isinstance(kid, str) else None


class KeyRingVerifier:
    """Verifies tokens against the ring directly: the auth service checks its own tokens
    without fetching its own JWKS over HTTP. ``revocations`` refuses signed-out sessions."""

    def __init__(self, ring: KeyRing, revocations: RevocationCheck | None = None) -> None:
        self.ring = ring
        self.revocations = revocations

    async def verify(self, token: str) -> Claims:
        keys = await self.ring.public_keys()
        kid = _kid_of(token)
        if kid is not None and all(k.kid != kid for k in keys.keys):
            await self.ring.reload_for_unknown_kid()
            keys = await self.ring.public_keys()
        claims = verify_with_keys(token, keys, now=self.ring.now().timestamp())
        return claims if self.revocations is None else await self.revocations.check(claims)
