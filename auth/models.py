"""Tables of the auth service (its own database).

Secrets are never stored in a form that could be replayed: passwords as Argon2id hashes, refresh
tokens as SHA-256 digests. Signing keys are the exception that cannot be avoided (the service
must sign), which is why the private half of a key is erased as soon as the key retires.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String, Uuid, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from infra.db.model import EntityMixin, OutboxMixin


class Base(DeclarativeBase):
    pass


class UserRow(EntityMixin, Base):
    """An account. ``email_key`` is the address as compared (trimmed, lower case)."""

    __tablename__ = "users"
    __table_args__ = (
        # One live account per address; a soft-deleted account does not block a new sign-up.
        Index(
            "uq_users_live_email_key",
            "email_key",
            unique=True,
            postgresql_where=text("NOT is_deleted"),
            sqlite_where=text("NOT is_deleted"),
        ),
    )

    email: Mapped[str] = mapped_column(String(254), nullable=False)
    email_key: Mapped[str] = mapped_column(String(254), nullable=False)
    display_name: Mapped[str] = mapped_column(String(60), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class SessionRow(EntityMixin, Base):
    """One refresh token of a sign-in.

    Every refresh retires the presented row (``rotated_at``) and adds a new one to the same
    ``family_id``; the family is the whole life of one sign-in on one device. A rotated token
    presented again means two parties hold it, so the whole family is revoked.
    """

    __tablename__ = "sessions"

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False, index=True)
    family_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    rotated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)


class SigningKeyRow(EntityMixin, Base):
    """One RSA key of the signing key ring.

    Keys form a sequence (``generation``): each one signs from ``activates_at`` until its
    successor activates (``signs_until``). The unique generation stops two auth instances from
    both creating "the next key". A retired key is soft-deleted and loses its private half.
    """

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    generation: Mapped[int] = mapped_column(Integer, nullable=False, unique=True)
    activates_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    signs_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    private_jwk: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class OutboxEvent(OutboxMixin, Base):
    pass
