"""Persistence failures that callers are expected to handle."""

from __future__ import annotations


class NotFound(Exception):
    def __init__(self, kind: str, id: object) -> None:
        super().__init__(f"{kind} {id} does not exist")
        self.kind, self.id = kind, id


class ConcurrencyConflict(Exception):
    """The row changed since the caller read it: reload and try again."""

    def __init__(
        self, kind: str, id: object, expected: int | None = None, actual: int | None = None
    ) -> None:
        if expected is not None and actual is not None:
            versions = f" (you had version {expected}, it is now at version {actual})"
        elif expected is not None:
            versions = f" since version {expected}"
        else:
            versions = ""
        super().__init__(
            f"{kind} {id} was changed by someone else{versions}; reload it and try again"
        )
        self.kind, self.id, self.expected, self.actual = kind, id, expected, actual
