"""Compose each case's subgraphs into a supergraph with the project's composer.

Supergraphs are composed in memory (composition is fast) with placeholder URLs; both the router
and Apollo Gateway are then pointed at the fake subgraph server through URL overrides.
"""

from __future__ import annotations

from schema.compose import Subgraph, compose
from tests.router.conformance.corpus import Case

PLACEHOLDER_BASE = "http://127.0.0.1:9"  # never contacted: overridden for both gateways


def subgraph_urls(case: Case, base_url: str) -> dict[str, str]:
    """Subgraph name -> its URL on the fake subgraph server at ``base_url``."""
    return {spec.name: f"{base_url}/{case.name}/{spec.name}" for spec in case.subgraphs}


_composed: dict[str, str] = {}


def supergraph_sdl(case: Case) -> str:
    """The case's composed supergraph; raises ``CompositionError`` for a broken case."""
    if case.name not in _composed:
        placeholders = subgraph_urls(case, PLACEHOLDER_BASE)
        _composed[case.name] = compose(
            [Subgraph(spec.name, placeholders[spec.name], spec.sdl) for spec in case.subgraphs])
    return _composed[case.name]
