"""The ``buildFromConcept`` use case: a concept (and a level, and constraints) in, proposals out,
each a complete rules-format character that ``rules.validate`` accepts, kept as a generation.

The catalog is asked through the router (``facts.RouterFacts``): concept search for what fits,
and the SRD's classes, backgrounds, species and spells for what is legal. The offline planner
always proposes; with a model configured, the model's proposals (repaired from the rules'
errors, or dropped) come first.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from infra.db.unit_of_work import UnitOfWork
from subgraphs.kit.hub import HubError
from subgraphs.kit.idempotency import check_idempotency_key, create_once
from subgraphs.kit.outcomes import Problem, Rejected
from subgraphs.llm import services
from subgraphs.llm.builds import model as model_builds
from subgraphs.llm.builds.choices import Proposal
from subgraphs.llm.builds.facts import CatalogFacts, Option
from subgraphs.llm.builds.planner import Concept, Constraints, plan
from subgraphs.llm.builds.present import proposal_json, summary_text
from subgraphs.llm.catalog import ConsideredEntry, Consultation, ConsultationStatus
from subgraphs.llm.generator import Completion
from subgraphs.llm.models import GenerationRow, Purpose
from subgraphs.llm.pipeline import Generating
from subgraphs.llm.repository import GenerationRepository
from subgraphs.llm.tokens import count_tokens

MAX_CONCEPT_CHARS = 500  # what concept search accepts
PLANNER_MODEL = "concept-planner-v1"
METHODS = ("standard-array", "point-buy")


class FactsSource(Protocol):
    async def facts(self) -> CatalogFacts: ...

    async def concept(self, concept: str, first: int = 8) -> dict[str, list[Option]]: ...


@dataclass(frozen=True)
class BuildRequest:
    concept: str
    level: int = 1
    class_name: str | None = None
    species: str | None = None
    background: str | None = None
    method: str = "standard-array"
    max_proposals: int = 3
    idempotency_key: str | None = None


def _find(
    names: dict[str, str], wanted: str | None, path: str, what: str
) -> tuple[str | None, list[Problem]]:
    """A constraint by name or slug ("Monk", "monk", "class/monk") -> the catalog slug."""
    if wanted is None or not wanted.strip():
        return None, []
    key = wanted.strip().lower()
    for slug, name in names.items():
        if key in {slug.lower(), slug.split("/")[-1].lower(), name.lower()}:
            return slug, []
    known = ", ".join(sorted(names.values()))
    problem = Problem(
        ("input", "constraints", path),
        f"UNKNOWN_{what.upper()}",
        f"No {what} {wanted!r}; one of {known}.",
    )
    return None, [problem]


def _constraints(request: BuildRequest, facts: CatalogFacts) -> Constraints:
    problems: list[Problem] = []
    class_slug, found = _find(
        {s: c.name for s, c in facts.classes.items()}, request.class_name, "className", "class"
    )
    problems += found
    species_slug, found = _find(
        {s: f.name for s, f in facts.species.items()}, request.species, "species", "species"
    )
    problems += found
    background_slug, found = _find(
        {b.slug: b.name for b in facts.backgrounds}, request.background, "background", "background"
    )
    problems += found
    if problems:
        raise Rejected(*problems)
    return Constraints(
        class_slug, species_slug, background_slug, request.method, request.max_proposals
    )


def _check(request: BuildRequest) -> str:
    concept = request.concept.strip()
    problems = services.check_text(
        concept, ("input", "concept"), limit=MAX_CONCEPT_CHARS, code="CONCEPT"
    )
    if not 1 <= request.level <= 20:
        problems.append(
            Problem(("input", "level"), "LEVEL_OUT_OF_RANGE", "level must be from 1 to 20.")
        )
    if not 1 <= request.max_proposals <= 3:
        problems.append(
            Problem(
                ("input", "constraints", "maxProposals"),
                "MAX_PROPOSALS_OUT_OF_RANGE",
                "maxProposals must be from 1 to 3.",
            )
        )
    if request.method not in METHODS:
        problems.append(
            Problem(
                ("input", "constraints", "abilityMethod"),
                "UNKNOWN_METHOD",
                "Use STANDARD_ARRAY or POINT_BUY.",
            )
        )
    problems += check_idempotency_key(request.idempotency_key)
    if problems:
        raise Rejected(*problems)
    return concept


def _consultation(options: dict[str, list[Option]]) -> Consultation:
    entries = [
        ConsideredEntry(o.kind, o.slug, o.name, o.score)
        for kind in ("class", "species", "background", "subclass", "spell", "feat", "equipment")
        for o in options.get(kind, [])[:2]
    ]
    return Consultation(ConsultationStatus.CONSULTED, tuple(entries[:10]))


async def build_from_concept(
    uow: UnitOfWork,
    generating: Generating,
    source: FactsSource | None,
    owner_id: uuid.UUID,
    request: BuildRequest,
) -> GenerationRow:
    concept_text = _check(request)
    if source is None:
        raise Rejected(
            Problem(
                ("input",),
                "CATALOG_UNAVAILABLE",
                "Building needs the catalog, and this llm service has no router to reach it.",
            )
        )

    async def build_and_save() -> GenerationRow:
        await generating.admit(uow, owner_id, Purpose.BUILD_PROPOSALS.value)
        try:
            facts = await source.facts()
            options = await source.concept(concept_text)
        except HubError as exc:
            raise Rejected(
                Problem(("input",), "CATALOG_UNAVAILABLE", f"The catalog could not be asked: {exc}")
            ) from None
        constraints = _constraints(request, facts)
        concept = Concept(concept_text, request.level, options)
        planned = plan(concept, facts, constraints)
        modelled, completion = await model_builds.propose(generating, facts, concept, constraints)
        proposals = _best(modelled, planned, constraints.max_proposals)
        inputs: dict[str, Any] = {
            "concept": concept_text,
            "level": request.level,
            "constraints": {
                "class": constraints.class_slug,
                "species": constraints.species_slug,
                "background": constraints.background_slug,
                "method": constraints.method,
            },
        }
        order = services.Order(
            Purpose.BUILD_PROPOSALS, inputs, concept_text, None, request.idempotency_key
        )
        text = summary_text(proposals)
        answered = completion or Completion(
            text="",
            provider="offline",
            model=PLANNER_MODEL,
            prompt_tokens=count_tokens(concept_text),
            completion_tokens=0,
        )
        final = Completion(
            text=text,
            provider=answered.provider,
            model=answered.model,
            prompt_tokens=answered.prompt_tokens,
            completion_tokens=answered.completion_tokens if completion else count_tokens(text),
            data={"proposals": [proposal_json(p) for p in proposals]},
            attempts=answered.attempts,
            cached=answered.cached,
        )
        row = services.new_row(owner_id, order, _consultation(options), final)
        await services.save(uow, row, final)
        return row

    return await create_once(
        uow, GenerationRepository, owner_id, request.idempotency_key, build_and_save
    )


def _best(modelled: Sequence[Proposal], planned: Sequence[Proposal], limit: int) -> list[Proposal]:
    """Valid proposals only: the model's first (they read the concept), then the planner's."""
    chosen: list[Proposal] = []
    for proposal in [*modelled, *planned]:
        if proposal.valid and proposal.document not in [p.document for p in chosen]:
            chosen.append(proposal)
    return chosen[:limit]
