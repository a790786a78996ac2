"""Use cases of the auth service: register, sign in, refresh, sign out. No GraphQL here.

Refresh tokens are 256 random bits, shown to the client once and stored only as a SHA-256 digest,
so a copy of the database cannot be replayed as sessions. (A fast hash is enough here: unlike a
password, the token has far too much entropy to guess.)
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from auth.clock import as_utc
from auth.config import AuthConfig
from auth.issuing import IssuedToken, mint_service_token, mint_user_token
from auth.keys import KeyRing
from auth.models import SessionRow, UserRow
from auth.passwords import PasswordHasher
from auth.repository import SessionRepository, UserRepository
from auth.validation import (
    EMAIL_PATH,
    MAX_PASSWORD,
    check_display_name,
    check_email,
    check_password,
    email_key,
)
from infra.db.errors import ConcurrencyConflict
from infra.db.unit_of_work import UnitOfWork
from subgraphs.kit.outcomes import Problem, Rejected

log = logging.getLogger("dndcreator.auth")

REFRESH_PATH = ("input", "refreshToken")
MAX_REFRESH_TOKEN = 200  # ours are 43 characters; anything much longer is not one of ours

EMAIL_TAKEN = Problem(EMAIL_PATH, "EMAIL_TAKEN", "An account with this email already exists.")
# One answer for "no such account" and "wrong password", so sign-in never reveals who has one.
INVALID_CREDENTIALS = Problem(
    ("input",), "INVALID_CREDENTIALS", "That email and password do not match an account."
)
REFRESH_INVALID = Problem(
    REFRESH_PATH, "REFRESH_TOKEN_INVALID", "That refresh token is not valid; sign in again."
)
REFRESH_REVOKED = Problem(
    REFRESH_PATH, "REFRESH_TOKEN_REVOKED", "That session has been signed out; sign in again."
)
REFRESH_EXPIRED = Problem(
    REFRESH_PATH, "REFRESH_TOKEN_EXPIRED", "That session has expired; sign in again."
)


@dataclass
class AuthTools:
    """What the use cases need besides the database: settings, the hasher, the key ring."""

    config: AuthConfig
    hasher: PasswordHasher
    ring: KeyRing

    def now(self) -> datetime:
        return self.ring.now()

    async def mint_service_token(self, service: str) -> IssuedToken:
        """A token for ``service`` itself, living ``config.service_token_lifetime``."""
        return await mint_service_token(
            self.ring, service, lifetime=self.config.service_token_lifetime
        )


@dataclass(frozen=True)
class NewAccount:
    email: str
    password: str
    display_name: str


@dataclass(frozen=True)
class SignedIn:
    """A fresh pair of tokens; ``refresh_token`` is the only copy of that secret anywhere."""

    user: UserRow
    access: IssuedToken
    refresh_token: str


def digest(refresh_token: str) -> str:
    return hashlib.sha256(refresh_token.encode()).hexdigest()


async def _start_session(
    session: AsyncSession,
    tools: AuthTools,
    user_id: uuid.UUID,
    now: datetime,
    family_id: uuid.UUID | None = None,
) -> str:
    """Store a new refresh token (as its digest) and return the token itself."""
    token = secrets.token_urlsafe(32)
    await SessionRepository(session).add(
        SessionRow(
            user_id=user_id,
            family_id=family_id or uuid.uuid4(),
            token_hash=digest(token),
            expires_at=now + tools.config.refresh_token_lifetime,
        )
    )
    return token


async def _signed_in(tools: AuthTools, user: UserRow, refresh_token: str) -> SignedIn:
    access = await mint_user_token(
        tools.ring, user.id, tools.config.user_scopes, tools.config.access_token_lifetime
    )
    return SignedIn(user=user, access=access, refresh_token=refresh_token)


async def register(uow: UnitOfWork, tools: AuthTools, new: NewAccount) -> SignedIn:
    problems = (
        check_email(new.email)
        + check_display_name(new.display_name)
        + check_password(new.password, new.email, new.display_name)
    )
    if problems:
        raise Rejected(*problems)
    password_hash = await tools.hasher.hash(new.password)  # slow: before the transaction opens
    now = tools.now()
    try:
        async with uow:
            users = UserRepository(uow.session)
            if await users.by_email_key(email_key(new.email)) is not None:
                raise Rejected(EMAIL_TAKEN)
            user = await users.add(
                UserRow(
                    email=new.email.strip(),
                    email_key=email_key(new.email),
                    display_name=new.display_name.strip(),
                    password_hash=password_hash,
                    last_login_at=now,
                )
            )
            refresh_token = await _start_session(uow.session, tools, user.id, now)
            uow.emit(
                "user.registered",
                user.id,
                {"id": str(user.id), "displayName": user.display_name, "at": now.isoformat()},
            )
            await uow.commit()
    except IntegrityError:
        raise Rejected(EMAIL_TAKEN) from None  # a simultaneous sign-up took the address first
    return await _signed_in(tools, user, refresh_token)


async def login(uow: UnitOfWork, tools: AuthTools, email: str, password: str) -> SignedIn:
    if not password or len(password) > MAX_PASSWORD:
        raise Rejected(INVALID_CREDENTIALS)
    async with uow:
        found = await UserRepository(uow.session).by_email_key(email_key(email))
    if found is None:
        await tools.hasher.waste_a_check(password)
        raise Rejected(INVALID_CREDENTIALS)
    stored_hash = found.password_hash
    if not await tools.hasher.matches(stored_hash, password):
        raise Rejected(INVALID_CREDENTIALS)
    # The cost parameters changed since this hash was made: upgrade it while we know the password.
    upgraded = await tools.hasher.hash(password) if tools.hasher.needs_rehash(stored_hash) else None

    now = tools.now()
    async with uow:
        upgrade = None if upgraded is None else (stored_hash, upgraded)
        if not await UserRepository(uow.session).record_sign_in(found.id, now, upgrade):
            raise Rejected(INVALID_CREDENTIALS)  # deleted between the two steps
        refresh_token = await _start_session(uow.session, tools, found.id, now)
        uow.emit("user.logged_in", found.id, {"userId": str(found.id), "at": now.isoformat()})
        await uow.commit()
    found.last_login_at = now
    return await _signed_in(tools, found, refresh_token)


async def refresh(uow: UnitOfWork, tools: AuthTools, refresh_token: str) -> SignedIn:
    """Trade a refresh token for a new pair; the presented token is used up.

    A token that was already traded in is evidence of theft (the thief and the rightful owner
    both hold it), so every token of that sign-in is revoked, whoever presents it.
    """
    if not refresh_token or len(refresh_token) > MAX_REFRESH_TOKEN:
        raise Rejected(REFRESH_INVALID)
    now = tools.now()
    reuse_detected = False
    try:
        async with uow:
            sessions = SessionRepository(uow.session)
            row = await sessions.by_token_hash(digest(refresh_token))
            user = None if row is None else await UserRepository(uow.session).get(row.user_id)
            if row is None or user is None:
                raise Rejected(REFRESH_INVALID)
            if row.rotated_at is not None:
                reuse_detected = True
                if await sessions.revoke_family(row.family_id, now, "reuse_detected"):
                    log.warning(
                        "refresh token reused: revoked session family %s of user %s",
                        row.family_id,
                        user.id,
                    )
                    uow.emit(
                        "user.session_reuse_detected",
                        user.id,
                        {"userId": str(user.id), "sessionFamilyId": str(row.family_id)},
                    )
                await uow.commit()
            else:
                if row.revoked_at is not None:
                    raise Rejected(REFRESH_REVOKED)
                if as_utc(row.expires_at) <= now:
                    raise Rejected(REFRESH_EXPIRED)
                row.rotated_at = now
                new_token = await _start_session(uow.session, tools, user.id, now, row.family_id)
                await uow.commit()
    except (StaleDataError, ConcurrencyConflict):
        raise Rejected(REFRESH_REVOKED) from None  # a simultaneous refresh used it first
    if reuse_detected:
        raise Rejected(REFRESH_REVOKED)
    return await _signed_in(tools, user, new_token)


async def logout(uow: UnitOfWork, tools: AuthTools, refresh_token: str) -> None:
    """End the sign-in the refresh token belongs to. Access tokens already handed out stay valid
    until they expire (minutes); that is the price of verifying them without a database."""
    if not refresh_token or len(refresh_token) > MAX_REFRESH_TOKEN:
        raise Rejected(REFRESH_INVALID)
    now = tools.now()
    async with uow:
        sessions = SessionRepository(uow.session)
        row = await sessions.by_token_hash(digest(refresh_token))
        if row is None:
            raise Rejected(REFRESH_INVALID)
        if await sessions.revoke_family(row.family_id, now, "logout"):
            payload = {"userId": str(row.user_id), "at": now.isoformat()}
            uow.emit("user.logged_out", row.user_id, payload)
        await uow.commit()
