"""How subgraph SDL is read: federation @link names, plumbing, root types."""

from __future__ import annotations

from schema.compose import Subgraph, compose
from schema.compose.errors import IssueCollector
from schema.compose.parse import parse_subgraph
from tests.schema.normalize import normalize_supergraph


def test_imported_aliases_and_namespaced_federation_directives() -> None:
    sdl = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", '
        'import: [{name: "@key", as: "@primaryKey"}], as: "fed")\n'
        "type Query { a: C @fed__shareable }\n"
        'type C @primaryKey(fields: "id") { id: ID! n: Int @fed__shareable }\n'
    )
    issues = IssueCollector()
    model = parse_subgraph("a", "http://127.0.0.1:1", sdl, issues)
    assert issues.issues == []
    assert model is not None
    assert [key.fields for key in model.types["C"].keys] == ["id"]
    assert model.types["C"].fields["n"].shareable
    assert model.types["Query"].fields["a"].shareable


def test_unimported_directive_is_not_federation() -> None:
    sdl = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])\n'
        "directive @shareable on FIELD_DEFINITION\n"
        "type Query { a: Int @shareable }\n"
    )
    model = parse_subgraph("a", "http://127.0.0.1:1", sdl, IssueCollector())
    assert model is not None
    assert not model.types["Query"].fields["a"].shareable


def test_renamed_root_types_become_standard_names() -> None:
    sdl = (
        'schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"]) '
        "{ query: RootQuery }\n"
        "type RootQuery { me: User self: RootQuery }\n"
        "type User { id: ID! }\n"
    )
    types = normalize_supergraph(compose([Subgraph("a", "http://127.0.0.1:1", sdl)]))["types"]
    assert "RootQuery" not in types
    assert types["Query"]["fields"]["self"]["type"] == "Query"


def test_type_extension_in_the_same_subgraph_is_folded_in() -> None:
    sdl = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])\n'
        "type Query { a: Int }\n"
        "extend type Query { b: Int }\n"
    )
    model = parse_subgraph("a", "http://127.0.0.1:1", sdl, IssueCollector())
    assert model is not None
    assert list(model.types["Query"].fields) == ["a", "b"]
    assert model.types["Query"].extension is False
