"""A build as choices (what a planner or a model decides) and as a proposal (the checked result)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from rules.enums import Ability, Skill


class AdaptationKind(StrEnum):
    RESKIN = "RESKIN"  # an SRD entry played under another name and look (adaptEntry)
    HOMEBREW = "HOMEBREW"  # something the SRD lacks; balance-checked by rules/


@dataclass(frozen=True)
class Reason:
    """Why one part of the build is what it is."""

    part: str  # "class", "species", "lineage", "background", "skills", "spells", ...
    choice: str  # "Monk"
    because: str  # in words, naming the concept words it answers
    slug: str | None = None  # the catalog entry reused, e.g. "class/monk"
    words: tuple[str, ...] = ()  # the concept's words it answers


@dataclass(frozen=True)
class Adaptation:
    part: str
    kind: AdaptationKind
    name: str  # what the concept calls it: "Clockwork golem"
    note: str
    of_slug: str | None = None  # the SRD root a reskin branches from
    balance: tuple[str, ...] = ()  # rules.balance warnings of a homebrew entry


@dataclass(frozen=True)
class Choices:
    class_slug: str  # catalog slugs: "class/monk"
    species_slug: str
    background_slug: str
    level: int = 1
    lineage: str | None = None  # rules slug: "red", "wood-elf"
    subclass_slug: str | None = None  # "subclass/warrior-of-the-open-hand"
    ability_priority: tuple[Ability, ...] = ()  # best score first
    method: str = "standard-array"  # or "point-buy"
    skills: tuple[Skill, ...] = ()  # the class's skill choices (background skills are added)
    spells: tuple[str, ...] = ()  # spell slugs
    equipment: tuple[Mapping[str, Any], ...] = ()  # rules-format items
    feats: tuple[Mapping[str, Any], ...] = ()  # fighting styles and the like
    name: str = "New character"
    reasons: tuple[Reason, ...] = ()
    adaptations: tuple[Adaptation, ...] = ()


@dataclass(frozen=True)
class RulesProblem:
    path: str
    code: str
    message: str


@dataclass(frozen=True)
class Proposal:
    choices: Choices
    document: dict[str, Any]  # the character in the rules format
    spells: tuple[str, ...]  # spell slugs (outside the rules format, checked here)
    problems: tuple[RulesProblem, ...] = ()  # empty: rules.validate (and the spell checks) pass
    fit: float = 0.0  # how strongly the catalog tied its choices to the concept
    source: str = "planner"  # "planner" (offline) or "model:<provider>:<model>"
    repairs: int = 0  # rounds of repair it took (model proposals)
    summary: str = ""
    notes: Sequence[str] = field(default_factory=tuple)

    @property
    def valid(self) -> bool:
        return not self.problems
