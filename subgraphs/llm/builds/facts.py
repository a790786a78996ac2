"""What the planner needs from the catalog, read through the router like any client.

Classes (skill choices), backgrounds (abilities, origin feat, skills), species and their
lineages, subclasses and every spell (level, class lists, damage types) are read once and kept
for ``FACTS_TTL_SECONDS``; concept search runs per request. The SRD rarely changes, and a
build asks for hundreds of facts, so one read serves many builds.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from rules.enums import Ability, Skill

FACTS_TTL_SECONDS = 600.0
SPELL_PAGE = 100

FACTS_QUERY = """
query LlmBuildFacts {
  classes(first: 50) { edges { node { slug name proficiencyChoices } } }
  backgrounds(first: 100) { edges { node { slug name abilities featSlug featNote skills } } }
  speciesList(first: 100) { edges { node { slug name lineages { slug name } } } }
  subclasses(first: 100) { edges { node { slug name classSlug } } }
}"""
SPELLS_QUERY = """
query LlmBuildSpells($first: Int!, $after: String) {
  spells(first: $first, after: $after) {
    edges { node { slug name level classSlugs damageTypes school } }
    pageInfo { hasNextPage endCursor }
  }
}"""
CONCEPT_QUERY = """
query LlmBuildConcept($concept: String!, $first: Int!) {
  conceptSearch(concept: $concept, first: $first) {
    kinds { kind options { kind slug name score reasons } }
  }
}"""
# SRD 5.2: the Sage's Magic Initiate is the Wizard's; the catalog leaves its note empty.
MAGIC_INITIATE_LISTS = {"background/sage": "wizard"}


class Router(Protocol):
    async def execute(
        self, query: str, variables: Mapping[str, Any] | None = None
    ) -> dict[str, Any]: ...


@dataclass(frozen=True)
class ClassFacts:
    slug: str  # "class/monk"
    name: str
    skill_count: int
    skill_options: tuple[Skill, ...]  # empty: any skill


@dataclass(frozen=True)
class BackgroundFacts:
    slug: str
    name: str
    abilities: tuple[Ability, ...]
    feat_slug: str  # "feat/magic-initiate"
    feat_name: str  # "Magic Initiate"
    skills: tuple[Skill, ...]
    spell_list: str | None  # the class list of a Magic Initiate feat: "wizard", "cleric"


@dataclass(frozen=True)
class SpellFacts:
    slug: str
    name: str
    level: int
    classes: frozenset[str]  # "wizard", "sorcerer"
    damage_types: frozenset[str]  # "fire"
    school: str


@dataclass(frozen=True)
class SpeciesFacts:
    slug: str
    name: str
    lineages: tuple[tuple[str, str], ...]  # (catalog slug, name)


@dataclass(frozen=True)
class Option:
    """One concept-search option: an existing catalog entry that fits the concept."""

    kind: str
    slug: str
    name: str
    score: float
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class CatalogFacts:
    classes: Mapping[str, ClassFacts]
    backgrounds: Sequence[BackgroundFacts]
    species: Mapping[str, SpeciesFacts]
    subclasses: Mapping[str, tuple[str, str]]  # class slug -> (subclass slug, name)
    spells: Sequence[SpellFacts] = field(default_factory=tuple)


_CHOOSE = re.compile(r"choose\s+(?:any\s+)?(\d+|one|two|three|four)\b", re.IGNORECASE)
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4}


def skill_choices(texts: Sequence[str]) -> tuple[int, tuple[Skill, ...]]:
    """ "Choose 2: Acrobatics, Athletics, ... or Stealth" -> (2, skills); "Choose any 3 skills"
    -> (3, ()) meaning any. The first text that names a count of skills wins."""
    names = {skill.value.replace("-", " "): skill for skill in Skill}
    for text in texts:
        match = _CHOOSE.search(text)
        if match is None:
            continue
        count_word = match.group(1).lower()
        count = int(count_word) if count_word.isdigit() else _NUMBERS[count_word]
        rest = text[match.end() :].lower()
        found = [skill for name, skill in names.items() if re.search(rf"\b{name}\b", rest)]
        if found:
            return count, tuple(sorted(found, key=lambda s: rest.index(s.value.replace("-", " "))))
        if "skill" in rest:
            return count, ()
    return 2, ()


def _skill(value: str) -> Skill:
    return Skill(value.lower().replace("_", "-"))


def _bare(slug: str) -> str:
    return slug.split("/", 1)[-1]


def parse_facts(data: Mapping[str, Any], spells: Sequence[SpellFacts]) -> CatalogFacts:
    classes = {}
    for edge in data["classes"]["edges"]:
        node = edge["node"]
        count, options = skill_choices(node["proficiencyChoices"])
        classes[node["slug"]] = ClassFacts(node["slug"], node["name"], count, options)
    backgrounds = []
    for edge in data["backgrounds"]["edges"]:
        node = edge["node"]
        feat_slug = node["featSlug"]
        spell_list = None
        if _bare(feat_slug) == "magic-initiate":
            note = (node.get("featNote") or "").strip().lower()
            spell_list = note or MAGIC_INITIATE_LISTS.get(node["slug"])
        backgrounds.append(
            BackgroundFacts(
                slug=node["slug"],
                name=node["name"],
                abilities=tuple(Ability(a.lower()) for a in node["abilities"]),
                feat_slug=feat_slug,
                feat_name=_bare(feat_slug).replace("-", " ").title(),
                skills=tuple(_skill(s) for s in node["skills"]),
                spell_list=spell_list,
            )
        )
    species = {
        edge["node"]["slug"]: SpeciesFacts(
            edge["node"]["slug"],
            edge["node"]["name"],
            tuple((lin["slug"], lin["name"]) for lin in edge["node"]["lineages"]),
        )
        for edge in data["speciesList"]["edges"]
    }
    subclasses: dict[str, tuple[str, str]] = {}
    for edge in data["subclasses"]["edges"]:
        node = edge["node"]
        subclasses.setdefault(node["classSlug"], (node["slug"], node["name"]))
    return CatalogFacts(classes, tuple(backgrounds), species, subclasses, tuple(spells))


def parse_spell(node: Mapping[str, Any]) -> SpellFacts:
    return SpellFacts(
        slug=node["slug"],
        name=node["name"],
        level=int(node["level"]),
        classes=frozenset(_bare(c) for c in node["classSlugs"]),
        damage_types=frozenset(d.lower() for d in node["damageTypes"]),
        school=str(node["school"]).lower(),
    )


def parse_options(data: Mapping[str, Any]) -> dict[str, list[Option]]:
    return {
        kind["kind"]: [
            Option(
                o["kind"], o["slug"], o["name"], float(o["score"]), tuple(o.get("reasons") or ())
            )
            for o in kind["options"]
        ]
        for kind in data["conceptSearch"]["kinds"]
    }


class RouterFacts:
    """Catalog facts and concept search through the router (``subgraphs.kit.hub``)."""

    def __init__(self, router: Router, ttl: float = FACTS_TTL_SECONDS) -> None:
        self.router, self.ttl = router, ttl
        self._facts: CatalogFacts | None = None
        self._read_at = 0.0
        self._lock = asyncio.Lock()

    async def facts(self) -> CatalogFacts:
        async with self._lock:
            if self._facts is None or time.monotonic() - self._read_at > self.ttl:
                self._facts = await self._read()
                self._read_at = time.monotonic()
            return self._facts

    async def _read(self) -> CatalogFacts:
        data = await self.router.execute(FACTS_QUERY)
        spells: list[SpellFacts] = []
        after: str | None = None
        while True:
            page = (await self.router.execute(SPELLS_QUERY, {"first": SPELL_PAGE, "after": after}))[
                "spells"
            ]
            spells += [parse_spell(edge["node"]) for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        return parse_facts(data, spells)

    async def concept(self, concept: str, first: int = 8) -> dict[str, list[Option]]:
        return parse_options(
            await self.router.execute(CONCEPT_QUERY, {"concept": concept, "first": first})
        )
