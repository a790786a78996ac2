"""Catalog search: full-text ``search`` and the reuse-first ``conceptSearch`` over every kind.

Modules, in the order a request meets them: ``graphql`` (types and resolvers) -> ``service``
(input checks, the two use cases) -> ``concept`` (expanding and scoring a concept) ->
``profiles`` (what each entry looks like to the ranker) and ``indexer`` (keeping the
``infra.search`` index in step with the catalog tables) -> ``content`` (entries as documents).
``setup`` builds it all from the environment and hooks it into the service's start-up.
"""
