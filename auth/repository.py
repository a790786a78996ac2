"""Reading and writing accounts, sessions and signing keys."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select, update

from auth.models import SessionRow, SigningKeyRow, UserRow
from infra.db.repository import Repository


class UserRepository(Repository[UserRow]):
    model = UserRow

    async def by_email_key(self, email_key: str) -> UserRow | None:
        statement = self.select().where(UserRow.email_key == email_key)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def record_sign_in(
        self, user_id: uuid.UUID, now: datetime, upgrade: tuple[str, str] | None = None
    ) -> bool:
        """Stamp a sign-in on a live account (and swap ``upgrade = (old, new)`` password hashes
        if the stored one is still ``old``); False when the account is gone.

        A plain UPDATE, not a versioned write of a loaded row: signing in on two devices at
        once is not an edit that can conflict; the later sign-in time simply wins.
        """
        live = (UserRow.id == user_id, UserRow.is_deleted.is_(False))
        bump = {"updated_at": now, "version": UserRow.version + 1}
        stamped = await self.session.execute(
            update(UserRow).where(*live).values(last_login_at=now, **bump)
        )
        if upgrade is not None:
            old, new = upgrade
            await self.session.execute(
                update(UserRow)
                .where(*live, UserRow.password_hash == old)
                .values(password_hash=new, **bump)
            )
        return bool(stamped.rowcount)  # type: ignore[attr-defined]


class SessionRepository(Repository[SessionRow]):
    model = SessionRow

    async def by_token_hash(self, token_hash: str) -> SessionRow | None:
        statement = self.select().where(SessionRow.token_hash == token_hash)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def revoke_family(self, family_id: uuid.UUID, now: datetime, reason: str) -> int:
        """Revoke every not-yet-revoked token of a sign-in; returns how many rows changed."""
        statement = (
            update(SessionRow)
            .where(SessionRow.family_id == family_id, SessionRow.revoked_at.is_(None))
            .values(
                revoked_at=now,
                revoked_reason=reason,
                updated_at=now,
                version=SessionRow.version + 1,
            )
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(statement)
        return int(result.rowcount)  # type: ignore[attr-defined]


class SigningKeyRepository(Repository[SigningKeyRow]):
    model = SigningKeyRow

    async def live_in_order(self) -> list[SigningKeyRow]:
        """Keys not yet retired, oldest generation first."""
        statement = self.select().order_by(SigningKeyRow.generation)
        return list((await self.session.execute(statement)).scalars())

    async def last_generation(self) -> int:
        """The highest generation ever used, retired keys included (0 when there is none)."""
        statement = select(func.max(SigningKeyRow.generation))
        return int((await self.session.execute(statement)).scalar_one_or_none() or 0)
