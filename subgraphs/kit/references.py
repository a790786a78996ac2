"""Entities other services own that every subgraph points at.

The auth service owns users; a subgraph stores only their IDs (owner, game master, member) and
returns a reference the router resolves through the auth service. One definition keeps the
type's description identical in every subgraph, which composition requires.
"""

from __future__ import annotations

import uuid

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet


@strawberry.federation.type(
    keys=[Key(fields=FieldSet("id"), resolvable=False)], description="A person with an account."
)
class User:
    id: strawberry.ID = strawberry.field(description="The user's ID.")

    @classmethod
    def of(cls, user_id: uuid.UUID) -> User:
        return cls(id=strawberry.ID(str(user_id)))
