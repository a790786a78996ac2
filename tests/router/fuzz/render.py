"""Fixture data for a generated world: every subgraph's tables and root values.

Values come from the declarations alone (``Truth`` decides each one), so two subgraphs that
declare the same field of the same object answer the same: a ``@shareable`` field, a key, a
provided field. Fields an expression computes (``@requires``, arguments) and ``@external`` fields
get no stored value; an ``@override``-n field's old owner answers ``old:<value>``.
"""

from __future__ import annotations

import re
from typing import Any

from tests.router.fuzz.model import Entity, FieldDecl, SubgraphModel, World, _digest

PROVIDES = re.compile(r'@provides\(fields: "([^"]*)"\)')


def _named(type_ref: str) -> str:
    return type_ref.replace("[", "").replace("]", "").replace("!", "")


def _possible(world: World, model: SubgraphModel, type_name: str) -> list[Entity]:
    """Entities ``model`` may return where ``type_name`` is expected."""
    declared = model.types.get(type_name)
    entity = world.entities.get(type_name)
    if declared is None:
        return []
    if declared.keyword == "union":
        return [world.entities[m] for m in declared.members]
    if declared.keyword == "interface":
        return [world.entities[name] for name, other in model.types.items()
                if type_name in other.implements and name in world.entities]
    return [entity] if entity is not None else []


class Renderer:
    def __init__(self, world: World) -> None:
        self.world = world

    def scalar(self, type_ref: str, owner: str, field_name: str) -> Any:
        if not type_ref.endswith("!") and _digest("null", owner, field_name) % 5 == 0:
            return None
        return self.world.truth.scalar(_named(type_ref), owner, field_name)

    def value(self, model: SubgraphModel, decl: FieldDecl, owner: str, field_name: str) -> Any:
        type_ref = decl.type
        named = _named(type_ref)
        provided = [m.group(1) for d in decl.directives if (m := PROVIDES.match(d))]
        if named == "Money":
            return self.money(model, type_ref, owner, field_name)
        candidates = _possible(self.world, model, named)
        if not candidates:
            return self.scalar(type_ref, owner, field_name)
        instances = [(entity, i) for entity in candidates for i in entity.ids]
        everything = field_name.startswith(("all", "top", "shared", "named", "results", "media"))
        if type_ref.startswith("["):
            count = len(instances) if everything else _digest(owner, field_name) % 3
            chosen = self.world.truth.pick(owner, field_name, instances, count)
            if everything:
                chosen = instances
            return [self.reference(model, entity, instance, provided)
                    for entity, instance in chosen]
        if not type_ref.endswith("!") and _digest("null", owner, field_name) % 5 == 0:
            return None
        entity, instance = self.world.truth.pick(owner, field_name, instances)
        return self.reference(model, entity, instance, provided)

    def money(self, model: SubgraphModel, type_ref: str, owner: str, field_name: str) -> Any:
        if not type_ref.endswith("!") and _digest("null", owner, field_name) % 5 == 0:
            return None
        fields = model.types["Money"].fields
        return {sub: self.scalar(decl.type, f"{owner}.{field_name}", sub)
                for sub, decl in fields.items()}

    def reference(self, model: SubgraphModel, entity: Entity, instance: str,
                  provided: list[str]) -> dict[str, Any]:
        """A reference in ``model``'s key terms, with the values of ``@provides`` fields."""
        if entity.is_interface and model.types["Media"].keyword == "interface":
            concrete = next(self.world.entities[n] for n in entity.implementations
                            if instance in self.world.entities[n].ids)
            return self.reference(model, concrete, instance, provided)
        reference = self.world.reference(entity, instance, model.name)
        declared = model.types[entity.name].fields
        for field_set in provided:
            for name in field_set.split():
                reference[name] = self.scalar(declared[name].type, instance, name)
        return reference

    def row(self, model: SubgraphModel, entity: Entity, instance: str) -> dict[str, Any]:
        row = entity.key_values(instance, self.world.keys_in(entity, model.name))
        for name, decl in model.types[entity.name].fields.items():
            if name in row or "@external" in decl.directives \
                    or f"{entity.name}.{name}" in model.resolvers:
                continue
            value = self.value(model, decl, instance, name)
            if (model.name, entity.name, name) in self.world.overridden:
                value = f"old:{value}"
            row[name] = value
        return row

    def fill(self, model: SubgraphModel) -> None:
        model.tables.clear()
        for entity in self.world.entities.values():
            declared = model.types.get(entity.name)
            if declared is None or declared.keyword != "type" or model.name not in entity.homes:
                continue
            model.tables[entity.name] = [self.row(model, entity, i) for i in entity.ids]
        query = model.types.get("Query")
        model.root = {
            name: self.value(model, decl, "Query", name)
            for name, decl in (query.fields.items() if query else ())
            if f"Query.{name}" not in model.resolvers
        }


def render(world: World) -> None:
    """Fill every subgraph's tables and root values from the declarations."""
    renderer = Renderer(world)
    for model in world.subgraphs.values():
        renderer.fill(model)
