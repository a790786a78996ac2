"""The query planner: which subgraph fetches what, in which order.

The planner walks the client's operation against the API schema and drops every field into a
*fetch group*: one request to one subgraph. A field the current subgraph cannot resolve becomes an
entity jump: the current group also selects ``__typename`` and the ``@key`` fields, and a child
group, run afterwards, asks the owning subgraph for the field through ``_entities``. Fields named
in ``@requires`` are planned first, like client fields, so representations can carry them.

Choices that keep plans small and correct:

* Stay in the current subgraph whenever it can resolve a field (``@shareable``) or the path
  ``@provides`` it.
* One child group per (subgraph, response path, parent group): all jumps from the same objects to
  the same subgraph share one batched ``_entities`` call.
* Response keys in subgraph operations are the client's response keys, so subgraph results merge
  into the client's shape and subgraph error paths are already client paths.
* ``@skip``/``@include`` travel with the fields they guard, so a skipped field is never fetched.
* Mutation root fields run strictly in order; consecutive fields for one subgraph share a fetch.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from graphql import (
    ArgumentNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    NameNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableDefinitionNode,
    VariableNode,
    Visitor,
    get_named_type,
    is_abstract_type,
    is_composite_type,
    parse,
    parse_type,
    print_ast,
    visit,
)

from router.plan import (
    FetchNode,
    FlattenNode,
    ParallelNode,
    PlanNode,
    QueryPlan,
    RequiredField,
    SequenceNode,
)
from router.selection import SelectionBuilder, Signature
from router.supergraph import Supergraph

CONDITIONAL_DIRECTIVES = ("skip", "include")
Provided = dict[str, "Provided"]
ObjectOrInterface = GraphQLObjectType | GraphQLInterfaceType


class PlanningError(Exception):
    """The operation is valid but this router cannot plan it; the message says what is missing."""


@dataclass(frozen=True)
class CollectedField:
    """A client field plus the ``@skip``/``@include`` of the fragments it sat in."""

    node: FieldNode
    conditions: tuple[DirectiveNode, ...] = ()

    @property
    def response_key(self) -> str:
        return self.node.alias.value if self.node.alias else self.node.name.value


@dataclass(eq=False)
class FetchGroup:
    """One future subgraph request, filled in while the planner walks the operation."""

    graph: str
    merge_path: tuple[str, ...]
    operation_kind: str = "query"
    is_entity: bool = False
    selection: SelectionBuilder = field(default_factory=SelectionBuilder)
    requirements: dict[str, SelectionBuilder] = field(default_factory=dict)
    depends_on: list[FetchGroup] = field(default_factory=list)


def parse_field_set(field_set: str) -> SelectionSetNode:
    """A ``FieldSet`` string such as ``"id owner { id }"`` as a selection set."""
    operation = parse("{" + field_set + "}").definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return operation.selection_set


def _provided_tree(selection_set: SelectionSetNode) -> Provided:
    tree: Provided = {}
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            child = _provided_tree(selection.selection_set) if selection.selection_set else {}
            tree.setdefault(selection.name.value, {}).update(child)
        elif isinstance(selection, InlineFragmentNode):
            tree.update(_provided_tree(selection.selection_set))
    return tree


def _required_fields(selection_set: SelectionSetNode) -> tuple[RequiredField, ...]:
    found: list[RequiredField] = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            children = _required_fields(selection.selection_set) if selection.selection_set else ()
            found.append(RequiredField(selection.name.value, children))
        elif isinstance(selection, InlineFragmentNode):
            found.extend(_required_fields(selection.selection_set))
    return tuple(found)


def _list_depth(type_: GraphQLOutputType) -> int:
    depth = 0
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        if isinstance(type_, GraphQLList):
            depth += 1
        type_ = type_.of_type
    return depth


def _conditions(directives: tuple[DirectiveNode, ...] | None) -> tuple[DirectiveNode, ...]:
    return tuple(d for d in directives or () if d.name.value in CONDITIONAL_DIRECTIVES)


class _VariableCollector(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def enter_variable(self, node: VariableNode, *_: object) -> None:
        if node.name.value not in self.names:
            self.names.append(node.name.value)


class QueryPlanner:
    """Plans operations for one supergraph. Stateless between calls; safe to share."""

    def __init__(self, supergraph: Supergraph, schema: GraphQLSchema) -> None:
        self.supergraph = supergraph
        self.schema = schema

    def plan(self, document: DocumentNode, operation_name: str | None = None) -> QueryPlan:
        """Plan ``operation_name`` of a document that already passed validation."""
        return _PlanBuilder(self, document, operation_name).build()


class _PlanBuilder:
    """The working state for planning one operation."""

    def __init__(
        self, planner: QueryPlanner, document: DocumentNode, operation_name: str | None
    ) -> None:
        self.supergraph = planner.supergraph
        self.schema = planner.schema
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        chosen = [
            op for op in operations
            if operation_name is None or (op.name and op.name.value == operation_name)
        ]
        if len(chosen) != 1:
            raise PlanningError(
                f"unknown operation named '{operation_name}'" if operation_name
                else "must provide operation name if query contains multiple operations"
            )
        self.operation = chosen[0]
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        definitions = self.operation.variable_definitions or ()
        self.variables = {v.variable.name.value: v for v in definitions}
        self.groups: list[FetchGroup] = []
        self.entity_groups: dict[tuple[str, tuple[str, ...], int], FetchGroup] = {}
        self.touched_stack: list[set[FetchGroup]] = []
        # What the client's response keys stand for, per response path; planner-added fields
        # that would clash with them are renamed when the fetch is printed.
        self.client_keys: dict[tuple[tuple[str, ...], str], set[Signature]] = {}
        self.internal_depth = 0  # > 0 while planning fields for @requires rather than the client

    # --- entry point ------------------------------------------------------------------------

    def build(self) -> QueryPlan:
        kind = self.operation.operation
        if kind == OperationType.SUBSCRIPTION:
            raise PlanningError("subscriptions are not supported by this router yet")
        schema = self.schema
        root = schema.mutation_type if kind == OperationType.MUTATION else schema.query_type
        if root is None:
            raise PlanningError(f"the schema has no {kind.value} type")
        root_fields = [
            cf for cf in self.collect(root, self.operation.selection_set)
            if not cf.node.name.value.startswith("__")  # introspection: answered by the router
        ]
        if kind == OperationType.MUTATION:
            return QueryPlan(self._plan_mutation(root, root_fields))
        return QueryPlan(self._plan_query(root, root_fields))

    def _plan_query(self, root: GraphQLObjectType, fields: list[CollectedField]) -> PlanNode | None:
        by_graph: dict[str, FetchGroup] = {}
        for cf in fields:
            graphs = self._graphs_for(root, cf)
            graph = next((g for g in graphs if g in by_graph), graphs[0])
            group = by_graph.get(graph)
            if group is None:
                group = by_graph[graph] = self._new_group(graph, ())
            self.plan_object(root, [cf], group, group.selection, (), None)
        return self._tree(self.groups)

    def _plan_mutation(
        self, root: GraphQLObjectType, fields: list[CollectedField]
    ) -> PlanNode | None:
        steps: list[list[FetchGroup]] = []  # each: one root fetch plus what follows it
        current: FetchGroup | None = None
        for cf in fields:
            graphs = self._graphs_for(root, cf)
            if current is None or current.graph not in graphs:
                current = self._new_group(graphs[0], (), operation_kind="mutation")
                steps.append([current])
            start = len(self.groups)
            self.plan_object(root, [cf], current, current.selection, (), None)
            steps[-1].extend(self.groups[start:])
        nodes = [self._tree(_unique(step)) for step in steps]
        return _one_of([n for n in nodes if n is not None], SequenceNode)

    def _graphs_for(self, root: GraphQLObjectType, cf: CollectedField) -> list[str]:
        graphs = self.supergraph.field_graphs(root.name, cf.node.name.value)
        if not graphs:
            raise PlanningError(f"no subgraph resolves {root.name}.{cf.node.name.value}")
        return graphs

    # --- collecting client selections ---------------------------------------------------------

    def applies(self, type_condition: str, runtime_type: str) -> bool:
        """Whether a fragment on ``type_condition`` applies to objects of ``runtime_type``."""
        if type_condition == runtime_type:
            return True
        condition = self.schema.get_type(type_condition)
        runtime = self.schema.get_type(runtime_type)
        if not is_abstract_type(condition) or not isinstance(runtime, GraphQLObjectType):
            return False
        assert isinstance(condition, GraphQLInterfaceType | GraphQLUnionType)
        return self.schema.is_sub_type(condition, runtime)

    def collect(
        self,
        parent: ObjectOrInterface,
        selection_set: SelectionSetNode,
        conditions: tuple[DirectiveNode, ...] = (),
    ) -> list[CollectedField]:
        """The fields of ``selection_set`` that apply to ``parent``, fragments flattened."""
        found: list[CollectedField] = []
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                found.append(CollectedField(selection, conditions))
                continue
            if isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = selection.selection_set
            else:
                assert isinstance(selection, FragmentSpreadNode)
                fragment = self.fragments[selection.name.value]
                condition, inner = fragment.type_condition, fragment.selection_set
            if condition is None or self.applies(condition.name.value, parent.name):
                found += self.collect(
                    parent, inner, conditions + _conditions(selection.directives)
                )
        return found

    def _only_own_fields(self, parent: ObjectOrInterface, selection_set: SelectionSetNode) -> bool:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                continue
            if isinstance(selection, InlineFragmentNode):
                condition, inner = selection.type_condition, selection.selection_set
            else:
                assert isinstance(selection, FragmentSpreadNode)
                fragment = self.fragments[selection.name.value]
                condition, inner = fragment.type_condition, fragment.selection_set
            if condition is not None and condition.name.value != parent.name:
                return False
            if not self._only_own_fields(parent, inner):
                return False
        return True

    # --- planning -----------------------------------------------------------------------------

    def resolvable(self, type_name: str, field_name: str, graph: str, provided: Provided | None
                   ) -> bool:
        if provided is not None and field_name in provided:
            return True
        return graph in self.supergraph.field_graphs(type_name, field_name)

    def plan_selection_set(
        self,
        parent: GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType,
        selection_set: SelectionSetNode,
        group: FetchGroup,
        builder: SelectionBuilder,
        path: tuple[str, ...],
        provided: Provided | None,
    ) -> None:
        if isinstance(parent, GraphQLObjectType):
            self.plan_object(parent, self.collect(parent, selection_set), group, builder, path,
                             provided)
            return
        # the executor needs it to pick a type
        builder.add_field("__typename", "__typename", internal=True, path=path)
        if isinstance(parent, GraphQLInterfaceType) and self._interface_stays(
            parent, selection_set, group.graph, provided
        ):
            self.plan_object(parent, self.collect(parent, selection_set), group, builder, path,
                             provided)
            return
        for runtime in self.schema.get_possible_types(parent):
            if not self._graph_returns(runtime.name, parent, group.graph):
                continue
            fields = self.collect(runtime, selection_set)
            if fields:
                fragment = builder.add_fragment(runtime.name)
                self.plan_object(runtime, fields, group, fragment, path, provided)

    def _interface_stays(
        self,
        parent: GraphQLInterfaceType,
        selection_set: SelectionSetNode,
        graph: str,
        provided: Provided | None,
    ) -> bool:
        """True when the whole selection can be asked of the interface itself in ``graph``."""
        if not self.supergraph.type_in_graph(parent.name, graph):
            return False
        if not self._only_own_fields(parent, selection_set):
            return False
        return all(
            cf.node.name.value == "__typename"
            or self.resolvable(parent.name, cf.node.name.value, graph, provided)
            for cf in self.collect(parent, selection_set)
        )

    def _graph_returns(
        self, runtime: str, abstract: GraphQLInterfaceType | GraphQLUnionType, graph: str
    ) -> bool:
        """Whether ``graph`` can hand back a ``runtime`` object where ``abstract`` is expected."""
        info = self.supergraph.types.get(runtime)
        if info is None or graph not in info.graphs:
            return False
        if isinstance(abstract, GraphQLUnionType):
            union = self.supergraph.types.get(abstract.name)
            members = union.union_members.get(graph) if union else None
            return members is None or runtime in members
        implemented = info.implements.get(graph)
        return implemented is None or abstract.name in implemented

    def plan_object(
        self,
        parent: ObjectOrInterface,
        fields: list[CollectedField],
        group: FetchGroup,
        builder: SelectionBuilder,
        path: tuple[str, ...],
        provided: Provided | None,
    ) -> None:
        for cf in fields:
            name = cf.node.name.value
            target = builder
            for condition in cf.conditions:
                target = target.add_fragment(None, (condition,))
            if name == "__typename":
                self._note_client_key(path, cf.response_key, (name, ""))
                target.add_field(cf.response_key, name, (), _conditions(cf.node.directives),
                                 internal=self.internal_depth > 0, path=path)
            elif name.startswith("__"):
                continue  # __schema / __type: the router answers introspection itself
            elif self.resolvable(parent.name, name, group.graph, provided):
                self._add_resolved(parent, cf.node, group, target, path, provided)
            else:
                self._jump(parent, cf, group, builder, path)

    def _add_resolved(
        self,
        parent: ObjectOrInterface,
        node: FieldNode,
        group: FetchGroup,
        builder: SelectionBuilder,
        path: tuple[str, ...],
        provided: Provided | None,
    ) -> None:
        name = node.name.value
        key = node.alias.value if node.alias else name
        definition = parent.fields[name]
        named = get_named_type(definition.type)
        composite = is_composite_type(named)
        arguments = tuple(node.arguments or ())
        self._note_client_key(path, key, (name, " ".join(print_ast(a) for a in arguments)))
        entry = builder.add_field(
            key, name, arguments, _conditions(node.directives),
            composite=composite, internal=self.internal_depth > 0, path=path,
        )
        if not composite or node.selection_set is None or entry.sub is None:
            return
        join = self.supergraph.field_join(parent.name, name, group.graph)
        if join is not None and join.provides:
            child_provided: Provided | None = _provided_tree(parse_field_set(join.provides))
        elif provided is not None and name in provided:
            child_provided = provided[name]
        else:
            child_provided = None
        child_path = path + (key,) + ("@",) * _list_depth(definition.type)
        assert isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType)
        self.plan_selection_set(named, node.selection_set, group, entry.sub, child_path,
                                child_provided)

    def _jump(
        self,
        parent: ObjectOrInterface,
        cf: CollectedField,
        group: FetchGroup,
        builder: SelectionBuilder,
        path: tuple[str, ...],
    ) -> None:
        """Plan ``cf`` in another subgraph through ``_entities``, keyed on ``parent``'s @key."""
        name = cf.node.name.value
        candidates = self.supergraph.field_graphs(parent.name, name)
        if not candidates:
            raise PlanningError(f"no subgraph resolves {parent.name}.{name}")
        already = [g for g in candidates if (g, path, id(group)) in self.entity_groups]
        target, key = None, None
        for graph in already + [g for g in candidates if g not in already]:
            key = self._usable_key(parent.name, graph, group.graph)
            if key is not None:
                target = graph
                break
        if target is None or key is None:
            raise PlanningError(
                f"cannot plan {parent.name}.{name}: subgraph "
                f"{self._service(group.graph)} has no @key of {parent.name} usable by "
                f"{', '.join(self._service(g) for g in candidates)}"
            )
        key_selection = parse_field_set(key)
        builder.add_field("__typename", "__typename", internal=True, path=path)
        self._add_plain(key_selection, builder, parent, path)
        child = self._entity_group(group, target, path)
        requirement = child.requirements.setdefault(parent.name, SelectionBuilder())
        requirement.add_field("__typename", "__typename")
        _add_plain(key_selection, requirement)

        join = self.supergraph.field_join(parent.name, name, target)
        if join is not None and join.requires:
            required = parse_field_set(join.requires)
            with self._touching() as touched:
                self.internal_depth += 1
                try:
                    self.plan_object(parent, self.collect(parent, required), group, builder,
                                     path, None)
                finally:
                    self.internal_depth -= 1
            for dependency in touched:
                if dependency is child or dependency in child.depends_on:
                    continue
                if _depends(dependency, child):
                    raise PlanningError(
                        f"cannot plan {parent.name}.{name}: its @requires needs a fetch that "
                        "itself waits for this one (splitting such fetches is not supported yet)"
                    )
                child.depends_on.append(dependency)
            _add_plain(required, requirement)

        fragment = child.selection.add_fragment(parent.name)
        for condition in cf.conditions:
            fragment = fragment.add_fragment(None, (condition,))
        self.plan_object(parent, [CollectedField(cf.node)], child, fragment, path, None)

    def _note_client_key(self, path: tuple[str, ...], key: str, signature: Signature) -> None:
        if self.internal_depth == 0:
            self.client_keys.setdefault((path, key), set()).add(signature)

    def _clashes(self, path: tuple[str, ...], key: str, signature: Signature) -> bool:
        return any(s != signature for s in self.client_keys.get((path, key), ()))

    def _add_plain(
        self,
        selection_set: SelectionSetNode,
        builder: SelectionBuilder,
        parent: GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType,
        path: tuple[str, ...],
    ) -> None:
        """Add key fields to a fetch as planner fields, so they can dodge client aliases."""
        for selection in selection_set.selections:
            if isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                assert isinstance(inner, GraphQLObjectType | GraphQLInterfaceType
                                  | GraphQLUnionType)
                fragment = builder.add_fragment(condition.name.value if condition else None)
                self._add_plain(selection.selection_set, fragment, inner, path)
                continue
            if not isinstance(selection, FieldNode):
                continue
            name = selection.name.value
            entry = builder.add_field(name, name, composite=selection.selection_set is not None,
                                      internal=True, path=path)
            if selection.selection_set is None or entry.sub is None or isinstance(
                parent, GraphQLUnionType
            ):
                continue
            definition = parent.fields[name]
            child = get_named_type(definition.type)
            assert isinstance(child, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType)
            child_path = path + (name,) + ("@",) * _list_depth(definition.type)
            self._add_plain(selection.selection_set, entry.sub, child, child_path)

    def _usable_key(self, type_name: str, target: str, source: str) -> str | None:
        """A resolvable @key of ``type_name`` in ``target`` whose fields ``source`` can supply."""
        info = self.supergraph.types.get(type_name)
        if info is None:
            return None
        for join in info.keys_in(target):
            assert join.key is not None
            names = [
                s.name.value for s in parse_field_set(join.key).selections
                if isinstance(s, FieldNode)
            ]
            if all(source in self.supergraph.field_graphs(type_name, n) for n in names):
                return join.key
        return None

    @contextmanager
    def _touching(self) -> Iterator[set[FetchGroup]]:
        touched: set[FetchGroup] = set()
        self.touched_stack.append(touched)
        try:
            yield touched
        finally:
            self.touched_stack.pop()

    def _new_group(
        self, graph: str, path: tuple[str, ...], *, operation_kind: str = "query"
    ) -> FetchGroup:
        group = FetchGroup(graph=graph, merge_path=path, operation_kind=operation_kind)
        self.groups.append(group)
        return group

    def _entity_group(self, parent: FetchGroup, graph: str, path: tuple[str, ...]) -> FetchGroup:
        key = (graph, path, id(parent))
        group = self.entity_groups.get(key)
        if group is None:
            group = self._new_group(graph, path)
            group.is_entity = True
            group.depends_on.append(parent)
            self.entity_groups[key] = group
        for touched in self.touched_stack:
            touched.add(group)
        return group

    def _service(self, graph: str) -> str:
        return self.supergraph.subgraphs[graph].name

    # --- turning groups into plan nodes --------------------------------------------------------

    def _tree(self, groups: list[FetchGroup]) -> PlanNode | None:
        """Arrange groups so each runs after what it depends on, independent ones in parallel."""
        members = set(groups)
        deps = {g: [d for d in g.depends_on if d in members] for g in groups}
        if all(len(d) <= 1 for d in deps.values()):
            children = {g: [h for h in groups if deps[h] == [g]] for g in groups}

            def subtree(group: FetchGroup) -> PlanNode:
                node = self._fetch_node(group)
                below = [subtree(child) for child in children[group]]
                if not below:
                    return node
                after = _one_of(below, ParallelNode)
                assert after is not None
                return SequenceNode((node, after))

            return _one_of([subtree(g) for g in groups if not deps[g]], ParallelNode)
        level: dict[FetchGroup, int] = {}

        def level_of(group: FetchGroup) -> int:  # longest chain of dependencies below it
            if group not in level:
                level[group] = 1 + max((level_of(d) for d in deps[group]), default=-1)
            return level[group]

        for group in groups:
            level_of(group)
        stages = [
            _one_of([self._fetch_node(g) for g in groups if level[g] == n], ParallelNode)
            for n in range(max(level.values(), default=-1) + 1)
        ]
        return _one_of([s for s in stages if s is not None], SequenceNode)

    def _fetch_node(self, group: FetchGroup) -> PlanNode:
        selection = group.selection.to_ast(self._clashes)
        collector = _VariableCollector()
        visit(selection, collector)
        used = [n for n in collector.names if n in self.variables]
        definitions = tuple(self.variables[n] for n in used)
        client_name = self.operation.name.value if self.operation.name else None
        index = self.groups.index(group)
        name = (
            NameNode(value=f"{client_name}__{self._service(group.graph)}__{index}")
            if client_name else None
        )
        requires: tuple[tuple[str, tuple[RequiredField, ...]], ...] = ()
        requires_selection = None
        if group.is_entity:
            representations = VariableDefinitionNode(
                variable=VariableNode(name=NameNode(value="representations")),
                type=parse_type("[_Any!]!"),
                directives=(),
            )
            entities = FieldNode(
                name=NameNode(value="_entities"),
                arguments=(ArgumentNode(
                    name=NameNode(value="representations"),
                    value=VariableNode(name=NameNode(value="representations")),
                ),),
                directives=(),
                selection_set=selection,
            )
            operation = OperationDefinitionNode(
                operation=OperationType.QUERY, name=name,
                variable_definitions=(representations, *definitions), directives=(),
                selection_set=SelectionSetNode(selections=(entities,)),
            )
            wrapper = SelectionBuilder()
            for type_name, requirement in group.requirements.items():
                fragment = wrapper.add_fragment(type_name)
                fragment.entries.update(requirement.entries)
                requires += ((type_name, _required_fields(requirement.to_ast())),)
            requires_selection = wrapper.to_ast()
        else:
            operation = OperationDefinitionNode(
                operation=OperationType(group.operation_kind), name=name,
                variable_definitions=definitions, directives=(), selection_set=selection,
            )
        fetch = FetchNode(
            service=self._service(group.graph),
            graph=group.graph,
            operation=print_ast(DocumentNode(definitions=(operation,))),
            operation_kind=group.operation_kind,
            variable_usages=tuple(used),
            selection=selection,
            requires=requires,
            requires_selection=requires_selection,
        )
        return FlattenNode(group.merge_path, fetch) if group.is_entity else fetch


def _add_plain(selection_set: SelectionSetNode, builder: SelectionBuilder) -> None:
    """Copy a field set into a representation description as is: no aliases, no jumps."""
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            entry = builder.add_field(
                selection.name.value, selection.name.value,
                composite=selection.selection_set is not None,
            )
            if selection.selection_set is not None and entry.sub is not None:
                _add_plain(selection.selection_set, entry.sub)
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition.name.value if selection.type_condition else None
            _add_plain(selection.selection_set, builder.add_fragment(condition))


def _depends(group: FetchGroup, on: FetchGroup) -> bool:
    """Whether ``group`` waits, directly or not, for ``on``."""
    pending, seen = list(group.depends_on), set()
    while pending:
        current = pending.pop()
        if current is on:
            return True
        if current not in seen:
            seen.add(current)
            pending.extend(current.depends_on)
    return False


def _unique(groups: list[FetchGroup]) -> list[FetchGroup]:
    seen: list[FetchGroup] = []
    for group in groups:
        if group not in seen:
            seen.append(group)
    return seen


def _one_of(
    nodes: list[PlanNode], kind: type[SequenceNode] | type[ParallelNode]
) -> PlanNode | None:
    if not nodes:
        return None
    if len(nodes) == 1:
        return nodes[0]
    flat: list[PlanNode] = []
    for node in nodes:  # Sequence { Sequence { a, b }, c } is Sequence { a, b, c }
        flat.extend(node.nodes if isinstance(node, kind) else (node,))
    return kind(tuple(flat))
