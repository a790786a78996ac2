"""Federation building blocks, each a function that adds one pattern to a generated ``World``.

Every block makes its choices with hypothesis' ``draw`` (so failures shrink to small cases) and
declares types and fields in the subgraphs it touches, the way a subgraph author would. Data is
not written here: ``render.py`` fills each subgraph's tables from its declarations and the
shared ``Truth``. Resolvers that compute a value (``@requires``, arguments) are expressions.

Blocks: entities with a single, composite or several keys (declared by one to all subgraphs,
``resolvable: false`` references), scalar and enum fields owned by one subgraph or
``@shareable`` in several, fields with arguments, value types (``@shareable``, fields spread
over subgraphs), references between entities, ``@requires`` (plain, with arguments, two
arguments of one field, nested value fields, fragments on an abstract type), ``@provides``,
``@override``, ``@inaccessible``, interfaces whose fields are owned per implementation, unions
with members spread over subgraphs, entity interfaces with an ``@interfaceObject``, and
``@shareable`` root fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import strategies as st

from tests.router.fuzz.model import Entity, FieldDecl, SubgraphModel, World

T = TypeVar("T")
Draw = Callable[[st.SearchStrategy[T]], T]  # hypothesis' draw, as blocks receive it

SUBGRAPH_NAMES = ("a", "b", "c", "d")
ENTITY_NAMES = ("Product", "User", "Review", "Shop")
SCALAR_TYPES = ("String!", "String", "Int", "Int!", "Boolean!", "Float", "Color", "ID!")
SCALARS = {"String", "Int", "Boolean", "Float", "Color", "ID"}
KEY_STYLES = {"single": ("id",), "composite": ("id sku",), "multiple": ("id", "sku")}
VALUE_FIELDS = {"amount": "Int!", "currency": "String", "note": "String"}


def subset(draw: Draw[Any], items: list[T], min_size: int = 1, max_size: int | None = None
           ) -> list[T]:
    """A non-empty selection of ``items``, in their order."""
    if not items:
        return []
    chosen = draw(st.lists(st.integers(0, len(items) - 1), min_size=min(min_size, len(items)),
                           max_size=max_size or len(items), unique=True))
    return [item for index, item in enumerate(items) if index in chosen]


def shareable(decl: FieldDecl, owners: list[str]) -> None:
    if len(owners) > 1:
        decl.add("@shareable")


# --- entities --------------------------------------------------------------------------------


def declare_entity(world: World, entity: Entity, subgraph: str, keys: list[str],
                   resolvable: bool = True) -> None:
    """``subgraph`` declares ``entity`` with ``keys`` (and their fields)."""
    model = world.subgraphs[subgraph]
    declared = model.type(entity.name)
    for key in keys:
        declared.add(f'@key(fields: "{key}")' if resolvable
                     else f'@key(fields: "{key}", resolvable: false)')
        for name in key.split():
            model.declare(entity.name, name, "ID!" if name == "id" else "String!")


def ensure_declared(draw: Draw[Any], world: World, entity: Entity, subgraph: str) -> None:
    """Make ``subgraph`` able to return ``entity``: declared already, or as a reference only
    (``resolvable: false``) on one of its keys."""
    if subgraph in entity.homes or subgraph in entity.stubs:
        return
    entity.stubs.append(subgraph)
    declare_entity(world, entity, subgraph, [draw(st.sampled_from(entity.keys))],
                   resolvable=False)


def new_entity(draw: Draw[Any], world: World, name: str) -> Entity:
    style = draw(st.sampled_from(sorted(KEY_STYLES)))
    keys = KEY_STYLES[style]
    count = draw(st.integers(2, 3))
    ids = tuple(f"{name[0].lower()}{i}" for i in range(1, count + 1))
    homes = subset(draw, list(world.subgraphs))
    entity = Entity(name, keys, ids, homes=homes)
    world.entities[name] = entity
    for index, subgraph in enumerate(homes):
        # several keys: the first home declares all of them (a way between the others)
        declared = list(keys) if style != "multiple" or index == 0 else subset(draw, list(keys))
        declare_entity(world, entity, subgraph, declared)
    world.blocks.append(f"entity {name} keyed {style} in {','.join(homes)}")
    return entity


def root_fields(draw: Draw[Any], world: World, entity: Entity) -> None:
    """Ways in: a root list of every instance, and perhaps a lookup by id."""
    where = draw(st.sampled_from(list(world.subgraphs)))
    ensure_declared(draw, world, entity, where)
    plural = f"all{entity.name}s"
    model = world.subgraphs[where]
    model.declare("Query", plural, f"[{entity.name}!]!")
    world.blocks.append(f"Query.{plural} in {where}")
    if draw(st.booleans()) and "id" in world.keys_in(entity, where):
        single = entity.name[0].lower() + entity.name[1:]
        model.declare("Query", single, entity.name, "(id: ID!)")
        table = "lookup" if where in entity.homes else "ref"
        model.resolvers[f"Query.{single}"] = f"{table}('{entity.name}', id=id)"
        if table == "lookup":
            model.resolvers[f"Query.{single}"] = (
                f"lookup('{entity.name}', id=id) if id in {list(entity.ids)!r} else None")


def scalar_field(draw: Draw[Any], world: World, entity: Entity) -> None:
    name = world.fresh("f")
    type_ = draw(st.sampled_from(SCALAR_TYPES))
    owners = subset(draw, entity.homes, max_size=3)
    for owner in owners:
        model = world.subgraphs[owner]
        if type_.startswith("Color"):
            model.type("Color", "enum").values = list(world.truth.enum_values)
        shareable(model.declare(entity.name, name, type_), owners)
    world.blocks.append(f"{entity.name}.{name}: {type_} in {','.join(owners)}")


def declare_argument_field(world: World, entity: Entity, owner: str, name: str) -> FieldDecl:
    """``owner`` declares ``name(n: Int = 1): String!``, computed from the key and ``n``."""
    model = world.subgraphs[owner]
    ident = "id" if "id" in world.keys_in(entity, owner) else "sku[4:]"
    model.resolvers[f"{entity.name}.{name}"] = f"'{name}-' + {ident} + '-' + str(n)"
    return model.declare(entity.name, name, "String!", "(n: Int = 1)")


def argument_field(draw: Draw[Any], world: World, entity: Entity) -> None:
    name = world.fresh("g")
    owners = subset(draw, entity.homes, max_size=2)
    for owner in owners:
        shareable(declare_argument_field(world, entity, owner, name), owners)
    world.blocks.append(f"{entity.name}.{name}(n) in {','.join(owners)}")


def value_field(draw: Draw[Any], world: World, entity: Entity) -> None:
    """A field of the ``@shareable`` value type ``Money``, whose fields differ by subgraph."""
    name = world.fresh("v")
    owners = subset(draw, entity.homes, max_size=3)
    nullable = draw(st.booleans())
    for index, owner in enumerate(owners):
        model = world.subgraphs[owner]
        money = model.type("Money")
        money.add("@shareable")
        wanted = list(VALUE_FIELDS) if index == 0 else subset(draw, list(VALUE_FIELDS))
        for sub in wanted:
            model.declare("Money", sub, VALUE_FIELDS[sub])
        shareable(model.declare(entity.name, name, "Money" if nullable else "Money!"), owners)
    world.blocks.append(f"{entity.name}.{name}: Money in {','.join(owners)}")


def reference_field(draw: Draw[Any], world: World, entity: Entity, target: Entity) -> None:
    name = world.fresh("r")
    type_ = draw(st.sampled_from([target.name, f"[{target.name}!]!", f"{target.name}!"]))
    owners = subset(draw, entity.homes, max_size=2)
    for owner in owners:
        ensure_declared(draw, world, target, owner)
        shareable(world.subgraphs[owner].declare(entity.name, name, type_), owners)
    world.blocks.append(f"{entity.name}.{name}: {type_} in {','.join(owners)}")


# --- directives between subgraphs ---------------------------------------------------------------


def _owned_scalars(world: World, entity: Entity, outside: str) -> list[tuple[str, str, str]]:
    """(field, type, owner) of scalar fields of ``entity`` that ``outside`` does not declare."""
    found = []
    for owner in entity.homes:
        declared = world.subgraphs[owner].types.get(entity.name)
        for name, decl in (declared.fields.items() if declared else ()):
            if name in entity.key_fields or "@external" in decl.directives \
                    or decl.type.rstrip("!") not in SCALARS \
                    or world.subgraphs[outside].has_field(entity.name, name):
                continue
            if not decl.args and "@override" not in " ".join(decl.directives):
                found.append((name, decl.type, owner))
    return found


def requires_field(draw: Draw[Any], world: World, entity: Entity) -> None:
    """A field computed from fields another subgraph owns (``@requires``): plain scalars, a
    field with an argument (once, or twice with two different values), or a nested value."""
    where = draw(st.sampled_from(entity.homes))
    kind = draw(st.sampled_from(["plain", "arguments", "two_arguments", "nested"]))
    if kind == "plain":
        _requires_scalars(draw, world, entity, where)
        return
    others = [h for h in entity.homes if h != where]
    if not others:
        return
    owner = draw(st.sampled_from(others))
    model = world.subgraphs[where]
    if kind == "nested":
        value = world.fresh("v")
        for side in (owner, where):
            side_model = world.subgraphs[side]
            side_model.type("Money").add("@shareable")
            side_model.declare("Money", "amount", "Int!")
            side_model.declare(entity.name, value, "Money!")
        model.types[entity.name].fields[value].add("@external")
        required = [f"{value} {{ amount }}"]
        expression = f"'q:' + str({value}['amount'])"
    else:
        argument = world.fresh("g")
        declare_argument_field(world, entity, owner, argument)
        model.declare(entity.name, argument, "String!", "(n: Int = 1)").add("@external")
        required = [f"{argument}(n: {n})" for n in ((2,) if kind == "arguments" else (2, 3))]
        expression = f"'q:' + {argument}"
    for field_set in required:
        name = world.fresh("q")
        model.declare(entity.name, name, "String!").add(f'@requires(fields: "{field_set}")')
        model.resolvers[f"{entity.name}.{name}"] = expression
    world.blocks.append(f"{entity.name} @requires {' and '.join(required)} from {owner} "
                        f"in {where}")


def _requires_scalars(draw: Draw[Any], world: World, entity: Entity, where: str) -> None:
    candidates = _owned_scalars(world, entity, where)
    if not candidates:
        return
    model = world.subgraphs[where]
    chosen = subset(draw, candidates, max_size=2)
    for field_name, type_, _owner in chosen:
        model.declare(entity.name, field_name, type_).add("@external")
    name = world.fresh("q")
    required = " ".join(f for f, _, _ in chosen)
    model.declare(entity.name, name, "String").add(f'@requires(fields: "{required}")')
    model.resolvers[f"{entity.name}.{name}"] = "'q:' + " + " + '/' + ".join(
        f"str({f})" for f, _, _ in chosen)
    world.blocks.append(f"{entity.name}.{name} @requires {required} in {where}")


def provides_field(draw: Draw[Any], world: World, target: Entity) -> None:
    """A root field that hands over fields of ``target`` another subgraph owns."""
    where = draw(st.sampled_from(list(world.subgraphs)))
    candidates = _owned_scalars(world, target, where)
    if not candidates:
        return
    chosen = subset(draw, candidates, max_size=2)
    ensure_declared(draw, world, target, where)
    model = world.subgraphs[where]
    for field_name, type_, _owner in chosen:
        model.declare(target.name, field_name, type_).add("@external")
    name = world.fresh("top")
    provided = " ".join(f for f, _, _ in chosen)
    model.declare("Query", name, f"[{target.name}!]!").add(f'@provides(fields: "{provided}")')
    world.blocks.append(f"Query.{name} @provides {provided} in {where}")


def override_field(draw: Draw[Any], world: World, entity: Entity) -> None:
    """A field moved from one subgraph to another with ``@override`` (the old one still has
    it, and answers ``old:...``)."""
    if len(entity.homes) < 2:
        return
    old, new = subset(draw, entity.homes, min_size=2, max_size=2)
    if draw(st.booleans()):
        old, new = new, old
    name = world.fresh("o")
    world.subgraphs[old].declare(entity.name, name, "String!")
    world.subgraphs[new].declare(entity.name, name, "String!").add(f'@override(from: "{old}")')
    world.overridden.add((old, entity.name, name))
    world.blocks.append(f"{entity.name}.{name} @override from {old} to {new}")


def inaccessible_field(draw: Draw[Any], world: World, entity: Entity) -> None:
    declared = [(owner, name) for owner in entity.homes
                for name, decl in world.subgraphs[owner].types[entity.name].fields.items()
                if name.startswith("f") and "@external" not in decl.directives]
    if not declared:
        return
    owner, name = draw(st.sampled_from(declared))
    world.subgraphs[owner].types[entity.name].fields[name].add("@inaccessible")
    world.blocks.append(f"{entity.name}.{name} @inaccessible in {owner}")


# --- abstract types -------------------------------------------------------------------------


def _plain_entities(world: World) -> list[Entity]:
    return [e for e in world.entities.values() if not e.is_interface]


def interface_block(draw: Draw[Any], world: World) -> None:
    """``interface Named { label: String }`` implemented by entities, where each implementation
    may resolve ``label`` itself or only know it as ``@external`` (owned elsewhere)."""
    where = draw(st.sampled_from(list(world.subgraphs)))
    implementations = subset(draw, _plain_entities(world), max_size=3)
    model = world.subgraphs[where]
    model.declare("Named", "label", "String", keyword="interface")
    for entity in implementations:
        ensure_declared(draw, world, entity, where)
        declared = model.type(entity.name)
        if "Named" not in declared.implements:
            declared.implements.append("Named")
        owned_here = where in entity.homes and draw(st.booleans())
        label = model.declare(entity.name, "label", "String")
        if owned_here:
            continue
        # the label is owned by another home; here it is only @external
        owner = draw(st.sampled_from(entity.homes))
        if owner == where:
            continue
        label.add("@external")
        world.subgraphs[owner].declare(entity.name, "label", "String")
    model.declare("Query", "named", "[Named!]!")
    world.blocks.append(f"interface Named in {where}: {','.join(e.name for e in implementations)}")


def union_block(draw: Draw[Any], world: World) -> None:
    """``union Result``, with members that differ between the subgraphs declaring it."""
    names = subset(draw, list(world.subgraphs), max_size=2)
    for where in names:
        members = subset(draw, _plain_entities(world), max_size=3)
        model = world.subgraphs[where]
        for entity in members:
            ensure_declared(draw, world, entity, where)
        union = model.type("Result", "union")
        union.members = [e.name for e in members]
        model.declare("Query", f"results{where.upper()}", "[Result!]!")
        world.blocks.append(f"union Result in {where}: {','.join(union.members)}")


def interface_object_block(draw: Draw[Any], world: World) -> None:
    """An entity interface ``Media`` (``@key`` on the interface) with ``Book`` and ``Movie``,
    and an ``@interfaceObject`` elsewhere that adds fields to every implementation."""
    if len(world.subgraphs) < 2:
        return
    real, other = subset(draw, list(world.subgraphs), min_size=2, max_size=2)
    if draw(st.booleans()):
        real, other = other, real
    model = world.subgraphs[real]
    media = model.type("Media", "interface")
    media.add('@key(fields: "id")')
    model.declare("Media", "id", "ID!", keyword="interface")
    model.declare("Media", "title", "String!", keyword="interface")
    implementations = []
    for name, prefix in (("Book", "bk"), ("Movie", "mv")):
        entity = Entity(name, ("id",), (f"{prefix}1", f"{prefix}2"), homes=[real])
        world.entities[name] = entity
        implementations.append(entity)
        declare_entity(world, entity, real, ["id"])
        model.type(name).implements.append("Media")
        model.declare(name, "title", "String!")
        if draw(st.booleans()):
            model.declare(name, world.fresh("f"), "Int")
    ids = tuple(i for e in implementations for i in e.ids)
    interface = Entity("Media", ("id",), ids, homes=[real, other], is_interface=True,
                       implementations=[e.name for e in implementations])
    world.entities["Media"] = interface
    object_model = world.subgraphs[other]
    as_object = object_model.type("Media")
    as_object.add('@key(fields: "id")')
    as_object.add("@interfaceObject")
    object_model.declare("Media", "id", "ID!")
    object_model.declare("Media", world.fresh("rating"), "Int!")
    where = draw(st.sampled_from([real, other]))
    world.subgraphs[where].declare("Query", "media", "[Media!]!")
    world.blocks.append(f"entity interface Media in {real}, @interfaceObject in {other}, "
                        f"Query.media in {where}")


def shareable_root_block(draw: Draw[Any], world: World, entity: Entity) -> None:
    """The same root list served by several subgraphs (``@shareable``)."""
    owners = subset(draw, list(world.subgraphs), min_size=2, max_size=3)
    if len(owners) < 2:
        return
    for owner in owners:
        ensure_declared(draw, world, entity, owner)
        world.subgraphs[owner].declare("Query", "shared", f"[{entity.name}!]!").add("@shareable")
    world.blocks.append(f"Query.shared: [{entity.name}] @shareable in {','.join(owners)}")


# --- putting a world together ----------------------------------------------------------------

ENTITY_BLOCKS = {
    "requires": requires_field,
    "override": override_field,
    "inaccessible": inaccessible_field,
    "argument": argument_field,
    "value": value_field,
}


@st.composite
def worlds(draw: Draw[Any]) -> World:
    """A small random subgraph set (see the module docstring for what it may contain)."""
    count = draw(st.integers(2, len(SUBGRAPH_NAMES)))
    world = World({name: SubgraphModel(name) for name in SUBGRAPH_NAMES[:count]})
    entities = [new_entity(draw, world, name)
                for name in ENTITY_NAMES[: draw(st.integers(1, 3))]]
    for entity in entities:
        for _ in range(draw(st.integers(1, 3))):
            scalar_field(draw, world, entity)
        if len(entities) > 1 and draw(st.booleans()):
            reference_field(draw, world, entity, draw(st.sampled_from(entities)))
        for block in draw(st.lists(st.sampled_from(sorted(ENTITY_BLOCKS)), max_size=3)):
            ENTITY_BLOCKS[block](draw, world, entity)
    if draw(st.booleans()):
        provides_field(draw, world, draw(st.sampled_from(entities)))
    if draw(st.booleans()):
        shareable_root_block(draw, world, draw(st.sampled_from(entities)))
    if draw(st.booleans()):
        interface_block(draw, world)
    if draw(st.booleans()):
        union_block(draw, world)
    if draw(st.booleans()):
        interface_object_block(draw, world)
    for entity in entities:
        root_fields(draw, world, entity)
    return world
