"""How field and argument types from different subgraphs combine.

Two subgraph types are compatible when they have the same list nesting and name the same type;
for output positions one may also name a subtype of the other (an object type implementing an
interface, or a member of a union), and the supergraph takes the supertype. Nullability may
differ; the supergraph then takes, level by level:

* for output positions (object/interface fields) the *least* strict type — a field is non-null
  only if every subgraph promises non-null, so the router never promises more than a subgraph
  delivers;
* for input positions (arguments, input fields) the *most* strict type — a value every subgraph
  accepts must satisfy the strictest of them.
"""

from __future__ import annotations

from collections.abc import Callable

from .model import TypeRef

# is_subtype(sub, super): True when named type ``sub`` may stand where ``super`` is expected.
SubtypeCheck = Callable[[str, str], bool]


def _exact(sub: str, sup: str) -> bool:
    return False


def compatible(left: TypeRef, right: TypeRef, is_subtype: SubtypeCheck = _exact) -> bool:
    if (left.item is None) != (right.item is None):
        return False
    if left.item is not None and right.item is not None:
        return compatible(left.item, right.item, is_subtype)
    assert left.name is not None and right.name is not None
    return (
        left.name == right.name
        or is_subtype(left.name, right.name)
        or is_subtype(right.name, left.name)
    )


def merge_output(left: TypeRef, right: TypeRef, is_subtype: SubtypeCheck = _exact) -> TypeRef:
    return _merge(left, right, strict=False, is_subtype=is_subtype)


def merge_input(left: TypeRef, right: TypeRef) -> TypeRef:
    return _merge(left, right, strict=True, is_subtype=_exact)


def _merge(left: TypeRef, right: TypeRef, *, strict: bool, is_subtype: SubtypeCheck) -> TypeRef:
    non_null = (left.non_null or right.non_null) if strict else (left.non_null and right.non_null)
    if left.item is not None and right.item is not None:
        item = _merge(left.item, right.item, strict=strict, is_subtype=is_subtype)
        return TypeRef(item=item, non_null=non_null)
    assert left.name is not None and right.name is not None
    name = right.name if is_subtype(left.name, right.name) else left.name
    return TypeRef(name=name, non_null=non_null)
