"""The query planner: which subgraph fetches what, in which order.

The planner walks the client's operation against the API schema and drops every field into a
*fetch group*: one request to one subgraph. A field the current subgraph cannot resolve becomes an
entity jump: the current group also selects ``__typename`` and the ``@key`` fields, and a child
group, run afterwards, asks the owning subgraph for the field through ``_entities``. Fields named
in ``@requires`` are planned first, like client fields, so representations can carry them.

Choices that keep plans small and correct:

* Stay in the current subgraph whenever it can resolve a field (``@shareable``) or the path
  ``@provides`` it, unless another subgraph answers the whole sub-selection with fewer fetches
  (an estimate: ``_cost``). Shareable root fields may be split into parallel root fetches.
* No key leads straight to the subgraph that has a field: re-fetch the entity through a chain of
  subgraphs by key (``_route``). A value type's field missing here: re-fetch the nearest entity
  above it elsewhere, asking only for the missing piece (``_jump_from_anchor``).
* ``@interfaceObject``: fields it adds are fetched with the interface as the entity type; from
  it, ``__typename`` and type conditions go to a subgraph with the real interface.
* One child group per (subgraph, response path, parent group): all jumps from the same objects to
  the same subgraph share one batched ``_entities`` call.
* Response keys in subgraph operations are the client's response keys, so subgraph results merge
  into the client's shape and subgraph error paths are already client paths.
* ``@skip``/``@include`` travel with the fields they guard, so a skipped field is never fetched.
* Mutation root fields run strictly in order; consecutive fields for one subgraph share a fetch.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from graphql import (
    ArgumentNode,
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    NamedTypeNode,
    NameNode,
    OperationDefinitionNode,
    OperationType,
    SelectionNode,
    SelectionSetNode,
    VariableDefinitionNode,
    VariableNode,
    Visitor,
    get_named_type,
    is_abstract_type,
    is_composite_type,
    parse_type,
    print_ast,
    visit,
)

from router.api_schema import build_api_schema
from router.fieldsets import (
    Provided,
    parse_field_set,
    provided_child,
    provided_tree,
    required_fields,
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
from router.response_keys import ResponseKeys, list_depth, signature
from router.selection import SelectionBuilder
from router.supergraph import Supergraph, top_level_fields

logger = logging.getLogger(__name__)
CONDITIONAL_DIRECTIVES = ("skip", "include")
INFEASIBLE = float("inf")  # the cost of a selection no sequence of fetches can resolve
PLANNING_BUDGET = 2.0  # seconds one operation's planning may take before it is refused
ObjectOrInterface = GraphQLObjectType | GraphQLInterfaceType


class PlanningError(Exception):
    """The operation is valid but this router cannot plan it; the message says what is missing.

    Clients get it as a ``QUERY_PLANNING_FAILED`` error. ``internal`` marks one that stands for
    a fault of the planner itself (an unexpected exception, logged with its traceback) rather
    than an operation the supergraph cannot serve.
    """

    internal = False


@dataclass(frozen=True)
class CollectedField:
    """A client field plus the ``@skip``/``@include`` of the fragments it sat in."""

    node: FieldNode
    conditions: tuple[DirectiveNode, ...] = ()

    @property
    def response_key(self) -> str:
        return self.node.alias.value if self.node.alias else self.node.name.value


@dataclass(frozen=True)
class _Anchor:
    """The nearest entity above the field being planned, in the same fetch: where to re-fetch
    from when a value type's field is missing in this subgraph."""

    entity: ObjectOrInterface
    group: FetchGroup
    builder: SelectionBuilder  # the entity's selection in that fetch
    path: tuple[str, ...]  # the entity's response path
    chain: tuple[tuple[CollectedField, str], ...]  # fields from the entity down, with their parent


def _with_conditions(cf: CollectedField) -> SelectionNode:
    """A collected field as a selection again, inside its fragments' ``@skip``/``@include``."""
    if not cf.conditions:
        return cf.node
    return InlineFragmentNode(type_condition=None, directives=cf.conditions,
                              selection_set=SelectionSetNode(selections=(cf.node,)))


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
    interface_objects: set[str] = field(default_factory=set)  # see FetchNode



def _statically_excluded(directives: tuple[DirectiveNode, ...] | None) -> bool:
    """Whether a literal ``@skip(if: true)`` or ``@include(if: false)`` removes a selection."""
    for directive in directives or ():
        name = directive.name.value
        if name not in CONDITIONAL_DIRECTIVES:
            continue
        for argument in directive.arguments or ():
            if argument.name.value == "if" and isinstance(argument.value, BooleanValueNode) \
                    and argument.value.value == (name == "skip"):
                return True
    return False


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
        self.api_schema = schema
        # Planning works on the supergraph's own types, @inaccessible ones included: keys and
        # @requires may name fields clients cannot see. Client documents validated against the
        # API schema are valid against this one too.
        self.schema = build_api_schema(supergraph.document, keep_inaccessible=True)

    def plan(self, document: DocumentNode, operation_name: str | None = None) -> QueryPlan:
        """Plan ``operation_name`` of a document that already passed validation.

        Raises only :class:`PlanningError`: whatever else goes wrong inside is a planner bug,
        logged and reported as an internal planning error, never as an exception a client sees.
        """
        try:
            return _PlanBuilder(self, document, operation_name).build()
        except PlanningError:
            raise
        except Exception as exc:  # the boundary: a bug must not escape as a 500
            logger.exception("planning failed unexpectedly")
            failure = PlanningError(
                f"the router failed to plan this operation ({type(exc).__name__}: {exc})")
            failure.internal = True
            raise failure from exc


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
        self.internal_depth = 0  # > 0 while planning fields for @requires rather than the client
        # the client's response keys, and the planner's own (set when build() knows the root)
        self.keys = ResponseKeys()
        self.anchors: list[_Anchor | None] = []  # nearest entity above the field being planned
        # @skip/@include of the field whose @requires is being planned: jumps made for it carry
        # them, so nothing is fetched for a skipped field
        self.guards: tuple[DirectiveNode, ...] = ()
        self.cost_memo: dict[tuple[str, int, str, str], tuple[SelectionSetNode, float]] = {}
        self.field_cost_memo: dict[
            tuple[str, int, str, str, frozenset[str]], tuple[FieldNode, float]
        ] = {}
        self.deadline = time.monotonic() + PLANNING_BUDGET
        self.route_memo: dict[tuple[str, str, str], list[str] | None] = {}

    # --- entry point ------------------------------------------------------------------------

    def build(self) -> QueryPlan:
        kind = self.operation.operation
        schema = self.schema
        root = {
            OperationType.QUERY: schema.query_type,
            OperationType.MUTATION: schema.mutation_type,
            OperationType.SUBSCRIPTION: schema.subscription_type,
        }[kind]
        if root is None:
            raise PlanningError(f"the schema has no {kind.value} type")
        self.keys = ResponseKeys.scan(self.schema, self.operation, self.fragments, root)
        root_fields = [
            cf for cf in self.collect(root, self.operation.selection_set)
            if not cf.node.name.value.startswith("__")  # introspection: answered by the router
        ]
        if kind == OperationType.MUTATION:
            return QueryPlan(self._plan_mutation(root, root_fields))
        if kind == OperationType.SUBSCRIPTION:
            return QueryPlan(self._plan_subscription(root, root_fields))
        return QueryPlan(self._plan_query(root, root_fields))

    def _plan_subscription(
        self, root: GraphQLObjectType, fields: list[CollectedField]
    ) -> PlanNode | None:
        """The primary fetch (a ``subscription`` to the owning subgraph) first, then entity fetches.

        Validation allows one root response key (possibly selected several times), so there is
        one primary fetch. The fetches after it run once per event (``router.subscriptions.plan``
        splits the plan at that point).
        """
        if fields:
            group = self._new_group(self._graphs_for(root, fields[0])[0], (),
                                    operation_kind="subscription")
            self.plan_object(root, fields, group, group.selection, (), None)
        return self._tree(self.groups)

    def _plan_query(self, root: GraphQLObjectType, fields: list[CollectedField]) -> PlanNode | None:
        by_graph: dict[str, FetchGroup] = {}
        for cf in fields:
            graphs = self._graphs_for(root, cf)
            # fetches the field costs from each subgraph: later jumps, plus one for a new fetch
            scores = [
                (self._field_cost(root, cf.node, g, None) + (0 if g in by_graph else 1), i)
                for i, g in enumerate(graphs)
            ]
            best, index = min(scores)
            split = self._split_root_field(root, cf, graphs, by_graph, best) if best > 1 else None
            for graph, part in split or [(graphs[index], cf)]:
                group = by_graph.get(graph)
                if group is None:
                    group = by_graph[graph] = self._new_group(graph, ())
                self.plan_object(root, [part], group, group.selection, (), None)
        return self._tree(self.groups)

    def _split_root_field(
        self,
        root: GraphQLObjectType,
        cf: CollectedField,
        graphs: list[str],
        by_graph: dict[str, FetchGroup],
        budget: float,
    ) -> list[tuple[str, CollectedField]] | None:
        """A root field several subgraphs serve, asked of several of them side by side.

        When each subfield can be answered, without jumps, by one of the subgraphs serving the
        root field, asking each its share in parallel beats one fetch followed by jumps (as
        many fetches, one round trip). None when that does not work out or costs more.
        """
        named = get_named_type(root.fields[cf.node.name.value].type)
        if not isinstance(named, GraphQLObjectType) or cf.node.selection_set is None:
            return None
        shares: dict[str, list[SelectionNode]] = {}
        for sub in self.collect(named, cf.node.selection_set):
            free = [g for g in graphs if self._field_cost(named, sub.node, g, None) == 0]
            if not free:
                return None
            graph = next((g for g in free if g in shares), free[0])
            node: SelectionNode = sub.node
            if sub.conditions:  # keep the @skip/@include of the fragments it came from
                node = InlineFragmentNode(
                    type_condition=None, directives=sub.conditions,
                    selection_set=SelectionSetNode(selections=(sub.node,)),
                )
            shares.setdefault(graph, []).append(node)
        if len(shares) < 2 or sum(g not in by_graph for g in shares) > budget:
            return None
        return [
            (graph, CollectedField(
                FieldNode(alias=cf.node.alias, name=cf.node.name, arguments=cf.node.arguments,
                          directives=cf.node.directives,
                          selection_set=SelectionSetNode(selections=tuple(nodes))),
                cf.conditions,
            ))
            for graph, nodes in shares.items()
        ]

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

    def _fragment(self, selection: SelectionNode) -> tuple[NamedTypeNode | None, SelectionSetNode]:
        """The type condition and selections of an inline fragment or a fragment spread."""
        if isinstance(selection, InlineFragmentNode):
            return selection.type_condition, selection.selection_set
        assert isinstance(selection, FragmentSpreadNode)
        fragment = self.fragments[selection.name.value]
        return fragment.type_condition, fragment.selection_set

    def collect(
        self,
        parent: ObjectOrInterface,
        selection_set: SelectionSetNode,
        conditions: tuple[DirectiveNode, ...] = (),
    ) -> list[CollectedField]:
        """The fields of ``selection_set`` that apply to ``parent``, fragments flattened."""
        found: list[CollectedField] = []
        for selection in selection_set.selections:
            if _statically_excluded(selection.directives):
                continue  # @skip(if: true) / @include(if: false): never fetched
            if isinstance(selection, FieldNode):
                found.append(CollectedField(selection, conditions))
                continue
            condition, inner = self._fragment(selection)
            if condition is None or self.applies(condition.name.value, parent.name):
                found += self.collect(
                    parent, inner, conditions + _conditions(selection.directives)
                )
        return found

    def _only_own_fields(self, parent: ObjectOrInterface, selection_set: SelectionSetNode) -> bool:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                continue
            condition, inner = self._fragment(selection)
            if condition is not None and condition.name.value != parent.name:
                return False
            if not self._only_own_fields(parent, inner):
                return False
        return True

    # --- planning -----------------------------------------------------------------------------

    def resolvable(self, type_name: str, field_name: str, graph: str, provided: Provided | None
                   ) -> bool:
        if provided_child(provided, type_name, field_name) is not None:
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
        builder.add_field("__typename", "__typename")
        only_typenames = all(
            isinstance(sel, FieldNode) and sel.name.value == "__typename"
            for sel in selection_set.selections
        )
        if only_typenames and not self._is_interface_object(parent.name, group.graph):
            for sel in selection_set.selections:
                assert isinstance(sel, FieldNode)
                key = sel.alias.value if sel.alias else "__typename"
                builder.add_field(key, "__typename", (), _conditions(sel.directives))
            return
        if isinstance(parent, GraphQLInterfaceType) and self._is_interface_object(
            parent.name, group.graph
        ):
            self._plan_interface_object(parent, selection_set, group, builder, path, provided)
            return
        if isinstance(parent, GraphQLInterfaceType) and self._interface_stays(
            parent, selection_set, group.graph, provided
        ):
            self.plan_object(parent, self.collect(parent, selection_set), group, builder, path,
                             provided)
            return
        for runtime in self._runtimes(parent, group.graph):
            fields = self.collect(runtime, selection_set)
            if fields:
                fragment = builder.add_fragment(runtime.name)
                self.plan_object(runtime, fields, group, fragment, path, provided)

    def _runtimes(
        self, parent: GraphQLInterfaceType | GraphQLUnionType, graph: str
    ) -> list[GraphQLObjectType]:
        """The object types ``graph`` may return where ``parent`` is expected."""
        return [
            runtime for runtime in self.schema.get_possible_types(parent)
            if self._graph_returns(runtime.name, parent, graph)
        ]

    def _is_interface_object(self, type_name: str, graph: str) -> bool:
        info = self.supergraph.types.get(type_name)
        return info is not None and info.is_interface_object_in(graph)

    def _plan_interface_object(
        self,
        parent: GraphQLInterfaceType,
        selection_set: SelectionSetNode,
        group: FetchGroup,
        builder: SelectionBuilder,
        path: tuple[str, ...],
        provided: Provided | None,
    ) -> None:
        """Plan an interface in a subgraph that only knows it as an ``@interfaceObject``.

        That subgraph resolves the interface's own fields but cannot tell the concrete type:
        ``__typename`` and fragments on implementations go, through the interface's key, to a
        subgraph where the interface is a real one.
        """
        own = [cf for cf in self.collect(parent, selection_set)
               if cf.node.name.value != "__typename"]
        self.plan_object(parent, own, group, builder, path, provided)
        concrete = self._concrete_part(parent, selection_set)
        if not concrete:
            return
        targets = [
            graph for graph in self.supergraph.type_graphs(parent.name)
            if not self._is_interface_object(parent.name, graph)
        ]
        routes = [r for r in (self._route(parent.name, group.graph, g) for g in targets) if r]
        if not routes:
            raise PlanningError(
                f"cannot plan {parent.name}: subgraph {self._service(group.graph)} knows it as "
                "an @interfaceObject and no subgraph with the real interface is reachable by key"
            )
        route = min(routes, key=len)
        current, current_builder = group, builder
        for hop in route:
            current, current_builder = self._enter(parent, current, current_builder, hop, path)
        self.plan_selection_set(
            parent, SelectionSetNode(selections=tuple(concrete)), current, current_builder, path,
            None,
        )

    def _concrete_part(
        self, parent: GraphQLInterfaceType, selection_set: SelectionSetNode
    ) -> list[SelectionNode]:
        """The selections that need the concrete type: ``__typename`` and type conditions."""
        found: list[SelectionNode] = []
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if selection.name.value == "__typename":
                    found.append(selection)
                continue
            condition, inner = self._fragment(selection)
            if condition is None or condition.name.value == parent.name:
                found.extend(self._concrete_part(parent, inner))
            else:
                found.append(selection)
        return found

    def _interface_stays(
        self,
        parent: GraphQLInterfaceType,
        selection_set: SelectionSetNode,
        graph: str,
        provided: Provided | None,
    ) -> bool:
        """True when the whole selection can be asked of the interface itself in ``graph``:
        each field is resolvable there, or reachable through the interface's own key."""
        if not self.supergraph.type_in_graph(parent.name, graph):
            return False
        if not self._only_own_fields(parent, selection_set):
            return False
        for cf in self.collect(parent, selection_set):
            name = cf.node.name.value
            if name == "__typename" or self.resolvable(parent.name, name, graph, provided):
                continue
            targets = self.supergraph.field_graphs(parent.name, name)
            if not any(self._route(parent.name, graph, t) for t in targets):
                return False
        return True

    def _graph_returns(
        self, runtime: str, abstract: GraphQLInterfaceType | GraphQLUnionType, graph: str
    ) -> bool:
        """Whether ``graph`` can hand back a ``runtime`` object where ``abstract`` is expected."""
        info = self.supergraph.types.get(runtime)
        if info is None or graph not in self.supergraph.type_graphs(runtime):
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
                target.add_field(cf.response_key, name, (), _conditions(cf.node.directives))
            elif name.startswith("__"):
                continue  # __schema / __type: the router answers introspection itself
            elif self._local_requires(parent, name, group.graph, provided):
                # the subgraph resolves it, but only from a representation carrying the
                # required fields: fetch those, then come back through _entities
                self._jump(parent, cf, group, builder, path, to_self=True)
            elif self.resolvable(parent.name, name, group.graph, provided) and not (
                self._better_elsewhere(parent, cf.node, group.graph, provided)
            ):
                with self._anchored(parent, cf, group, builder, path):
                    self._add_resolved(parent, cf.node, group, target, path, provided)
            else:
                anchor = self.anchors[-1] if self.anchors else None
                if anchor is not None and anchor.group is group and not self._is_entity(
                    parent.name
                ):
                    self._jump_from_anchor(anchor, parent, cf)
                else:
                    self._jump(parent, cf, group, builder, path)

    def _is_entity(self, type_name: str) -> bool:
        info = self.supergraph.types.get(type_name)
        return info is not None and any(j.key is not None for j in info.joins)

    @contextmanager
    def _anchored(
        self,
        parent: ObjectOrInterface,
        cf: CollectedField,
        group: FetchGroup,
        builder: SelectionBuilder,
        path: tuple[str, ...],
    ) -> Iterator[None]:
        """Remember, while planning below ``cf``, the nearest entity above it in this fetch."""
        top = self.anchors[-1] if self.anchors else None
        anchor: _Anchor | None = None
        if self._is_entity(parent.name):
            anchor = _Anchor(parent, group, builder, path, ((cf, parent.name),))
        elif top is not None and top.group is group:
            anchor = _Anchor(top.entity, group, top.builder, top.path,
                             (*top.chain, (cf, parent.name)))
        self.anchors.append(anchor)
        try:
            yield
        finally:
            self.anchors.pop()

    def _jump_from_anchor(
        self, anchor: _Anchor, parent: ObjectOrInterface, missing: CollectedField
    ) -> None:
        """Fetch a field of a value type that this subgraph lacks: re-fetch the nearest entity
        above it elsewhere, asking only for the path down to the missing field."""
        inner: tuple[SelectionNode, ...] = (_with_conditions(missing),)
        below = parent.name
        outermost: CollectedField | None = None
        for depth in range(len(anchor.chain) - 1, -1, -1):
            link, link_parent = anchor.chain[depth]
            link_type = self.schema.get_type(link_parent)
            assert isinstance(link_type, GraphQLObjectType | GraphQLInterfaceType)
            declared = get_named_type(link_type.fields[link.node.name.value].type)
            if declared.name != below:  # what follows sat under a type condition
                inner = (InlineFragmentNode(
                    type_condition=NamedTypeNode(name=NameNode(value=below)), directives=(),
                    selection_set=SelectionSetNode(selections=inner),
                ),)
            node = link.node
            outermost = CollectedField(FieldNode(
                alias=node.alias, name=node.name, arguments=node.arguments,
                directives=node.directives, selection_set=SelectionSetNode(selections=inner),
            ), link.conditions)
            inner = (_with_conditions(outermost),)
            below = link_parent
        assert outermost is not None, "an anchor has at least one link"
        self._jump(anchor.entity, outermost, anchor.group, anchor.builder, anchor.path)

    def _local_requires(
        self, parent: ObjectOrInterface, name: str, graph: str, provided: Provided | None
    ) -> str | None:
        """The ``@requires`` of ``parent.name`` in ``graph`` when resolving it there needs one."""
        if provided_child(provided, parent.name, name) is not None:
            return None
        join = self.supergraph.field_join(parent.name, name, graph)
        if join is None or not join.requires or join.external:
            return None
        return join.requires

    def _child_provided(
        self, parent: ObjectOrInterface, name: str, graph: str, provided: Provided | None
    ) -> Provided | None:
        """What is provided below ``parent.name`` when resolved in ``graph``."""
        join = self.supergraph.field_join(parent.name, name, graph)
        if join is not None and join.provides:
            return provided_tree(parse_field_set(join.provides))
        return provided_child(provided, parent.name, name)

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
        if self.internal_depth > 0:  # a field for a representation: maybe under an alias
            key = self.keys.for_planner(path, signature(node))
        else:
            key = node.alias.value if node.alias else name
        definition = parent.fields[name]
        named = get_named_type(definition.type)
        composite = is_composite_type(named)
        arguments = tuple(node.arguments or ())
        entry = builder.add_field(
            key, name, arguments, _conditions(node.directives), composite=composite,
        )
        if not composite or node.selection_set is None or entry.sub is None:
            return
        child_provided = self._child_provided(parent, name, group.graph, provided)
        child_path = path + (key,) + ("@",) * list_depth(definition.type)
        assert isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType)
        self.plan_selection_set(named, node.selection_set, group, entry.sub, child_path,
                                child_provided)

    # --- choosing between subgraphs -------------------------------------------------------------

    def _entity_sources(
        self, parent: ObjectOrInterface, name: str
    ) -> tuple[ObjectOrInterface, list[str]]:
        """The entity type to jump with for ``parent.name``, and the subgraphs resolving it.

        Usually ``parent`` itself. A field an ``@interfaceObject`` adds to every implementation
        is resolved through the interface: the jump goes to the interface's subgraph with the
        interface as the entity type.
        """
        graphs = self.supergraph.field_graphs(parent.name, name)
        if graphs or not isinstance(parent, GraphQLObjectType):
            return parent, graphs
        for interface in parent.interfaces:
            info = self.supergraph.types.get(interface.name)
            if info is None or not any(j.is_interface_object for j in info.joins):
                continue
            via = self.supergraph.field_graphs(interface.name, name)
            if via and name in interface.fields:
                return interface, via
        return parent, []

    def _better_elsewhere(
        self, parent: ObjectOrInterface, node: FieldNode, graph: str, provided: Provided | None
    ) -> bool:
        """Whether re-fetching the parent elsewhere beats resolving ``node`` in ``graph``: its
        sub-selection cannot be completed from ``graph`` (backtracking), or needs more fetches
        from there than from another subgraph (``@shareable`` fields)."""
        if node.selection_set is None:
            return False
        definition = parent.fields[node.name.value]
        named = get_named_type(definition.type)
        assert isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType)
        child_provided = self._child_provided(parent, node.name.value, graph, provided)
        stay = self._cost(named, node.selection_set, graph, child_provided)
        if stay == 0 or stay == INFEASIBLE:
            # unreachable pieces below are re-fetched from the nearest entity (_jump_from_anchor);
            # whatever this subgraph has stays here
            return False
        return self._jump_cost(parent, node, graph) < stay

    def _field_cost(
        self,
        parent: ObjectOrInterface,
        node: FieldNode,
        graph: str,
        provided: Provided | None,
        visited: frozenset[str] = frozenset(),
    ) -> float:
        """How many more fetches ``node`` needs when its parent object comes from ``graph``.

        ``visited`` holds the subgraphs this field was already priced in on the way here: a
        jump never goes back to one of them (that would be a cycle, never a cheaper plan).
        Results are memoised per (type, field, subgraph, provided, visited).
        """
        name = node.name.value
        if name.startswith("__"):
            return 0
        memo_key = (parent.name, id(node), graph, repr(provided), visited)
        known = self.field_cost_memo.get(memo_key)
        if known is not None and known[0] is node:
            return known[1]
        self._check_budget()
        self.field_cost_memo[memo_key] = (node, INFEASIBLE)  # a cycle back here is no way out
        cost = self._price_field(parent, node, graph, provided, visited)
        self.field_cost_memo[memo_key] = (node, cost)
        return cost

    def _price_field(
        self,
        parent: ObjectOrInterface,
        node: FieldNode,
        graph: str,
        provided: Provided | None,
        visited: frozenset[str],
    ) -> float:
        name = node.name.value
        required = self._local_requires(parent, name, graph, provided)
        if required is not None:
            return 1 + self._cost(parent, parse_field_set(required), graph, None)
        if not self.resolvable(parent.name, name, graph, provided):
            return self._jump_cost(parent, node, graph, visited)
        if node.selection_set is None:
            return 0
        named = get_named_type(parent.fields[name].type)
        assert isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType)
        child_provided = self._child_provided(parent, name, graph, provided)
        stay = self._cost(named, node.selection_set, graph, child_provided)
        if stay == 0:
            return 0
        return min(stay, self._jump_cost(parent, node, graph, visited))

    def _jump_cost(
        self,
        parent: ObjectOrInterface,
        node: FieldNode,
        graph: str,
        visited: frozenset[str] = frozenset(),
    ) -> float:
        """Fetches needed to resolve ``node`` by re-fetching its parent in another subgraph
        (one not visited on the way here)."""
        entity, targets = self._entity_sources(parent, node.name.value)
        seen = visited | {graph}
        best = INFEASIBLE
        for target in targets:
            if target in seen:
                continue
            route = self._route(entity.name, graph, target)
            if route is None or any(hop in seen for hop in route):
                continue
            best = min(best, len(route) + self._field_cost(entity, node, target, None, seen))
        return best

    def _check_budget(self) -> None:
        if time.monotonic() > self.deadline:
            raise PlanningError(
                f"planning took longer than {PLANNING_BUDGET:g} s: the operation is too "
                "complex for this supergraph"
            )

    def _cost(
        self,
        parent: GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType,
        selection_set: SelectionSetNode,
        graph: str,
        provided: Provided | None,
    ) -> float:
        """Extra fetches needed for ``selection_set`` on objects ``graph`` returned.

        An estimate that counts every jump once; infinite when some field cannot be reached.
        """
        # Keyed by the selection set's identity; the entry holds the node itself so that id
        # cannot be reused by another (temporary) selection set while the entry exists.
        memo_key = (parent.name, id(selection_set), graph, repr(provided))
        known = self.cost_memo.get(memo_key)
        if known is not None and known[0] is selection_set:
            return known[1]
        # a cycle back to this selection is no way out
        self.cost_memo[memo_key] = (selection_set, INFEASIBLE)
        runtimes: list[ObjectOrInterface]
        if isinstance(parent, GraphQLObjectType) or (
            isinstance(parent, GraphQLInterfaceType) and (
                self._is_interface_object(parent.name, graph)
                or self._interface_stays(parent, selection_set, graph, provided)
            )
        ):
            runtimes = [parent]
        else:
            runtimes = list(self._runtimes(parent, graph))
        total = 0.0
        for runtime in runtimes:
            for cf in self.collect(runtime, selection_set):
                total += self._field_cost(runtime, cf.node, graph, provided)
        self.cost_memo[memo_key] = (selection_set, total)
        return total

    def _route(
        self, type_name: str, source: str, target: str, *, allow_self: bool = False
    ) -> list[str] | None:
        """The subgraphs to pass through, by ``@key``, to get from ``source`` to ``target``
        with an object of ``type_name``; None when no chain of usable keys leads there.
        ``allow_self`` asks for a way back into ``source`` itself."""
        if allow_self and source == target:
            return [target] if self._usable_key(type_name, target, source) else None
        memo_key = (type_name, source, target)
        if memo_key in self.route_memo:
            return self.route_memo[memo_key]
        found: list[str] | None = None
        if source != target:
            frontier: list[tuple[str, list[str]]] = [(source, [])]
            seen = {source}
            while frontier and found is None:
                following: list[tuple[str, list[str]]] = []
                for graph, hops in frontier:
                    for candidate in self.supergraph.subgraphs:
                        if candidate in seen or self._usable_key(type_name, candidate,
                                                                 graph) is None:
                            continue
                        if candidate == target:
                            found = [*hops, candidate]
                            break
                        seen.add(candidate)
                        following.append((candidate, [*hops, candidate]))
                    if found is not None:
                        break
                frontier = following
        self.route_memo[memo_key] = found
        return found

    # --- entity jumps ---------------------------------------------------------------------------

    def _jump(
        self,
        parent: ObjectOrInterface,
        cf: CollectedField,
        group: FetchGroup,
        builder: SelectionBuilder,
        path: tuple[str, ...],
        *,
        to_self: bool = False,
    ) -> None:
        """Plan ``cf`` in another subgraph through ``_entities``, keyed on ``parent``'s @key.

        When no key leads straight there, the parent is re-fetched through subgraphs in between.
        ``to_self`` jumps back into the current subgraph (for a field with ``@requires``).
        """
        name = cf.node.name.value
        entity, candidates = self._entity_sources(parent, name)
        if to_self:
            entity, candidates = parent, [group.graph]
        if not candidates:
            raise PlanningError(f"no subgraph resolves {parent.name}.{name}")
        best: tuple[tuple[float, int, int], list[str]] | None = None
        for order, graph in enumerate(candidates):
            if graph == group.graph and not to_self:
                continue
            route = self._route(entity.name, group.graph, graph, allow_self=to_self)
            if route is None:
                continue
            fetches = len(route) + self._field_cost(entity, cf.node, graph, None)
            shared = 0 if (route[0], path, id(group)) in self.entity_groups else 1
            score = (fetches, shared, order)
            if best is None or score < best[0]:
                best = (score, route)
        if best is None:
            raise PlanningError(
                f"cannot plan {parent.name}.{name}: subgraph "
                f"{self._service(group.graph)} has no @key of {entity.name} usable by "
                f"{', '.join(self._service(g) for g in candidates)}"
            )
        route = best[1]
        current, current_builder = group, builder
        for hop in route[:-1]:
            current, current_builder = self._enter(entity, current, current_builder, hop, path)
        target = route[-1]
        # @requires: the required fields are planned first, where the representation comes
        # from; the fetch for the field then waits for every fetch they needed.
        join = self.supergraph.field_join(entity.name, name, target)
        required = parse_field_set(join.requires) if join is not None and join.requires else None
        needed: set[FetchGroup] = set()
        if required is not None:
            key = self._usable_key(entity.name, target, current.graph)
            assert key is not None, "routes only use usable keys"
            current_builder.add_field("__typename", "__typename")
            self._add_field_set(parse_field_set(key), current_builder, entity, path)  # keys first
            # what a skipped field requires is not fetched either: its @skip/@include go along
            guards = (*cf.conditions, *_conditions(cf.node.directives))
            required_builder = current_builder
            for guard in guards:
                required_builder = required_builder.add_fragment(None, (guard,))
            outer_guards = self.guards
            with self._touching() as needed:
                self.internal_depth += 1
                self.guards = (*outer_guards, *guards)
                try:
                    self.plan_object(entity, self.collect(entity, required), current,
                                     required_builder, path, None)
                finally:
                    self.internal_depth -= 1
                    self.guards = outer_guards
        # A required field may itself come through the fetch this field would share (it needs
        # the same subgraph at the same place): then this field gets a fetch of its own.
        sharing = self.entity_groups.get((target, path, id(current)))
        separate = sharing is not None and any(
            g is sharing or _depends(g, sharing) for g in needed
        )
        child, fragment = self._enter(entity, current, current_builder, target, path,
                                      separate=separate)
        for dependency in needed:
            if dependency is child or dependency in child.depends_on:
                continue
            if _depends(dependency, child):
                raise PlanningError(
                    f"cannot plan {parent.name}.{name}: its @requires needs a fetch that "
                    "itself waits for this one"
                )
            child.depends_on.append(dependency)
        if required is not None:
            self._add_field_set(required, child.requirements[entity.name], entity, path)

        for condition in (*self.guards, *cf.conditions):
            fragment = fragment.add_fragment(None, (condition,))
        self._add_resolved(entity, cf.node, child, fragment, path, None)

    def _enter(
        self,
        entity: ObjectOrInterface,
        source: FetchGroup,
        source_builder: SelectionBuilder,
        target: str,
        path: tuple[str, ...],
        *,
        separate: bool = False,
    ) -> tuple[FetchGroup, SelectionBuilder]:
        """One hop: ``source`` selects the key, an ``_entities`` fetch of ``target`` follows.

        Returns that fetch (shared with other jumps from ``source`` to ``target`` at ``path``
        unless ``separate``) and the builder for fields asked of the entity there.
        """
        key = self._usable_key(entity.name, target, source.graph)
        assert key is not None, "routes only use usable keys"
        key_selection = parse_field_set(key)
        source_builder.add_field("__typename", "__typename")
        self._add_field_set(key_selection, source_builder, entity, path)
        child = self._entity_group(source, target, path, separate=separate)
        requirement = child.requirements.setdefault(entity.name, SelectionBuilder())
        requirement.add_field("__typename", "__typename")
        self._add_field_set(key_selection, requirement, entity, path)
        if self._is_interface_object(entity.name, target):
            child.interface_objects.add(entity.name)
        return child, child.selection.add_fragment(entity.name)

    def _add_field_set(
        self,
        selection_set: SelectionSetNode,
        builder: SelectionBuilder,
        parent: GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType,
        path: tuple[str, ...],
    ) -> None:
        """Add a field set (a ``@key``, a ``@requires``) as is, no jumps: to a fetch, for the
        key fields it must return, or to the description of what a representation carries.

        Each field goes under the response key the planner fetches it with (an alias when it
        has to dodge one of the client's: ``ResponseKeys``). A level with type conditions also
        carries ``__typename``, which the receiving subgraph needs to read the object as the
        right type."""
        if any(isinstance(s, InlineFragmentNode) and s.type_condition is not None
               for s in selection_set.selections):
            builder.add_field("__typename", "__typename")
        for selection in selection_set.selections:
            if isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                assert isinstance(inner, GraphQLObjectType | GraphQLInterfaceType
                                  | GraphQLUnionType)
                self._add_field_set(selection.selection_set, builder.add_fragment(
                    condition.name.value if condition else None), inner, path)
                continue
            if not isinstance(selection, FieldNode):
                continue
            name = selection.name.value
            key = self.keys.for_planner(path, signature(selection))
            entry = builder.add_field(key, name, composite=selection.selection_set is not None)
            if selection.selection_set is None or entry.sub is None or isinstance(
                parent, GraphQLUnionType
            ):
                continue
            definition = parent.fields[name]
            child = get_named_type(definition.type)
            assert isinstance(child, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType)
            self._add_field_set(selection.selection_set, entry.sub, child,
                                path + (key,) + ("@",) * list_depth(definition.type))

    def _usable_key(self, type_name: str, target: str, source: str) -> str | None:
        """A resolvable @key of ``type_name`` in ``target`` whose fields ``source`` can supply."""
        info = self.supergraph.types.get(type_name)
        if info is None or not self.supergraph.type_in_graph(type_name, source):
            return None
        for join in info.keys_in(target):
            assert join.key is not None
            if all(self.supergraph.can_supply(type_name, name, source)
                   for name in top_level_fields(join.key)):
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

    def _entity_group(
        self, parent: FetchGroup, graph: str, path: tuple[str, ...], *, separate: bool = False
    ) -> FetchGroup:
        key = (graph, path, id(parent))
        group = None if separate else self.entity_groups.get(key)
        if group is None:
            group = self._new_group(graph, path)
            group.is_entity = True
            group.depends_on.append(parent)
            if not separate:
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
                return _one_of([node, after], SequenceNode) or node  # flattens a nested Sequence

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
        selection = group.selection.to_ast()
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
                requires += ((type_name, required_fields(requirement.to_ast())),)
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
            interface_object_types=tuple(sorted(group.interface_objects)),
        )
        return FlattenNode(group.merge_path, fetch) if group.is_entity else fetch


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
