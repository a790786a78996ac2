"""Reuse first: before generating, ask the catalog (through the router) what already exists.

The llm service never calls the catalog subgraph itself; it sends ``conceptSearch`` to the router
with a service token of its own (``subgraphs.kit.hub``), like any client. The entries the catalog
offers are recorded with the generation, so a player sees which SRD spells, classes or species
fit the idea before reaching for invented ones.

The lookup never stops a generation. Its outcome is one of:

* ``CONSULTED``: the catalog answered (possibly with nothing that fits);
* ``NOT_CONSULTED``: no router is configured for this service (e.g. a test, or a deployment
  without service credentials), or the generation predates the lookup;
* ``UNAVAILABLE``: the router, the catalog or the token endpoint failed; the reason is logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from subgraphs.kit.hub import HubError, HubErrors, RouterClient

log = logging.getLogger("dndcreator.llm.catalog")

CONCEPT_SEARCH = """
query LlmReuseFirst($concept: String!, $first: Int!) {
  conceptSearch(concept: $concept, first: $first) {
    kinds { kind options { kind slug name score } }
  }
}"""
MAX_CONCEPT_CHARS = 500  # what conceptSearch accepts
OPTIONS_PER_KIND = 3
MAX_ENTRIES = 10


class ConsultationStatus(StrEnum):
    CONSULTED = "CONSULTED"
    NOT_CONSULTED = "NOT_CONSULTED"
    UNAVAILABLE = "UNAVAILABLE"


@dataclass(frozen=True)
class ConsideredEntry:
    kind: str
    slug: str
    name: str
    score: float

    @property
    def label(self) -> str:
        """How a generator is told about it: "Monk (class)"."""
        return f"{self.name} ({self.kind})"

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "slug": self.slug, "name": self.name, "score": self.score}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> ConsideredEntry:
        return cls(
            kind=str(value["kind"]),
            slug=str(value["slug"]),
            name=str(value["name"]),
            score=float(value["score"]),
        )


@dataclass(frozen=True)
class Consultation:
    status: ConsultationStatus
    entries: tuple[ConsideredEntry, ...] = ()


NOT_CONSULTED = Consultation(ConsultationStatus.NOT_CONSULTED)


class CatalogLookup(Protocol):
    async def consult(self, prompt: str) -> Consultation: ...


class NoCatalog:
    """No router configured: the generation goes ahead and says the catalog was not consulted."""

    async def consult(self, prompt: str) -> Consultation:
        return NOT_CONSULTED


def concept_of(prompt: str) -> str:
    """The prompt cut to what concept search accepts, at a word boundary."""
    if len(prompt) <= MAX_CONCEPT_CHARS:
        return prompt
    cut = prompt[: MAX_CONCEPT_CHARS + 1].rsplit(maxsplit=1)[0]
    return cut[:MAX_CONCEPT_CHARS]


def best_entries(data: dict[str, Any]) -> tuple[ConsideredEntry, ...]:
    """The best of every kind first, then every kind's second best, and so on, at most
    ``MAX_ENTRIES``. Scores rank options within a kind only, so kinds take turns: a concept
    gets a class, a species and a spell before it gets a fourth feature."""
    ranked = [
        [ConsideredEntry.from_json(option) for option in kind["options"]]
        for kind in data["conceptSearch"]["kinds"]
    ]
    depth = max((len(options) for options in ranked), default=0)
    taking_turns = [
        options[rank] for rank in range(depth) for options in ranked if rank < len(options)
    ]
    return tuple(taking_turns[:MAX_ENTRIES])


class RouterCatalog:
    """Concept search through the router, as the llm service."""

    def __init__(self, router: RouterClient) -> None:
        self.router = router

    async def consult(self, prompt: str) -> Consultation:
        variables = {"concept": concept_of(prompt), "first": OPTIONS_PER_KIND}
        try:
            data = await self.router.execute(CONCEPT_SEARCH, variables)
            return Consultation(ConsultationStatus.CONSULTED, best_entries(data))
        except HubErrors as exc:
            if set(exc.codes) == {"BAD_USER_INPUT"}:
                # The catalog read the prompt and found no word to search for ("???"): it was
                # consulted, and nothing in it fits.
                return Consultation(ConsultationStatus.CONSULTED)
            log.warning("catalog lookup failed, generating without it: %s", exc)
        except HubError as exc:
            log.warning("catalog lookup failed, generating without it: %s", exc)
        except (KeyError, TypeError, ValueError) as exc:  # an answer of an unexpected shape
            log.warning("catalog lookup answered oddly, generating without it: %r", exc)
        return Consultation(ConsultationStatus.UNAVAILABLE)
