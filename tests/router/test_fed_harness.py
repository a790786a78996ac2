"""A small harness for Federation feature tests: fake subgraphs answering from dicts.

Each fake subgraph is its own SDL (composed into a supergraph with the project's composer) plus
plain data: ``{"Query": {...root values...}, "Product": [{...}, ...]}`` and optional computed
fields ``{"Product.price": lambda obj, **args: ...}``. graphql-core executes the router's
subgraph operations against an executable version of the SDL, so fetches are answered the way a
real subgraph would, ``_entities`` included. Requests travel through an in-memory httpx
transport (``http://<name>.test/graphql``): no sockets, fast, and every call is recorded.

The tests at the bottom check the harness itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from graphql import (
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    build_ast_schema,
    execute_sync,
    parse,
)

from router.executor import JsonObject
from router.gateway import Gateway, GatewayConfig, GraphQLRequest
from router.transport import HttpxPoster
from schema.compose import Subgraph, compose

FEDERATION_LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ['
    '"@key", "@shareable", "@external", "@requires", "@provides", "@override", '
    '"@inaccessible", "@interfaceObject", "@authenticated", "@requiresScopes", "@policy"])\n'
)
Resolver = Callable[..., Any]


@dataclass
class FakeSubgraph:
    """One subgraph: SDL without federation plumbing, its data and computed fields."""

    name: str
    sdl: str
    data: dict[str, Any] = field(default_factory=dict)
    resolvers: dict[str, Resolver] = field(default_factory=dict)
    down: bool = False  # answer every request with HTTP 500 and a non-JSON body

    def __post_init__(self) -> None:
        self.calls: list[JsonObject] = []  # request bodies, in order
        self.schema = self._executable_schema()

    @property
    def full_sdl(self) -> str:
        return FEDERATION_LINK + self.sdl

    def _executable_schema(self) -> GraphQLSchema:
        base = build_ast_schema(parse(self.full_sdl), assume_valid_sdl=True)
        entities = [
            name for name, type_ in base.type_map.items()
            if isinstance(type_, GraphQLObjectType) and type_.ast_node is not None
            and any(d.name.value == "key" for d in type_.ast_node.directives or ())
        ]
        plumbing = "scalar _Any\n"
        if entities:
            plumbing += f"union _Entity = {' | '.join(entities)}\n"
            root = "extend type Query" if base.query_type is not None else "type Query"
            plumbing += f"{root} {{ _entities(representations: [_Any!]!): [_Entity]! }}\n"
        return build_ast_schema(parse(self.full_sdl + plumbing), assume_valid_sdl=True)

    def objects_of(self, type_name: str) -> list[JsonObject]:
        """Stored objects of a type (of its implementations, for an interface)."""
        found = [{"__typename": type_name, **o} for o in self.data.get(type_name, [])]
        type_ = self.schema.get_type(type_name)
        if isinstance(type_, GraphQLInterfaceType):
            for runtime in self.schema.get_possible_types(type_):
                stored = self.data.get(runtime.name, [])
                found += [{"__typename": runtime.name, **o} for o in stored]
        return found

    def entity(self, representation: JsonObject) -> JsonObject | None:
        typename = str(representation.get("__typename"))
        for candidate in self.objects_of(typename):
            if _matches(candidate, representation):
                return {**representation, **candidate}
        return None

    def resolve(self, source: Any, info: GraphQLResolveInfo[Any], **args: Any) -> Any:
        parent = info.parent_type.name
        if info.field_name == "_entities":
            return [self.entity(r) for r in args["representations"]]
        computed = self.resolvers.get(f"{parent}.{info.field_name}")
        if computed is not None:
            return computed(source, **args)
        if parent == self.schema.query_type.name if self.schema.query_type else False:
            source = self.data.get("Query", {})
        elif self.schema.mutation_type is not None and parent == self.schema.mutation_type.name:
            source = self.data.get("Mutation", {})
        value = source.get(info.field_name) if isinstance(source, dict) else None
        return value(**args) if callable(value) else value

    def answer(self, body: JsonObject) -> httpx.Response:
        self.calls.append(body)
        if self.down:
            return httpx.Response(500, text="subgraph exploded")
        result = execute_sync(
            self.schema, parse(body["query"]), variable_values=body.get("variables") or {},
            field_resolver=self.resolve,
        )
        payload: JsonObject = {"data": result.data}
        if result.errors:
            payload["errors"] = [e.formatted for e in result.errors]
        return httpx.Response(200, json=payload)

    def entity_calls(self) -> list[list[JsonObject]]:
        """The representations of every ``_entities`` call this subgraph received."""
        return [c["variables"]["representations"] for c in self.calls
                if "representations" in (c.get("variables") or {})]


def _matches(stored: JsonObject, representation: JsonObject) -> bool:
    """Whether a stored object agrees with a representation on the fields it stores (keys;
    required fields the subgraph does not store are simply carried along)."""
    for key, value in representation.items():
        if key == "__typename" or key not in stored or isinstance(value, list):
            continue
        if isinstance(value, dict):
            if not isinstance(stored[key], dict) or not _matches(stored[key], value):
                return False
        elif stored[key] != value:
            return False
    return True


class FakeNetwork(httpx.AsyncBaseTransport):
    """Routes ``http://<name>.test/...`` to the fake subgraph of that name."""

    def __init__(self, subgraphs: Mapping[str, FakeSubgraph]) -> None:
        self.subgraphs = subgraphs

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        name = request.url.host.removesuffix(".test")
        subgraph = self.subgraphs.get(name)
        if subgraph is None:
            raise httpx.ConnectError(f"no fake subgraph named {name}", request=request)
        await request.aread()
        return subgraph.answer(json.loads(request.content))


class _FakePoster(HttpxPoster):
    async def aclose(self) -> None:
        await self.client.aclose()


def attach_fakes(gateway: Gateway, subgraphs: Mapping[str, FakeSubgraph]) -> None:
    """Make ``gateway`` reach the fake subgraphs instead of the network."""
    client = httpx.AsyncClient(transport=FakeNetwork(subgraphs))
    gateway._client = client
    gateway._subgraph_client = _FakePoster(client)  # type: ignore[assignment]


def compose_fakes(*subgraphs: FakeSubgraph) -> str:
    """The supergraph of some fake subgraphs, as the project's composer writes it."""
    return compose([
        Subgraph(s.name, f"http://{s.name}.test/graphql", s.full_sdl) for s in subgraphs
    ])


class Federation:
    """Fake subgraphs composed into a supergraph, served by a router ``Gateway``."""

    def __init__(self, *subgraphs: FakeSubgraph, supergraph: str | None = None,
                 **config: Any) -> None:
        self.subgraphs = {s.name: s for s in subgraphs}
        self.supergraph = supergraph or compose_fakes(*subgraphs)
        self.gateway = Gateway(self.supergraph, config=GatewayConfig(**config),
                               subgraph_url_overrides={
                                   s.name: f"http://{s.name}.test/graphql" for s in subgraphs
                               })
        attach_fakes(self.gateway, self.subgraphs)

    def plan(self, query: str, operation_name: str | None = None) -> str:
        return str(self.gateway.prepare(query, operation_name).plan)

    def services(self, query: str) -> list[str]:
        """The subgraph of every fetch in the plan, in plan order."""
        return [f.service for f in self.gateway.prepare(query, None).plan.fetches()]

    async def run(self, query: str, variables: dict[str, Any] | None = None,
                  **options: Any) -> JsonObject:
        request = GraphQLRequest(query=query, variables=variables or {})
        response = await self.gateway.execute(request, **options)
        return response.body


# --- the harness's own checks -------------------------------------------------------------------

PRODUCTS = FakeSubgraph("products", """
type Query { product(upc: String!): Product }
type Product @key(fields: "upc") { upc: String! name: String }
""", data={"Query": {"product": lambda upc: {"upc": upc, "name": f"P-{upc}"}},
           "Product": [{"upc": "1", "name": "Table"}]})


async def test_fake_answers_root_fields_and_entities() -> None:
    products = FakeSubgraph(PRODUCTS.name, PRODUCTS.sdl, PRODUCTS.data)
    root = products.answer({"query": '{ product(upc: "7") { name } }'})
    assert root.json() == {"data": {"product": {"name": "P-7"}}}
    entities = products.answer({
        "query": "query($r: [_Any!]!) { _entities(representations: $r) "
                 "{ ... on Product { name } } }",
        "variables": {"r": [{"__typename": "Product", "upc": "1"},
                            {"__typename": "Product", "upc": "404"}]},
    })
    assert entities.json() == {"data": {"_entities": [{"name": "Table"}, None]}}


async def test_federation_routes_requests_to_the_named_fake() -> None:
    products = FakeSubgraph(PRODUCTS.name, PRODUCTS.sdl, PRODUCTS.data)
    federation = Federation(products)
    assert await federation.run('{ product(upc: "2") { name } }') == {
        "data": {"product": {"name": "P-2"}}
    }
    assert len(products.calls) == 1
