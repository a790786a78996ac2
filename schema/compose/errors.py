"""Composition issues and the exception that carries them.

Every issue names the subgraphs involved and the schema coordinates (``Type``, ``Type.field``,
``Type.field(arg:)``, ``Enum.VALUE``) it is about, so a developer can go straight to the SDL that
needs fixing. Codes follow the Federation composition error codes wherever one exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Issue:
    """One composition problem."""

    code: str
    message: str
    subgraphs: tuple[str, ...] = ()
    coordinates: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class CompositionError(Exception):
    """Raised by ``compose()`` when the subgraphs cannot form a supergraph."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = list(issues)
        lines = "\n".join(f"  - {issue}" for issue in self.issues)
        count = len(self.issues)
        super().__init__(f"supergraph composition failed with {count} issue(s):\n{lines}")

    @property
    def codes(self) -> list[str]:
        """The issue codes, in report order (handy in tests and logs)."""
        return [issue.code for issue in self.issues]


@dataclass
class IssueCollector:
    """Accumulates issues so one run reports every problem, not just the first."""

    issues: list[Issue] = field(default_factory=list)

    def add(
        self,
        code: str,
        message: str,
        *,
        subgraphs: tuple[str, ...] | list[str] = (),
        coordinates: tuple[str, ...] | list[str] = (),
    ) -> None:
        self.issues.append(Issue(code, message, tuple(subgraphs), tuple(coordinates)))

    def raise_if_any(self) -> None:
        if self.issues:
            raise CompositionError(self.issues)


def quote_list(names: list[str] | tuple[str, ...]) -> str:
    """``"a"``, ``"a" and "b"``, ``"a", "b" and "c"`` — for readable messages."""
    quoted = [f'"{name}"' for name in names]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]
