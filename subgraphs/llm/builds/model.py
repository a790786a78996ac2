"""With a model configured, the model proposes and the rules dispose.

The model reads the concept, what concept search offered and the legal options (as enums of
its JSON Schema) and answers with choices: class, species, lineage, background, subclass,
skills and spells. The planner's tables fill in the mechanics (scores, improvements, gear), the
rules check the whole; when they find problems, the model gets the errors and answers again,
at most ``REPAIR_ROUNDS`` times; a proposal still invalid then is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from rules.enums import DamageType, Skill
from subgraphs.llm.builds.assemble import assemble, bare
from subgraphs.llm.builds.choices import Choices, Proposal, Reason
from subgraphs.llm.builds.facts import CatalogFacts
from subgraphs.llm.builds.homebrew import signature_weapon
from subgraphs.llm.builds.planner import Concept, Constraints, plan_one, species_choice
from subgraphs.llm.generator import Completion, Message, TextGenerationFailed
from subgraphs.llm.pipeline import Generating
from subgraphs.llm.purposes.base import Inputs, OfflineAnswer, Purpose, strict_object

REPAIR_ROUNDS = 2
DAMAGE_TYPES = [damage.value for damage in DamageType]


def render(inputs: Inputs) -> str:
    return "\n".join(
        [
            f"Concept: {inputs['concept']}",
            f"Level: {inputs['level']}",
            "What the catalog offers for it (reuse these first):",
            *(f"- {line}" for line in inputs["offered"]),
            *([f"Constraints: {inputs['constraints']}"] if inputs.get("constraints") else []),
            "Propose up to three builds that realise the concept, each with reasons that name "
            "the concept's words.",
        ]
    )


def offline(inputs: Inputs, references: Sequence[str]) -> OfflineAnswer:
    return "[Offline: the concept planner builds without a model.]", {"proposals": []}


BUILD = Purpose(
    "BUILD_PROPOSALS",
    "Turn a character concept into legal D&D 2024 builds. Choose only among the options the "
    "schema allows; the rules engine checks every build and tells you what to fix.",
    render,
    offline,
    max_tokens=1500,
    temperature=0.4,
)


def schema(facts: CatalogFacts) -> dict[str, Any]:
    lineages = sorted({bare(slug) for s in facts.species.values() for slug, _ in s.lineages})
    reason = strict_object(
        {"part": {"type": "string"}, "choice": {"type": "string"}, "because": {"type": "string"}}
    )
    build = strict_object(
        {
            "class": {"type": "string", "enum": sorted(facts.classes)},
            "species": {"type": "string", "enum": sorted(facts.species)},
            "lineage": {"type": ["string", "null"], "enum": [*lineages, None]},
            "background": {"type": "string", "enum": sorted(b.slug for b in facts.backgrounds)},
            "skills": {
                "type": "array",
                "items": {"type": "string", "enum": [s.value for s in Skill]},
            },
            "spells": {"type": "array", "items": {"type": "string"}, "maxItems": 30},
            "reasons": {"type": "array", "items": reason, "maxItems": 12},
            "name": {"type": "string"},
            # Something the SRD lacks that the concept needs; null when the SRD has it all.
            "signature_weapon": {
                "anyOf": [
                    {"type": "null"},
                    strict_object(
                        {
                            "name": {"type": "string"},
                            "category": {"type": "string", "enum": ["simple", "martial"]},
                            "damage_dice": {"type": "string"},
                            "damage_type": {"type": "string", "enum": DAMAGE_TYPES},
                            "ranged": {"type": "boolean"},
                        }
                    ),
                ]
            },
        }
    )
    return strict_object(
        {"proposals": {"type": "array", "items": build, "minItems": 1, "maxItems": 3}}
    )


def _lineage(species: str, lineage: str | None) -> str | None:
    """The catalog's lineage slug ("draconic-ancestor-red") as rules/ spells it ("red")."""
    if lineage is None:
        return None
    for prefix in ("draconic-ancestor-", "elven-lineage-", "gnomish-lineage-", "fiendish-legacy-"):
        lineage = lineage.removeprefix(prefix)
    giant = {
        "clouds-jaunt": "cloud",
        "fires-burn": "fire",
        "frosts-chill": "frost",
        "hills-tumble": "hill",
        "stones-endurance": "stone",
        "storms-thunder": "storm",
    }
    return giant.get(lineage.removeprefix("giant-ancestry-"), lineage)  # fmt: skip


def _choices(
    answer: Mapping[str, Any], concept: Concept, facts: CatalogFacts, constraints: Constraints
) -> Choices:
    """The model's identity choices with the planner's mechanics around them."""
    class_slug, species_slug = str(answer["class"]), str(answer["species"])
    class_reason = Reason("class", facts.classes[class_slug].name, "the model's choice", class_slug)
    species = species_choice(facts, species_slug, "the model's choice")
    planned = plan_one(
        concept,
        facts,
        replace(constraints, background_slug=str(answer["background"])),
        (class_slug, class_reason, 1.0),
        species,
    ).choices
    reasons = tuple(
        Reason(str(r["part"]), str(r["choice"]), str(r["because"])) for r in answer["reasons"]
    )
    equipment, adaptations = planned.equipment, planned.adaptations
    if answer.get("signature_weapon"):
        item, adaptation = signature_weapon(answer["signature_weapon"])
        equipment, adaptations = (item, *equipment), (*adaptations, adaptation)
    return replace(
        planned,
        lineage=_lineage(species_slug, answer["lineage"]) if answer["lineage"] else planned.lineage,
        skills=tuple(Skill(s) for s in answer["skills"]) or planned.skills,
        spells=tuple(answer["spells"]) or planned.spells,
        name=str(answer["name"]) or planned.name,
        equipment=equipment,
        adaptations=adaptations,
        # The model's words, then the planner's for the parts the model did not explain.
        reasons=reasons
        + tuple(r for r in planned.reasons if r.part not in {m.part for m in reasons}),
    )


def _offered(concept: Concept) -> list[str]:
    return [
        f"{kind}: " + ", ".join(f"{o.name} ({o.slug})" for o in options[:4])
        for kind, options in concept.options.items()
        if options
    ]


async def propose(
    generating: Generating, facts: CatalogFacts, concept: Concept, constraints: Constraints
) -> tuple[list[Proposal], Completion | None]:
    """The model's valid proposals (none without a model), and the completion that made them."""
    if all(step == "offline" for step in generating.route(BUILD.name)):
        return [], None
    inputs = {
        "concept": concept.text,
        "level": concept.level,
        "offered": _offered(concept),
        "constraints": {k: v for k, v in vars(constraints).items() if v and k != "max_proposals"},
    }
    request = replace(BUILD.request(inputs), schema=schema(facts))
    history = list(request.messages)
    kept: list[Proposal] = []
    completion: Completion | None = None
    for round_number in range(REPAIR_ROUNDS + 1):
        try:
            completion = await generating.complete(replace(request, messages=tuple(history)))
        except TextGenerationFailed:
            break
        if completion.provider == "offline" or not isinstance(completion.data, dict):
            break
        source = f"model:{completion.provider}:{completion.model}"
        proposals: list[Proposal | None] = []
        for answer in completion.data["proposals"]:
            try:
                choices = _choices(answer, concept, facts, constraints)
            except (KeyError, ValueError) as exc:
                proposals.append(None)
                history_note = f"a proposal used an unknown option: {exc}"
                history.append(Message("user", history_note))
                continue
            proposals.append(assemble(facts, choices, fit=1.0, source=source))
        kept += [replace(p, repairs=round_number) for p in proposals if p is not None and p.valid]
        broken = [p for p in proposals if p is not None and not p.valid]
        if not broken or round_number == REPAIR_ROUNDS:
            break
        errors = [
            f"Proposal {n + 1}: " + "; ".join(f"{e.path}: {e.message}" for e in p.problems)
            for n, p in enumerate(broken)
        ]
        history += [
            Message("assistant", completion.text),
            Message(
                "user",
                "The rules engine rejected these proposals:\n"
                + "\n".join(errors)
                + "\nAnswer again with those proposals fixed (leave out the ones already legal).",
            ),
        ]
    return kept, completion
