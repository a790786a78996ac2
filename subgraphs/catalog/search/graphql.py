"""GraphQL types and resolvers of catalog search (wired into the catalog's ``Query``).

Both fields are public, like all SRD content. Bad input (no words to search for, ``first`` out of
range, an unknown kind, a foreign cursor) is a ``BAD_USER_INPUT`` error naming the argument; a
search backend that is down is ``SERVICE_UNAVAILABLE``.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from infra.search.embedding.port import EmbeddingError
from infra.search.port import SearchError, SearchHit
from subgraphs.catalog.search.service import (
    MAX_FIRST,
    MAX_PER_KIND,
    KindOptions,
    SearchInputError,
)
from subgraphs.catalog.search.setup import catalog_search
from subgraphs.kit.context import Context
from subgraphs.kit.errors import ErrorCode
from subgraphs.kit.relay import Edge, PageInfo

log = logging.getLogger("dndcreator.catalog.search")

ContextInfo = Info[Context, Any]

Kinds = Annotated[
    list[str] | None,
    strawberry.argument(
        description='Only these kinds of entry, e.g. ["spell", "class"]; omit for every kind.'
    ),
]


@strawberry.type(description="Where a match sits in a highlighted fragment (character offsets).")
class TextSpan:
    start: int = strawberry.field(description="Offset of the match's first character.")
    end: int = strawberry.field(description="Offset just past its last character.")


@strawberry.type(description="A fragment of one field of an entry, with the matched words located.")
class SearchHighlight:
    field: str = strawberry.field(description='Which field: "name", "tags" or "text".')
    text: str = strawberry.field(description="The fragment, as plain text.")
    matches: list[TextSpan] = strawberry.field(description="The matched words in `text`.")

    @strawberry.field(description="The fragment with every match in **bold** (Markdown).")
    def markdown(self) -> str:
        out, position = [], 0
        for span in self.matches:
            out.append(self.text[position : span.start])
            out.append(f"**{self.text[span.start : span.end]}**")
            position = span.end
        out.append(self.text[position:])
        return "".join(out)


@strawberry.type(description="A catalog entry that matched a search.")
class CatalogSearchHit:
    kind: str = strawberry.field(description='The kind of entry, e.g. "spell" or "class".')
    slug: str = strawberry.field(description='Its stable key, e.g. "spell/fireball".')
    name: str = strawberry.field(description="Its name.")
    score: float = strawberry.field(description="Relevance, higher is better (this list only).")
    highlights: list[SearchHighlight] = strawberry.field(
        description="Fragments showing where the words matched."
    )

    @classmethod
    def from_hit(cls, hit: SearchHit) -> CatalogSearchHit:
        return cls(
            kind=hit.kind,
            slug=hit.slug,
            name=hit.name,
            score=round(hit.score, 6),
            highlights=[
                SearchHighlight(
                    field=h.field,
                    text=h.text,
                    matches=[TextSpan(start=s, end=e) for s, e in h.spans],
                )
                for h in hit.highlights
            ],
        )


@strawberry.type(description="A page of search results, best first.")
class CatalogSearchConnection:
    edges: list[Edge[CatalogSearchHit]] = strawberry.field(description="Hits with cursors.")
    page_info: PageInfo = strawberry.field(description="Whether more hits follow.")
    matched_all_words: bool = strawberry.field(
        description="True if every hit has all the words; false if none had, so these are "
        "the entries with some of them."
    )

    @strawberry.field(description="The hits, without cursors.")
    def nodes(self) -> list[CatalogSearchHit]:
        return [edge.node for edge in self.edges]


@strawberry.type(description="A catalog entry offered for a concept, with why it fits.")
class ConceptOption:
    kind: str = strawberry.field(description="The kind of entry.")
    slug: str = strawberry.field(description='Its stable key, e.g. "class/monk".')
    name: str = strawberry.field(description="Its name.")
    score: float = strawberry.field(description="How well it fits, 0 to 1 (this list only).")
    reasons: list[str] = strawberry.field(
        description="Which words of the concept it answers and where, e.g. "
        '"\\"dragons\\" ~ \\"draconic\\" (dragon) in its name".'
    )


@strawberry.type(description="The best options of one kind for a concept.")
class ConceptKindOptions:
    kind: str = strawberry.field(description='The kind, e.g. "species".')
    options: list[ConceptOption] = strawberry.field(
        description="Best first; empty if nothing of this kind fits."
    )

    @classmethod
    def from_result(cls, result: KindOptions) -> ConceptKindOptions:
        return cls(
            kind=result.kind,
            options=[
                ConceptOption(
                    kind=o.profile.kind,
                    slug=o.profile.slug,
                    name=o.profile.name,
                    score=round(o.score, 4),
                    reasons=list(o.reasons),
                )
                for o in result.options
            ],
        )


@strawberry.type(description="Existing catalog content that realises a concept, kind by kind.")
class ConceptSearchResult:
    concept: str = strawberry.field(description="The concept as asked.")
    kinds: list[ConceptKindOptions] = strawberry.field(
        description="Character-building kinds first (class, subclass, species, background, "
        "feat, spell, equipment), then any others."
    )
    ranking: str = strawberry.field(
        description='The embedding used to rank by meaning, e.g. "expansion" (words plus a '
        "D&D thesaurus) or an OpenAI model."
    )


def _bad_input(error: SearchInputError) -> GraphQLError:
    return GraphQLError(
        error.message,
        extensions={"code": ErrorCode.BAD_USER_INPUT.value, "argument": error.argument},
    )


def _unavailable(error: Exception) -> GraphQLError:
    log.error("catalog search failed: %s", error)
    return GraphQLError(
        "Search is unavailable right now; please try again shortly.",
        extensions={"code": "SERVICE_UNAVAILABLE"},
    )


async def resolve_search(
    info: ContextInfo,
    text: Annotated[str, strawberry.argument(description="Words to look for.")],
    kinds: Kinds = None,
    first: Annotated[int, strawberry.argument(description=f"Page size, 1 to {MAX_FIRST}.")] = 10,
    after: Annotated[
        str | None, strawberry.argument(description="Continue after this cursor (`endCursor`).")
    ] = None,
) -> CatalogSearchConnection:
    try:
        search = await catalog_search(info.context.runtime)
        page = await search.search(text, kinds, first, after)
    except SearchInputError as exc:
        raise _bad_input(exc) from None
    except (SearchError, EmbeddingError) as exc:
        raise _unavailable(exc) from None
    edges = [
        Edge(node=CatalogSearchHit.from_hit(hit), cursor=cursor)
        for hit, cursor in zip(page.hits, page.cursors, strict=True)
    ]
    return CatalogSearchConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next, end_cursor=page.cursors[-1] if page.cursors else None
        ),
        matched_all_words=page.matched_all_words,
    )


async def resolve_concept_search(
    info: ContextInfo,
    concept: Annotated[
        str,
        strawberry.argument(
            description='A character idea in plain words, e.g. "a fire-wielding monk raised '
            'by dragons".'
        ),
    ],
    kinds: Kinds = None,
    first: Annotated[
        int, strawberry.argument(description=f"Options per kind, 1 to {MAX_PER_KIND}.")
    ] = 5,
) -> ConceptSearchResult:
    try:
        search = await catalog_search(info.context.runtime)
        results = await search.concept(concept, kinds, first)
    except SearchInputError as exc:
        raise _bad_input(exc) from None
    except (SearchError, EmbeddingError) as exc:
        raise _unavailable(exc) from None
    return ConceptSearchResult(
        concept=concept,
        kinds=[ConceptKindOptions.from_result(result) for result in results],
        ranking=search.embedder.name,
    )


@strawberry.type
class CatalogSearchQuery:
    """The two root fields of catalog search; the catalog's ``Query`` inherits them."""

    search: CatalogSearchConnection = strawberry.field(
        resolver=resolve_search,
        description="Full-text search over all catalog content, best first, with highlights.",
    )
    concept_search: ConceptSearchResult = strawberry.field(
        resolver=resolve_concept_search,
        description='Existing content that realises a character concept ("a fire-wielding '
        'monk raised by dragons"): ranked options per kind, each with why it fits. The '
        "reuse-first step before generating anything.",
    )
