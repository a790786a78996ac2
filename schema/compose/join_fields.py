"""Which ``@join__field`` directives a field of an object or interface type needs.

The router reads them to know which subgraph resolves a field and how: none at all when every
subgraph of the type resolves the field the same way; otherwise one per subgraph that takes
part, carrying what differs there — ``external``, ``requires``, ``provides``, ``override`` (with
``overrideLabel`` for progressive overrides and ``usedOverridden`` when the overridden subgraph
still needs its copy for a key), and the subgraph's own ``type`` when it differs from the
supergraph's (nullability or a subtype).
"""

from __future__ import annotations

from collections.abc import Sequence

from .fieldset import key_field_names
from .model import FieldDef, TypeDef, TypeRef
from .supergraph import JoinField

# (subgraph name, the type as that subgraph declares it, the field as that subgraph declares it)
FieldInGraph = tuple[str, TypeDef, FieldDef]


def join_fields_for(
    defs: Sequence[FieldInGraph],
    field_type: TypeRef,
    overridden: dict[str, str | None],
    *,
    is_root: bool,
    defined_everywhere: bool,
    join_type_count: int,
) -> list[JoinField]:
    """The ``@join__field`` list for one field.

    ``defs`` are the subgraphs declaring the field; ``overridden`` maps each subgraph whose copy
    another subgraph takes over (``@override(from:)``) to the override label, if any.
    ``defined_everywhere`` says whether every subgraph of the type (for root types: every
    subgraph) declares the field.
    """
    differing_type = any(field_def.type != field_type for _, _, field_def in defs)
    has_metadata = differing_type or any(
        (field_def.external and not _external_key_of_extension(type_def, field_def))
        or field_def.requires
        or field_def.provides
        or field_def.override
        for _, type_def, field_def in defs
    )
    joins: list[JoinField] = []
    if overridden or any(field_def.override for _, _, field_def in defs):
        for graph, type_def, field_def in defs:
            label = overridden.get(graph) or field_def.override_label
            used = graph in overridden and field_def.name in key_field_names(type_def)
            if graph in overridden and not (label or used):
                continue  # fully taken over by the overriding subgraph
            joins.append(_join_for(graph, type_def, field_def, differing_type, label, used))
    elif is_root:
        # Root fields only say where they live (and what they provide), never per-graph types.
        if not defined_everywhere:
            joins = [JoinField(graph=graph, provides=f.provides) for graph, _, f in defs]
    elif not defined_everywhere or has_metadata:
        for graph, type_def, field_def in defs:
            if _external_key_of_extension(type_def, field_def):
                continue
            joins.append(_join_for(graph, type_def, field_def, differing_type, None, False))
    if len(joins) == 1 and join_type_count == 1 and joins[0] == JoinField(graph=joins[0].graph):
        return []  # the type lives in one subgraph only, so the field obviously does too
    return joins


def _join_for(
    graph: str,
    type_def: TypeDef,
    field_def: FieldDef,
    differing_type: bool,
    label: str | None,
    used_overridden: bool,
) -> JoinField:
    return JoinField(
        graph=graph,
        requires=field_def.requires,
        provides=field_def.provides,
        type=str(field_def.type) if differing_type else None,
        external=field_def.external and not _external_key_of_extension(type_def, field_def),
        override=field_def.override,
        used_overridden=used_overridden,
        override_label=label,
    )


def _external_key_of_extension(type_def: TypeDef, field_def: FieldDef) -> bool:
    """A key field an ``extend type`` marks @external is just how the extension names its key."""
    return (
        field_def.external
        and type_def.extension
        and field_def.name in key_field_names(type_def)
        and not field_def.requires
        and not field_def.provides
    )
