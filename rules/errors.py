"""Structured problems: a field path, a stable machine code and a player-readable message."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleError:
    """One problem with a sheet or an action.

    ``path`` names the field in the JSON input, e.g. ``abilities.base.str`` or
    ``classes[1].subclass``; ``code`` is stable for programs (``score_out_of_range``); ``message``
    is for people.
    """

    path: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "code": self.code, "message": self.message}


class SheetParseError(ValueError):
    """Input JSON that cannot become a ``Sheet``; carries every problem found, not only one."""

    def __init__(self, errors: list[RuleError]) -> None:
        self.errors = errors
        summary = "; ".join(f"{e.path}: {e.message}" for e in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        super().__init__(f"invalid character sheet: {summary}{more}")


class RuleViolation(ValueError):
    """A transition that the rules do not allow (e.g. spending a slot that is not there)."""

    def __init__(self, error: RuleError) -> None:
        self.error = error
        super().__init__(error.message)

    @classmethod
    def at(cls, path: str, code: str, message: str) -> RuleViolation:
        """The violation of one field: ``RuleViolation.at("level", "too_high", "...")``."""
        return cls(RuleError(path, code, message))
