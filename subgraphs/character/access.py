"""Who may read what of a character: one policy, asked by every read.

Deny by default. A viewer's access to a character is one of these levels, each including the
ones below it:

* ``NONE``  — the character is absent for them (never "forbidden": its existence is not told);
* ``FACE``  — its public face: name, kind, level, classes, species, owner, portrait;
* ``SHEET`` — also its sheet and its document (read only);
* ``OWNER`` — everything, and it may change it.
"""

from __future__ import annotations

import uuid
from enum import IntEnum

from subgraphs.character.models import CharacterRow
from subgraphs.kit.context import ContextInfo
from subgraphs.kit.errors import ErrorCode, forbidden, graphql_error


class Access(IntEnum):
    NONE = 0
    FACE = 1
    SHEET = 2
    OWNER = 3


def access_of(viewer: uuid.UUID | None, row: CharacterRow) -> Access:
    """The owner owns; a PUBLIC character's sheet is anyone's to read; the rest is nobody's."""
    if viewer is not None and viewer == row.owner_id:
        return Access.OWNER
    if row.visibility == "PUBLIC":
        return Access.SHEET
    return Access.NONE


def viewer_id(info: ContextInfo) -> uuid.UUID | None:
    """The signed-in user asking, or ``None`` for a signed-out caller or a service (which see
    what anyone sees). A token that fails verification is an error, never "signed out"."""
    context = info.context
    if context.auth_error is not None:
        raise graphql_error(ErrorCode.UNAUTHENTICATED, str(context.auth_error))
    if context.viewer is None or context.viewer.is_service:
        return None
    return context.viewer.user_id


def require_access(granted: Access, needed: Access, what: str) -> None:
    """For fields of a character the viewer can already see: FORBIDDEN below ``needed``."""
    if granted < needed:
        raise forbidden(f"You may see this character but not its {what}.")
