"""The offline planner: a legal build from concept-search results, class tables and rules.

No model is involved. For each part it takes the catalog's best option for the concept (reuse
first), checks it against the rules, and falls back on sensible defaults when the concept says
nothing about that part; every choice carries its reason. The same concept always gives the same
proposals.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rules.classes import CLASSES
from rules.enums import Ability, ClassId, Skill
from rules.equipment import catalog_item
from rules.species_traits import LINEAGES
from subgraphs.llm.builds import tables
from subgraphs.llm.builds.assemble import assemble, bare, spell_limits
from subgraphs.llm.builds.choices import Adaptation, AdaptationKind, Choices, Proposal, Reason
from subgraphs.llm.builds.facts import BackgroundFacts, CatalogFacts, Option, SpellFacts

MAX_PROPOSALS = 3
ALTERNATIVE_SHARE = 0.6  # a second class is offered when it scores this much of the first
STRONG_SPECIES = 0.3  # below this, the concept did not really name a species
SPELL_FITS = 0.35  # a spell this close to the concept is named as answering it
# Choosing the class from everything concept search found (``class_votes``).
PLACE_WEIGHTS = (("in its name", 1.0), ("in its tags", 0.8), ("", 0.6))
SUBCLASS_VOTE = 0.5
SPELL_VOTE = 0.15
SPELL_VOTERS = 6
SPELL_VOTE_FLOOR = 0.4
# Classes that suit a background when the concept does not choose one.
BACKGROUND_AFFINITY: dict[str, tuple[ClassId, ...]] = {
    "background/acolyte": (ClassId.CLERIC, ClassId.PALADIN, ClassId.MONK, ClassId.DRUID),
    "background/criminal": (ClassId.ROGUE, ClassId.WARLOCK, ClassId.BARD),
    "background/sage": (ClassId.WIZARD, ClassId.SORCERER, ClassId.DRUID, ClassId.MONK),
    "background/soldier": (ClassId.FIGHTER, ClassId.BARBARIAN, ClassId.PALADIN, ClassId.RANGER),
}
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


@dataclass(frozen=True)
class Constraints:
    class_slug: str | None = None
    species_slug: str | None = None
    background_slug: str | None = None
    method: str = "standard-array"
    max_proposals: int = MAX_PROPOSALS


@dataclass(frozen=True)
class Concept:
    text: str
    level: int
    options: Mapping[str, Sequence[Option]]
    words: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", frozenset(_WORD.findall(self.text.lower())))

    def ranked(self, kind: str) -> list[Option]:
        return list(self.options.get(kind, ()))

    def mentions(self, vocabulary: frozenset[str]) -> list[str]:
        return sorted(self.words & vocabulary)


def _because(option: Option) -> str:
    why = "; ".join(option.reasons[:2]) if option.reasons else f"score {option.score:.2f}"
    return f"concept search ranks {option.name} first for this concept ({why})"


# -- class, species, lineage, background -----------------------------------------------------


def _classes(
    concept: Concept, facts: CatalogFacts, constraints: Constraints
) -> list[tuple[str, Reason, float]]:
    if constraints.class_slug:
        name = facts.classes[constraints.class_slug].name
        return [
            (
                constraints.class_slug,
                Reason("class", name, "asked for", constraints.class_slug),
                1.0,
            )
        ]
    votes = class_votes(concept, facts)
    if not votes:
        fighter = "class/fighter"
        why = "nothing in the catalog points at a class; a Fighter fits any story"
        return [(fighter, Reason("class", "Fighter", why, fighter), 0.0)]
    ranked = sorted(votes.items(), key=lambda item: (-item[1].total, item[0]))
    chosen = []
    best_total = ranked[0][1].total
    for slug, vote in ranked[:2]:
        if vote.total < ALTERNATIVE_SHARE * best_total:
            break
        name = facts.classes[slug].name
        chosen.append((slug, Reason("class", name, vote.because(name), slug), vote.total))
    return chosen


def _where(option: Option) -> float:
    """How much a match counts by where the catalog found the concept's words: an entry named
    by the concept beats one whose tags or description merely mention them."""
    return max(
        next(weight for place, weight in PLACE_WEIGHTS if place in reason)
        for reason in option.reasons or ("",)
    )


@dataclass
class ClassVote:
    """Everything in concept search that points at one class."""

    total: float = 0.0
    evidence: list[str] = field(default_factory=list)

    def add(self, amount: float, what: str) -> None:
        self.total += amount
        self.evidence.append(what)

    def because(self, name: str) -> str:
        return f"concept search points at {name}: " + "; ".join(self.evidence[:3])


def class_votes(concept: Concept, facts: CatalogFacts) -> dict[str, ClassVote]:
    """Class options, their subclasses' options (half weight) and the class lists of the
    best-fitting spells (a little each): the class most of the catalog agrees on wins."""
    votes: dict[str, ClassVote] = {}

    def vote(slug: str, amount: float, what: str) -> None:
        if slug in facts.classes and amount > 0:
            votes.setdefault(slug, ClassVote()).add(amount, what)

    for option in concept.ranked("class"):
        why = option.reasons[0] if option.reasons else option.name
        vote(option.slug, option.score * _where(option), f"{option.name}: {why}")
    by_subclass = {slug: cls for cls, (slug, _name) in facts.subclasses.items()}
    for option in concept.ranked("subclass"):
        if option.slug in by_subclass:
            why = option.reasons[0] if option.reasons else option.name
            amount = SUBCLASS_VOTE * option.score * _where(option)
            vote(by_subclass[option.slug], amount, f"its subclass {option.name}: {why}")
    spells = {s.slug: s for s in facts.spells}
    for option in concept.ranked("spell")[:SPELL_VOTERS]:
        spell = spells.get(option.slug)
        if spell is None or option.score < SPELL_VOTE_FLOOR or not spell.classes:
            continue
        share = SPELL_VOTE * option.score * _where(option) / len(spell.classes)
        for listed in sorted(spell.classes):
            vote(f"class/{listed}", share, f"{option.name} is on its spell list")
    return votes


SpeciesPick = tuple[str, Reason, float, "Adaptation | None"]


def species_choice(facts: CatalogFacts, slug: str, because: str) -> SpeciesPick:
    """A species chosen outright (a constraint, a model's answer)."""
    return slug, Reason("species", facts.species[slug].name, because, slug), 1.0, None


def _species(concept: Concept, facts: CatalogFacts, constraints: Constraints) -> SpeciesPick:
    if constraints.species_slug:
        return species_choice(facts, constraints.species_slug, "asked for")
    picks = [o for o in concept.ranked("species") if o.slug in facts.species]
    named = [
        o for o in picks if bare(o.slug) in concept.words or o.name.lower() in concept.text.lower()
    ]
    for word in sorted(concept.words & tables.SPECIES_WORDS.keys()):
        slug = tables.SPECIES_WORDS[word]
        if slug in facts.species and slug not in {o.slug for o in named}:
            because = (f'"{word}" names a {facts.species[slug].name}',)
            named.append(Option("species", slug, facts.species[slug].name, 1.0, because))
    if named:
        best = named[0]
        return (
            best.slug,
            Reason("species", best.name, _because(best), best.slug, (bare(best.slug),)),
            best.score,
            None,
        )
    beings = [w for w in _WORD.findall(concept.text.lower()) if w in tables.RESKINNED_SPECIES]
    if beings:
        slug, note = tables.RESKINNED_SPECIES[beings[-1]]
        name = facts.species[slug].name
        being = " ".join(beings).title()
        adaptation = Adaptation(
            "species",
            AdaptationKind.RESKIN,
            being,
            f"The SRD has no {being.lower()} species: a {name} reskinned as one ({note}); "
            f"adaptEntry on {slug} makes the reskin.",
            slug,
        )
        why = f'"{being.lower()}" has no SRD species; {note}'
        reason = Reason("species", f"{name} (as {being})", why, slug, tuple(beings))
        return slug, reason, 0.5, adaptation
    if picks and picks[0].score >= STRONG_SPECIES:
        best = picks[0]
        return best.slug, Reason("species", best.name, _because(best), best.slug), best.score, None
    human = "species/human"
    return (
        human,
        Reason(
            "species",
            "Human",
            "the concept names no species; Humans fit any story (Resourceful, Skillful, Versatile)",
            human,
        ),
        0.0,
        None,
    )


def _lineage(concept: Concept, species: str) -> tuple[str | None, Reason | None]:
    kind = bare(species)
    if kind not in LINEAGES:
        return None, None
    if kind == "dragonborn":
        for damage, vocabulary in tables.DAMAGE_WORDS.items():
            said = concept.mentions(vocabulary)
            colors = [
                c
                for c, info in LINEAGES[kind].items()
                if info.resistance and info.resistance.value == damage
            ]
            # The chromatic dragons are the best-known ancestors of each damage type.
            classic = [c for c in colors if c in tables.CLASSIC_DRAGONS]
            color = next(iter(classic or colors), None)
            if said and color:
                return color, Reason(
                    "lineage",
                    f"{color.title()} dragon ancestry",
                    f"{', '.join(said)}: a {damage} breath and resistance",
                    None,
                    tuple(said),
                )
    for lineage, vocabulary in tables.LINEAGE_WORDS.get(kind, {}).items():
        said = concept.mentions(vocabulary)
        if said:
            name = LINEAGES[kind][lineage].name
            return lineage, Reason(
                "lineage", name, f"{', '.join(said)} suits the {name}", None, tuple(said)
            )
    default = tables.DEFAULT_LINEAGE[kind]
    return default, Reason(
        "lineage",
        LINEAGES[kind][default].name,
        "the concept does not choose a lineage; the most common one",
        None,
    )


def _wants_spells(concept: Concept) -> list[str]:
    every = frozenset().union(*tables.DAMAGE_WORDS.values()) | {
        "magic",
        "spell",
        "spells",
        "wielding",
        "mage",
    }
    return concept.mentions(every)


def _background(
    concept: Concept,
    facts: CatalogFacts,
    cid: ClassId,
    constraints: Constraints,
    spell_words: Sequence[str],
) -> tuple[BackgroundFacts, Reason, float]:
    if constraints.background_slug:
        chosen = next(b for b in facts.backgrounds if b.slug == constraints.background_slug)
        return chosen, Reason("background", chosen.name, "asked for", chosen.slug), 1.0
    scores = {o.slug: o for o in concept.ranked("background")}
    priority = tables.ABILITY_PRIORITY[cid][:2]
    non_caster = CLASSES[cid].spellcasting_ability is None

    def rank(background: BackgroundFacts) -> tuple[float, str]:
        option = scores.get(background.slug)
        named = background.name.lower() in concept.words
        value = (option.score if option else 0.0) + (1.0 if named else 0.0)
        value += 0.15 * (cid in BACKGROUND_AFFINITY.get(background.slug, ()))
        value += 0.05 * sum(a in background.abilities for a in priority)
        if non_caster and spell_words and background.spell_list:
            value += 0.5  # Magic Initiate gives the spells the concept asks for
        return value, background.slug

    best = max(facts.backgrounds, key=rank)
    option = scores.get(best.slug)
    if non_caster and spell_words and best.spell_list:
        why = (
            f"{', '.join(spell_words)} asks for magic a {CLASSES[cid].name} lacks: "
            f"its {best.feat_name} feat gives {best.spell_list.title()} spells"
        )
    elif option is not None and option.score > 0.2:
        why = _because(option)
    else:
        raised = ", ".join(a.value.upper() for a in best.abilities)
        why = f"it suits a {CLASSES[cid].name} ({raised} and {best.feat_name})"
    return best, Reason("background", best.name, why, best.slug), option.score if option else 0.0


# -- abilities, skills, gear, spells ---------------------------------------------------------


def _priority(concept: Concept, cid: ClassId) -> tuple[tuple[Ability, ...], Reason]:
    priority = tables.ABILITY_PRIORITY[cid]
    nimble = concept.mentions(tables.NIMBLE_WORDS)
    if (
        cid in {ClassId.FIGHTER, ClassId.BARBARIAN, ClassId.PALADIN}
        and nimble
        and cid is ClassId.FIGHTER
    ):
        priority = tables.DEX_FIGHTER
    order = ", ".join(a.value.upper() for a in priority[:3])
    why = f"a {CLASSES[cid].name} leans on {order}" + (
        f" ({', '.join(nimble)})" if priority is tables.DEX_FIGHTER else ""
    )
    return priority, Reason("abilities", order, why)


def _skills(
    concept: Concept, facts: CatalogFacts, class_slug: str, background: BackgroundFacts
) -> tuple[tuple[Skill, ...], Reason]:
    info = facts.classes[class_slug]
    cid = ClassId(bare(class_slug))
    preferred = tables.PREFERRED_SKILLS.get(cid, ())
    options = list(info.skill_options) or [*preferred, *(s for s in Skill if s not in preferred)]
    options = [s for s in options if s not in background.skills]
    scored = sorted(
        options, key=lambda s: (-len(concept.words & tables.SKILL_WORDS[s]), options.index(s))
    )
    chosen = tuple(scored[: info.skill_count])
    said = sorted({w for s in chosen for w in concept.words & tables.SKILL_WORDS[s]})
    why = (
        f"{info.name} skill choices"
        + (f" that answer {', '.join(said)}" if said else "")
        + f"; {background.name} adds {', '.join(s.value for s in background.skills)}"
    )
    return chosen, Reason("skills", ", ".join(s.value for s in chosen), why, None, tuple(said))


def _trained(cid: ClassId, ref: str) -> bool:
    item = catalog_item(ref)
    training = CLASSES[cid].starting_training
    if item.weapon is not None:
        return item.weapon.category in training.weapons or bool(
            set(item.weapon.properties) & training.martial_with
        )
    if item.armor is not None:
        return item.armor.category in training.armor
    return training.shields


def _equipment(
    concept: Concept, cid: ClassId, priority: Sequence[Ability]
) -> tuple[tuple[dict[str, object], ...], list[Reason], list[Adaptation]]:
    gear = list(tables.DEX_FIGHTER_GEAR if priority is tables.DEX_FIGHTER else tables.GEAR[cid])
    reasons: list[Reason] = []
    adaptations: list[Adaptation] = []
    for option in concept.ranked("equipment")[:3]:
        ref = f"{'armor' if 'armor' in option.slug else 'weapon'}/{bare(option.slug)}"
        try:
            item = catalog_item(ref)
        except (KeyError, ValueError):
            continue
        if not _trained(cid, ref) or ref in gear or option.score < 0.3:
            continue
        same_kind = [
            g
            for g in gear
            if (catalog_item(g).weapon is None) == (item.weapon is None) and g != "shield"
        ]
        if (
            item.weapon is not None and item.weapon.two_handed
            if hasattr(item.weapon, "two_handed")
            else False
        ):
            gear = [g for g in gear if g != "shield"]
        if same_kind:
            gear[gear.index(same_kind[0])] = ref
        reasons.append(Reason("equipment", option.name, _because(option), option.slug))
        break
    items: list[dict[str, object]] = [{"ref": ref, "equipped": True} for ref in gear]
    text = concept.text.lower()
    for phrase, (ref, name) in tables.RESKINNED_WEAPONS.items():
        if re.search(rf"\b{phrase}\b", text) and _trained(cid, ref):
            items.insert(0, {"ref": ref, "name": name, "equipped": True})
            adaptations.append(
                Adaptation(
                    "equipment",
                    AdaptationKind.RESKIN,
                    name,
                    f"played as a {bare(ref).replace('-', ' ')} (same statistics)",
                    f"equipment/{bare(ref)}",
                )
            )
            reasons.append(
                Reason(
                    "equipment",
                    name,
                    f'"{phrase}": an SRD {bare(ref)} under another name',
                    f"equipment/{bare(ref)}",
                    (phrase,),
                )
            )
            break
    armor = [i for i in items if str(i["ref"]).startswith("armor/")]
    for extra in armor[1:]:
        items.remove(extra)  # one suit of armor at a time
    return tuple(items), reasons, adaptations


def _spell_fit(concept: Concept, options: Mapping[str, Option], spell: SpellFacts) -> float:
    """How much a spell answers the concept: concept search's score, and its damage type."""
    fit = options[spell.slug].score if spell.slug in options else 0.0
    for damage in spell.damage_types:
        if concept.words & tables.DAMAGE_WORDS.get(damage, frozenset()):
            fit += 0.5
    return fit


def _spell_rank(
    concept: Concept, options: Mapping[str, Option], spell: SpellFacts
) -> tuple[float, int, str]:
    return -_spell_fit(concept, options, spell), spell.level, spell.slug


def _spells(
    concept: Concept, facts: CatalogFacts, cid: ClassId, level: int, background: BackgroundFacts
) -> tuple[tuple[str, ...], list[Reason]]:
    options = {o.slug: o for o in concept.ranked("spell")}
    cantrips, prepared, highest = spell_limits(cid, level)
    chosen: list[SpellFacts] = []
    reasons: list[Reason] = []

    def pick(pool: list[SpellFacts], count: int, source: str) -> None:
        ranked = sorted(
            (s for s in pool if s not in chosen), key=lambda s: _spell_rank(concept, options, s)
        )
        taken = ranked[:count]
        chosen.extend(taken)
        if taken:
            fitting = [s.name for s in taken if _spell_fit(concept, options, s) >= SPELL_FITS]
            why = f"{source}" + (f"; {', '.join(fitting)} answer the concept" if fitting else "")
            reasons.append(
                Reason(
                    "spells",
                    ", ".join(s.name for s in taken),
                    why,
                    None,
                    tuple(sorted(concept.words & frozenset().union(*tables.DAMAGE_WORDS.values()))),
                )
            )

    own = [s for s in facts.spells if cid.value in s.classes]
    pick(
        [s for s in own if s.level == 0],
        cantrips,
        f"{CLASSES[cid].name} cantrips ({cantrips} at level {level})",
    )
    pick(
        [s for s in own if 1 <= s.level <= highest],
        prepared,
        f"{CLASSES[cid].name} spells prepared ({prepared}, up to level {highest})",
    )
    if background.spell_list:
        listed = [s for s in facts.spells if background.spell_list in s.classes]
        source = (
            f"{background.feat_name} ({background.spell_list.title()}) "
            f"from the {background.name} background"
        )
        pick([s for s in listed if s.level == 0], 2, f"{source}: two cantrips")
        pick([s for s in listed if s.level == 1], 1, f"{source}: one level 1 spell")
    return tuple(s.slug for s in chosen), reasons


def _subclass(
    facts: CatalogFacts, class_slug: str, level: int, concept: Concept
) -> tuple[str | None, Reason | None]:
    cid = ClassId(bare(class_slug))
    if level < CLASSES[cid].subclass_level:
        return None, None
    for option in concept.ranked("subclass"):
        if facts.subclasses.get(class_slug, ("",))[0] == option.slug:
            return option.slug, Reason("subclass", option.name, _because(option), option.slug)
    known = facts.subclasses.get(class_slug)
    if known is None:
        return None, None
    return known[0], Reason(
        "subclass", known[1], f"the SRD's {CLASSES[cid].name} subclass", known[0]
    )


def _fighting_style(
    cid: ClassId, level: int, priority: Sequence[Ability]
) -> tuple[dict[str, object], ...]:
    start = tables.FIGHTING_STYLE.get(cid)
    if start is None or level < start:
        return ()
    style = "Archery" if priority[0] is Ability.DEX else "Defense"
    return ({"name": style, "source": "Fighting Style"},)


# -- the plan --------------------------------------------------------------------------------


def plan_one(
    concept: Concept,
    facts: CatalogFacts,
    constraints: Constraints,
    class_pick: tuple[str, Reason, float],
    species_pick: tuple[str, Reason, float, Adaptation | None],
) -> Proposal:
    class_slug, class_reason, class_score = class_pick
    species_slug, species_reason, species_score, species_adaptation = species_pick
    cid = ClassId(bare(class_slug))
    lineage, lineage_reason = _lineage(concept, species_slug)
    spell_words = _wants_spells(concept)
    background, background_reason, background_score = _background(
        concept, facts, cid, constraints, spell_words
    )
    priority, ability_reason = _priority(concept, cid)
    skills, skill_reason = _skills(concept, facts, class_slug, background)
    equipment, gear_reasons, gear_adaptations = _equipment(concept, cid, priority)
    spells, spell_reasons = _spells(concept, facts, cid, concept.level, background)
    subclass, subclass_reason = _subclass(facts, class_slug, concept.level, concept)
    reasons = [
        class_reason,
        species_reason,
        lineage_reason,
        background_reason,
        subclass_reason,
        ability_reason,
        skill_reason,
        *gear_reasons,
        *spell_reasons,
    ]
    choices = Choices(
        class_slug=class_slug,
        species_slug=species_slug,
        background_slug=background.slug,
        level=concept.level,
        lineage=lineage,
        subclass_slug=subclass,
        ability_priority=priority,
        method=constraints.method,
        skills=skills,
        spells=spells,
        equipment=equipment,
        feats=_fighting_style(cid, concept.level, priority),
        name=f"{species_reason.choice} {facts.classes[class_slug].name}",
        reasons=tuple(r for r in reasons if r is not None),
        adaptations=tuple(a for a in (species_adaptation, *gear_adaptations) if a is not None),
    )
    return assemble(facts, choices, fit=class_score + species_score + background_score)


def plan(
    concept: Concept, facts: CatalogFacts, constraints: Constraints = Constraints()
) -> list[Proposal]:
    """Up to ``constraints.max_proposals`` proposals, best first, each checked by rules/."""
    classes = _classes(concept, facts, constraints)
    species = _species(concept, facts, constraints)
    proposals = [plan_one(concept, facts, constraints, pick, species) for pick in classes]
    if not constraints.species_slug and not species[1].words:  # the concept named none
        others = [
            o for o in concept.ranked("species") if o.slug in facts.species and o.slug != species[0]
        ]
        if others and others[0].score >= STRONG_SPECIES:
            other = others[0]
            alternative = (
                other.slug,
                Reason("species", other.name, f"another fit: {_because(other)}", other.slug),
                other.score,
                None,
            )
            proposals.append(plan_one(concept, facts, constraints, classes[0], alternative))
    unique: list[Proposal] = []
    for proposal in proposals:
        if proposal.document not in [p.document for p in unique]:
            unique.append(proposal)
    return unique[: constraints.max_proposals]
