"""Columns every persisted entity carries.

UUID keys, timestamps, soft delete and a version counter. SQLAlchemy's ``version_id_col`` makes
every UPDATE check the version it read, so two writers racing on one row cannot both win.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, DateTime, Integer, String, Uuid
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


def entity_name(model: type) -> str:
    """What players call a model's rows, for messages: its ``entity_label`` when it sets one,
    else its class name in words without the "Row": ``HomebrewEntryRow`` -> "Homebrew entry"."""
    explicit = getattr(model, "entity_label", None)
    if explicit:
        return str(explicit)
    base = model.__name__.removesuffix("Row") or model.__name__
    words = re.findall(r"[A-Z][a-z0-9]*|[a-z0-9]+", base)
    return " ".join([words[0], *(word.lower() for word in words[1:])]) if words else base


class EntityMixin:
    """Mix into a service's declarative model classes."""

    # How players know the entity ("Character"); derived from the class name when unset.
    entity_label: ClassVar[str | None] = None

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, nullable=False, index=True
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False
    )
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


class OutboxMixin(EntityMixin):
    """The outbox: domain events written in the same transaction as the change they describe.

    A relay publishes unpublished rows to the event bus afterwards, so an event is never lost when
    the bus is down and never sent for a change that rolled back.
    """

    __tablename__ = "outbox"

    type: Mapped[str] = mapped_column(String(120), nullable=False)
    aggregate_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    published_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True, index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
