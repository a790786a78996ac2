"""Combining the pass-through directives (``Markers``) of several subgraphs into one.

* ``@tag``: every name, once, in first-seen order;
* ``@inaccessible`` and ``@authenticated``: set if any subgraph sets it;
* ``@deprecated``: the first reason found;
* ``@requiresScopes`` / ``@policy``: each subgraph's requirement must hold, so the alternatives
  (OR of AND-groups) are multiplied out — every pair of groups becomes their union — and groups
  that contain a smaller surviving group are dropped (``a OR (a AND b)`` is just ``a``).
"""

from __future__ import annotations

from .model import Markers


def combine_markers(all_markers: list[Markers]) -> Markers:
    merged = Markers()
    for markers in all_markers:
        merged.tags.extend(tag for tag in markers.tags if tag not in merged.tags)
        merged.inaccessible = merged.inaccessible or markers.inaccessible
        merged.deprecated = merged.deprecated or markers.deprecated
        merged.authenticated = merged.authenticated or markers.authenticated
        merged.scopes = combine_requirements(merged.scopes, markers.scopes)
        merged.policies = combine_requirements(merged.policies, markers.policies)
    return merged


def combine_requirements(left: list[list[str]], right: list[list[str]]) -> list[list[str]]:
    """AND of two OR-of-AND-groups requirements, simplified and in a stable order."""
    if not left or not right:
        return [list(group) for group in (left or right)]
    products: dict[tuple[str, ...], list[str]] = {}
    for left_group in left:
        for right_group in right:
            union = sorted(set(left_group) | set(right_group))
            products[tuple(union)] = union
    kept: list[list[str]] = []
    for candidate in sorted(products.values(), key=len):
        if not any(set(existing) <= set(candidate) for existing in kept):
            kept.append(candidate)
    return sorted(kept, key=lambda group: (len(group), ",".join(group)))
