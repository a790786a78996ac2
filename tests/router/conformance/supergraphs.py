"""Each case's supergraph: composed with the project's composer, or committed.

Supergraphs are composed in memory (composition is fast) with placeholder URLs; the router and
the references are then pointed at the fake subgraph server through URL overrides. A case that
says ``composer: guild`` (one that the project's composer does not accept, such as generated
cases with ``@requires`` on fields with arguments) uses the supergraph The Guild's composer
wrote, committed beside it by ``generate_expected.py``.
"""

from __future__ import annotations

from schema.compose import Subgraph, compose
from tests.router.conformance.corpus import Case

PLACEHOLDER_BASE = "http://127.0.0.1:9"  # never contacted: overridden for both gateways


def subgraph_urls(case: Case, base_url: str) -> dict[str, str]:
    """Subgraph name -> its URL on the fake subgraph server at ``base_url``."""
    return {spec.name: f"{base_url}/{case.name}/{spec.name}" for spec in case.subgraphs}


_composed: dict[str, str] = {}


def composition_input(case: Case) -> list[dict[str, str]]:
    """The case's subgraphs as composers take them, with placeholder URLs."""
    placeholders = subgraph_urls(case, PLACEHOLDER_BASE)
    return [{"name": s.name, "url": placeholders[s.name], "sdl": s.sdl} for s in case.subgraphs]


def supergraph_sdl(case: Case) -> str:
    """The case's supergraph; raises ``CompositionError`` for a broken case (and
    ``FileNotFoundError`` for a ``composer: guild`` case never generated)."""
    if case.name not in _composed:
        if case.composer == "guild":
            _composed[case.name] = case.supergraph_path.read_text()
        else:
            _composed[case.name] = compose(
                [Subgraph(s["name"], s["url"], s["sdl"]) for s in composition_input(case)])
    return _composed[case.name]
