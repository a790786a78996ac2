"""Every composition error kind, on small handwritten subgraphs (no Node needed)."""

from __future__ import annotations

import pytest

from schema.compose import CompositionError, Issue, Subgraph, compose
from tests.schema.samples import ERROR_CASES, HEADER, entity_c, subgraph


def issues_of(subgraphs: list[Subgraph]) -> list[Issue]:
    with pytest.raises(CompositionError) as raised:
        compose(subgraphs)
    return raised.value.issues


@pytest.mark.parametrize("index", range(len(ERROR_CASES)), ids=[case.code for case in ERROR_CASES])
def test_error_names_code_subgraphs_and_coordinate(index: int) -> None:
    case = ERROR_CASES[index]
    matching = [issue for issue in issues_of(case.subgraphs) if issue.code == case.code]
    assert matching, f"expected {case.code}"
    for issue in matching:
        assert case.coordinate in issue.coordinates
        assert set(case.involved) <= set(issue.subgraphs)
        assert case.coordinate in issue.message or case.coordinate.split(".")[0] in issue.message
        for name in case.involved:
            assert f'"{name}"' in issue.message or f"[{name}]" in issue.message


def test_field_sharing_message_lists_both_subgraphs() -> None:
    case = next(c for c in ERROR_CASES if c.code == "INVALID_FIELD_SHARING")
    [issue] = issues_of(case.subgraphs)
    assert issue.message == (
        'Non-shareable field "Character.name" is resolved from multiple subgraphs: it is '
        'resolved from subgraphs "a" and "b" and defined as non-shareable in all of them'
    )


def test_field_sharing_names_only_the_non_shareable_subgraph() -> None:
    [issue] = issues_of(
        [
            subgraph("a", "type Query { a: V } type V { n: Int @shareable }"),
            subgraph("b", "type Query { b: V } type V { n: Int }"),
            subgraph("c", "type Query { c: V } type V @shareable { n: Int }"),
        ]
    )
    assert issue.code == "INVALID_FIELD_SHARING"
    assert issue.subgraphs == ("a", "b", "c")
    assert issue.message.endswith('defined as non-shareable in subgraph "b"')


def test_shareable_key_external_and_overridden_fields_are_not_conflicts() -> None:
    sdl = compose(
        [
            subgraph("a", 'type Query { a: C } type C @key(fields: "id") { id: ID! n: Int }'),
            subgraph(
                "b",
                'type Query { b: C } type C @key(fields: "id") '
                '{ id: ID! n: Int @override(from: "a") '
                'm: Int @external x: Int @requires(fields: "m") }',
            ),
            subgraph("c", 'type C @key(fields: "id") { id: ID! m: Int }'),
        ]
    )
    assert 'override: "a"' in sdl


def test_all_problems_are_reported_together() -> None:
    issues = issues_of(
        [
            subgraph("a", 'type Query { a: C } type C @key(fields: "nope") { id: ID! }'),
            subgraph(
                "b", 'type Query { b: Int } type D @key(fields: "id") { id: ID! x: Int @external }'
            ),
        ]
    )
    assert {issue.code for issue in issues} == {"KEY_INVALID_FIELDS", "EXTERNAL_UNUSED"}


def test_syntax_error_is_reported_with_the_subgraph_name() -> None:
    [issue] = issues_of([subgraph("broken", "type Query { a: Int")])
    assert issue.code == "INVALID_GRAPHQL"
    assert issue.subgraphs == ("broken",)
    assert "[broken]" in issue.message and "line" in issue.message


def test_duplicate_type_in_one_subgraph() -> None:
    [issue] = issues_of(
        [subgraph("a", "type Query { a: Int } type T { x: Int } type T { y: Int }")]
    )
    assert (issue.code, issue.coordinates) == ("INVALID_GRAPHQL", ("T",))


def test_input_type_used_as_output_is_rejected() -> None:
    [issue] = issues_of([subgraph("a", "type Query { a: I } input I { x: Int }")])
    assert issue.code == "INVALID_GRAPHQL"
    assert "Input Object Type" in issue.message


def test_subgraph_without_federation_link_is_rejected() -> None:
    [issue] = issues_of([Subgraph("old", "http://127.0.0.1:1/graphql", "type Query { a: Int }")])
    assert issue.code == "UNSUPPORTED_FEATURE"
    assert issue.subgraphs == ("old",)


def test_duplicate_and_empty_subgraph_names() -> None:
    one = subgraph("a", "type Query { a: Int }")
    issues = issues_of([one, one, Subgraph(" ", "http://127.0.0.1:1", HEADER)])
    assert [issue.code for issue in issues] == ["INVALID_SUBGRAPH_NAME", "INVALID_SUBGRAPH_NAME"]
    assert issues_of([])[0].code == "INVALID_SUBGRAPH_NAME"


def test_supergraph_without_queries() -> None:
    [issue] = issues_of([subgraph("a", "type Mutation { a: Int }")])
    assert issue.code == "NO_QUERIES"


def test_error_text_lists_every_issue() -> None:
    with pytest.raises(CompositionError) as raised:
        compose(ERROR_CASES[0].subgraphs)
    assert "INVALID_FIELD_SHARING" in str(raised.value)
    assert raised.value.codes == ["INVALID_FIELD_SHARING"]


def test_unimported_federation_directive_gets_a_hint() -> None:
    sdl = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])\n'
        'type Query { a: C } type C @key(fields: "id") { id: ID! n: Int @shareable }'
    )
    [issue] = issues_of([Subgraph("a", "http://127.0.0.1:1", sdl)])
    assert issue.code == "INVALID_GRAPHQL"
    assert '"@shareable"' in issue.message and "import" in issue.message


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("type Query { a: C } type C @key(fields: 5) { id: ID! }", "INVALID_GRAPHQL"),
        ("type Query { a: C } type C @key { id: ID! }", "INVALID_GRAPHQL"),
        ('type Query { a: C } type C @key(fields: "") { id: ID! }', "KEY_INVALID_FIELDS"),
        ('type Query { a: C } type C @key(fields: "id id2: id") { id: ID! }', "KEY_INVALID_FIELDS"),
        (
            'type Query { a: C } type C @key(fields: "query { id }") { id: ID! }',
            "KEY_INVALID_FIELDS",
        ),
        (entity_c('n: Int @requires(fields: "")'), "REQUIRES_INVALID_FIELDS"),
        (
            'type Query { a: C } type C @key(fields: "id") { id: ID! n: Int @override(from: 3) }',
            "INVALID_GRAPHQL",
        ),
        ("type Query { a: U } union U = X | Y type X { a: Int }", "INVALID_GRAPHQL"),
        ("type Query { a: X } type X implements Nope { a: Int }", "INVALID_GRAPHQL"),
        ("type Query { a: C } type C @interfaceObject { id: ID! }", "INTERFACE_OBJECT_USAGE_ERROR"),
        (
            'type Query { a: Int } type C @key(fields: "id") @interfaceObject { id: ID! }',
            "INTERFACE_OBJECT_USAGE_ERROR",
        ),
        ("scalar Query", "INVALID_GRAPHQL"),
        ("", "NO_QUERIES"),
    ],
)
def test_malformed_input_is_an_issue_not_a_crash(body: str, code: str) -> None:
    assert code in [issue.code for issue in issues_of([subgraph("a", body)])]
