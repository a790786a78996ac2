"""What each purpose's input must be, and the ``Order`` it becomes.

Every check names the field path of the GraphQL input, so a player sees exactly what to fix;
nothing is generated, stored or counted when any check fails.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from rules.derive import derive
from rules.errors import SheetParseError
from rules.parse import parse_sheet
from subgraphs.kit.idempotency import check_idempotency_key
from subgraphs.kit.outcomes import Problem, Rejected
from subgraphs.llm.generator import Priority
from subgraphs.llm.models import Purpose
from subgraphs.llm.services import Order, check_text

SHORT = 200
MEDIUM = 1000
MAX_LIST = 50
MAX_FACTS_CHARS = 4000


class Checks:
    """Collects problems over one input; ``done`` raises them all at once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def text(
        self, value: str, *path: str, limit: int = MEDIUM, code: str, single_line: bool = False
    ) -> str:
        value = value.strip()
        where = ("input", *path)
        self.problems += check_text(value, where, limit=limit, code=code, single_line=single_line)
        return value

    def optional(self, value: str | None, *path: str, limit: int = SHORT, code: str) -> str | None:
        if value is None or not value.strip():
            return None
        return self.text(value, *path, limit=limit, code=code)

    def texts(
        self, values: Sequence[str], *path: str, limit: int = MEDIUM, code: str, least: int = 0
    ) -> list[str]:
        where = ("input", *path)
        if len(values) < least:
            self.problems.append(
                Problem(where, f"{code}_REQUIRED", f"Give at least {least} {path[-1]}.")
            )
        if len(values) > MAX_LIST:
            self.problems.append(
                Problem(where, f"{code}_TOO_MANY", f"At most {MAX_LIST} {path[-1]}.")
            )
            return []
        return [
            self.text(value, *path[:-1], f"{path[-1]}[{n}]", limit=limit, code=code)
            for n, value in enumerate(values)
        ]

    def between(self, value: int, low: int, high: int, *path: str, code: str) -> int:
        if not low <= value <= high:
            self.problems.append(
                Problem(("input", *path), code, f"{path[-1]} must be from {low} to {high}.")
            )
        return value

    def key(self, key: str | None) -> str | None:
        self.problems += check_idempotency_key(key)
        return key

    def done(self) -> None:
        if self.problems:
            raise Rejected(*self.problems)


def _sheet_facts(checks: Checks, sheet: Any) -> dict[str, str]:
    """The summary a backstory builds on, from a rules-format sheet (``rules.parse``)."""
    if sheet is None:
        return {}
    if not isinstance(sheet, Mapping):
        checks.problems.append(
            Problem(("input", "sheet"), "SHEET_INVALID", "The sheet must be a JSON object.")
        )
        return {}
    try:
        parsed = parse_sheet(dict(sheet))
    except SheetParseError as exc:
        checks.problems += [
            Problem(("input", "sheet", *error.path.split(".")), "SHEET_INVALID", error.message)
            for error in exc.errors
        ]
        return {}
    return {"summary": derive(parsed).summary, "background": parsed.background.name}


def backstory(concept: str, sheet: Any, tone: str | None, key: str | None) -> Order:
    checks = Checks()
    concept = checks.text(concept, "concept", limit=MEDIUM, code="CONCEPT")
    facts = _sheet_facts(checks, sheet)
    tone = checks.optional(tone, "tone", code="TONE")
    checks.key(key)
    checks.done()
    inputs = {"concept": concept, **facts, **({"tone": tone} if tone else {})}
    return Order(Purpose.CHARACTER_BACKSTORY, inputs, concept, concept, key)


@dataclass(frozen=True)
class Persona:
    name: str
    description: str
    knowledge: Sequence[str]
    voice: str | None = None
    secrets: Sequence[str] = ()


def npc_dialogue(
    persona: Persona, player_line: str, situation: str | None, key: str | None
) -> Order:
    checks = Checks()
    name = checks.text(persona.name, "persona", "name", limit=SHORT, code="NAME", single_line=True)
    description = checks.text(
        persona.description, "persona", "description", limit=MEDIUM, code="DESCRIPTION"
    )
    voice = checks.optional(persona.voice, "persona", "voice", code="VOICE")
    knowledge = checks.texts(persona.knowledge, "persona", "knowledge", code="KNOWLEDGE")
    secrets = checks.texts(persona.secrets, "persona", "secrets", code="SECRET")
    line = checks.text(player_line, "playerLine", limit=MEDIUM, code="PLAYER_LINE")
    situation = checks.optional(situation, "situation", limit=MEDIUM, code="SITUATION")
    checks.key(key)
    checks.done()
    inputs = {
        "persona": {
            "name": name,
            "description": description,
            "voice": voice,
            "knowledge": knowledge,
        },
        "player_line": line,
        "situation": situation,
        "secrets": secrets,  # never rendered into a prompt; only checked against answers
    }
    return Order(Purpose.NPC_DIALOGUE, inputs, f"{name} is asked: {line}", None, key)


def narration(
    events: Sequence[str], setting: str | None, tone: str | None, key: str | None
) -> Order:
    checks = Checks()
    told = checks.texts(events, "events", limit=500, code="EVENT", least=1)
    setting = checks.optional(setting, "setting", limit=500, code="SETTING")
    tone = checks.optional(tone, "tone", code="TONE")
    checks.key(key)
    checks.done()
    inputs = {"events": told, "setting": setting, "tone": tone}
    prompt = "Narrate: " + "; ".join(told)
    return Order(Purpose.ENCOUNTER_NARRATION, inputs, prompt[:MEDIUM], None, key)


def description(
    kind: str, name: str, facts: Any, style: str | None, key: str | None, priority: Priority
) -> Order:
    checks = Checks()
    name = checks.text(name, "name", limit=120, code="NAME", single_line=True)
    style = checks.optional(style, "style", code="STYLE")
    if facts is not None and (
        not isinstance(facts, Mapping) or len(orjson.dumps(facts)) > MAX_FACTS_CHARS
    ):
        checks.problems.append(
            Problem(
                ("input", "facts"),
                "FACTS_INVALID",
                f"facts must be a JSON object of at most {MAX_FACTS_CHARS} characters.",
            )
        )
    checks.key(key)
    checks.done()
    inputs = {"kind": kind, "name": name, "facts": dict(facts or {}), "style": style}
    prompt = f"Describe the {kind.lower()} {name}"
    return Order(Purpose.ENTRY_DESCRIPTION, inputs, prompt, name, key, priority=priority)


def story_hooks(theme: str, premise: str | None, count: int, key: str | None) -> Order:
    checks = Checks()
    theme = checks.text(theme, "theme", limit=SHORT, code="THEME", single_line=True)
    premise = checks.optional(premise, "premise", limit=2000, code="PREMISE")
    checks.between(count, 1, 6, "count", code="COUNT_OUT_OF_RANGE")
    checks.key(key)
    checks.done()
    inputs = {"theme": theme, "premise": premise, "count": count}
    return Order(Purpose.STORY_HOOKS, inputs, f"Story hooks: {theme}", None, key)


def plot_outline(theme: str, premise: str | None, acts: int, key: str | None) -> Order:
    checks = Checks()
    theme = checks.text(theme, "theme", limit=SHORT, code="THEME", single_line=True)
    premise = checks.optional(premise, "premise", limit=2000, code="PREMISE")
    checks.between(acts, 3, 5, "acts", code="ACTS_OUT_OF_RANGE")
    checks.key(key)
    checks.done()
    inputs = {"theme": theme, "premise": premise, "acts": acts}
    return Order(Purpose.PLOT_OUTLINE, inputs, f"Plot outline: {theme}", None, key)
