"""Supergraph composition: Federation 2 subgraph SDLs in, one supergraph SDL out.

    from schema.compose import Subgraph, compose, CompositionError

    sdl = compose([Subgraph("character", "http://127.0.0.1:4001/graphql", character_sdl), ...])

The pipeline, one module per step:

1. ``parse``             SDL -> subgraph model (federation directives decoded, plumbing dropped)
2. ``validate_subgraph`` per-subgraph checks (@key/@requires/@provides/@external)
3. ``merge``             cross-subgraph merge and conflict checks -> supergraph model
4. ``validate_supergraph`` checks that need the merged model (auth behind @requires)
5. ``printer``           supergraph model -> SDL with link/join metadata

Every problem found along the way is collected; ``compose`` raises one ``CompositionError`` with
all of them (each naming its subgraphs and schema coordinates) instead of stopping at the first.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import GraphQLError, build_ast_schema, validate_schema
from graphql import parse as parse_graphql

from .errors import CompositionError, Issue, IssueCollector
from .merge import merge_subgraphs
from .parse import parse_subgraph
from .printer import print_supergraph
from .validate_subgraph import validate_subgraph
from .validate_supergraph import validate_supergraph

__all__ = ["CompositionError", "Issue", "Subgraph", "compose"]


@dataclass(frozen=True)
class Subgraph:
    """A subgraph to compose: its name (unique), the URL the router calls, and its SDL."""

    name: str
    url: str
    sdl: str


def compose(subgraphs: list[Subgraph]) -> str:
    """Compose subgraphs into a supergraph SDL, or raise ``CompositionError``."""
    issues = IssueCollector()
    _check_names(subgraphs, issues)
    issues.raise_if_any()
    parsed = []
    for subgraph in subgraphs:
        model = parse_subgraph(subgraph.name, subgraph.url, subgraph.sdl, issues)
        if model is not None:
            validate_subgraph(model, issues)
            parsed.append(model)
    issues.raise_if_any()
    supergraph = merge_subgraphs(parsed, issues)
    issues.raise_if_any()
    validate_supergraph(supergraph, parsed, issues)
    issues.raise_if_any()
    sdl = print_supergraph(supergraph)
    _check_is_valid_graphql(sdl, issues)
    issues.raise_if_any()
    return sdl


def _check_is_valid_graphql(sdl: str, issues: IssueCollector) -> None:
    """Safety net: never hand out a supergraph that GraphQL itself rejects.

    The checks above should catch every such case with a precise message; anything that still
    slips through is reported here rather than surfacing later as a router start-up failure.
    """
    try:
        problems = [
            error.message for error in validate_schema(build_ast_schema(parse_graphql(sdl)))
        ]
    except (GraphQLError, TypeError) as error:
        problems = [str(error)]
    for problem in problems:
        issues.add("INVALID_GRAPHQL", f"[supergraph] the composed schema is invalid: {problem}")


def _check_names(subgraphs: list[Subgraph], issues: IssueCollector) -> None:
    if not subgraphs:
        issues.add("INVALID_SUBGRAPH_NAME", "no subgraphs to compose")
    seen: set[str] = set()
    for subgraph in subgraphs:
        if not subgraph.name.strip():
            issues.add("INVALID_SUBGRAPH_NAME", "a subgraph has an empty name")
        elif subgraph.name in seen:
            issues.add(
                "INVALID_SUBGRAPH_NAME",
                f'subgraph name "{subgraph.name}" is used more than once',
                subgraphs=[subgraph.name],
            )
        seen.add(subgraph.name)
