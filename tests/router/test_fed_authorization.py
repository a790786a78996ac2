"""@authenticated, @requiresScopes and @policy enforced by the router, Apollo Router style."""

from __future__ import annotations

import httpx

from auth.tokens import StaticKeyVerifier
from router.app import create_app
from router.authorization import AuthorizationRules, Viewer
from tests.router.conftest import SigningKeys
from tests.router.test_fed_harness import FakeSubgraph, Federation, attach_fakes

UNAUTHORIZED = "UNAUTHORIZED_FIELD_OR_TYPE"


def people() -> FakeSubgraph:
    return FakeSubgraph("people", """
    type Query { users: [User!] motd: String secret: Secret }
    type User @key(fields: "id") {
      id: ID!
      name: String
      email: String @authenticated
      salary: Int @requiresScopes(scopes: [["hr:read", "hr:write"], ["admin"]])
      diary: String @policy(policies: [["owner"]])
      badge: String! @authenticated
    }
    type Secret @authenticated { code: String }
    """, data={"Query": {
        "users": [{"id": "1", "name": "Ada", "email": "ada@x", "salary": 10, "diary": "d1",
                   "badge": "b1"},
                  {"id": "2", "name": "Bob", "email": "bob@x", "salary": 20, "diary": "d2",
                   "badge": "b2"}],
        "motd": "hello", "secret": {"code": "42"},
    }})


def unauthorized_paths(body: dict[str, object]) -> list[list[object]]:
    errors = body.get("errors") or []
    assert isinstance(errors, list)
    return [e["path"] for e in errors if e["extensions"]["code"] == UNAUTHORIZED]


def test_rules_are_read_from_the_supergraph() -> None:
    rules = Federation(people()).gateway.authorization
    assert isinstance(rules, AuthorizationRules)
    assert rules.fields[("User", "email")].authenticated
    assert rules.fields[("User", "salary")].scopes == [
        [frozenset({"hr:read", "hr:write"}), frozenset({"admin"})]
    ]
    assert rules.types["Secret"].authenticated


async def test_anonymous_gets_nulls_and_errors_for_guarded_fields_only() -> None:
    subgraph = people()
    body = await Federation(subgraph).run("{ users { name email } motd secret { code } }")
    assert body["data"] == {
        "users": [{"name": "Ada", "email": None}, {"name": "Bob", "email": None}],
        "motd": "hello", "secret": None,
    }
    assert unauthorized_paths(body) == [["users", "@", "email"], ["secret"]]
    assert "email" not in subgraph.calls[0]["query"]  # never fetched at all


async def test_a_non_null_guarded_field_nulls_its_parent_without_extra_errors() -> None:
    body = await Federation(people()).run("{ users { name badge } motd }")
    assert body["data"] == {"users": None, "motd": "hello"}
    assert [e["extensions"]["code"] for e in body["errors"]] == [UNAUTHORIZED]


async def test_authenticated_viewer_reads_authenticated_fields() -> None:
    viewer = Viewer(authenticated=True)
    body = await Federation(people()).run("{ users { email } secret { code } }", viewer=viewer)
    assert body == {"data": {"users": [{"email": "ada@x"}, {"email": "bob@x"}],
                             "secret": {"code": "42"}}}


async def test_scopes_need_one_complete_group() -> None:
    federation = Federation(people())
    query = "{ users { salary } }"
    partial = Viewer(authenticated=True, scopes=frozenset({"hr:read"}))
    assert unauthorized_paths(await federation.run(query, viewer=partial)) == [
        ["users", "@", "salary"]
    ]
    for scopes in ({"hr:read", "hr:write"}, {"admin"}):
        viewer = Viewer(authenticated=True, scopes=frozenset(scopes))
        body = await federation.run(query, viewer=viewer)
        assert body == {"data": {"users": [{"salary": 10}, {"salary": 20}]}}


async def test_policies_are_denied_unless_the_hook_allows_them() -> None:
    viewer = Viewer(authenticated=True, claims={"sub": "u1"})
    denied = await Federation(people()).run("{ users { diary } }", viewer=viewer)
    assert unauthorized_paths(denied) == [["users", "@", "diary"]]

    def hook(policy: str, who: Viewer) -> bool:
        return policy == "owner" and who.claims.get("sub") == "u1"

    allowed = await Federation(people(), policy_hook=hook).run("{ users { diary } }",
                                                               viewer=viewer)
    assert allowed == {"data": {"users": [{"diary": "d1"}, {"diary": "d2"}]}}


async def test_named_fragments_and_aliases_are_filtered_in_place() -> None:
    body = await Federation(people()).run(
        "{ users { ...U } } fragment U on User { n: name mail: email }"
    )
    assert body["data"] == {"users": [{"n": "Ada", "mail": None}, {"n": "Bob", "mail": None}]}
    assert unauthorized_paths(body) == [["users", "@", "mail"]]


async def test_the_http_edge_passes_the_verified_token_to_the_checks(
    signing_keys: SigningKeys,
) -> None:
    subgraph = people()
    federation = Federation(subgraph)
    app = create_app(federation.supergraph, verifier=StaticKeyVerifier(signing_keys.public),
                     subgraph_url_overrides={"people": "http://people.test/graphql"})
    attach_fakes(app.state.gateway, {"people": subgraph})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://router.test") as client:
        query = {"query": "{ users { email salary } }"}
        anonymous = (await client.post("/graphql", json=query)).json()
        token = signing_keys.token(scope="admin")
        signed_in = (await client.post("/graphql", json=query,
                                       headers={"authorization": f"Bearer {token}"})).json()
    await app.state.gateway.aclose()
    assert unauthorized_paths(anonymous) == [["users", "@", "email"], ["users", "@", "salary"]]
    assert signed_in == {"data": {"users": [{"email": "ada@x", "salary": 10},
                                            {"email": "bob@x", "salary": 20}]}}


async def test_an_interface_field_carries_the_requirements_of_its_implementations() -> None:
    subgraph = FakeSubgraph("zoo", """
    type Query { animals: [Animal] }
    interface Animal { name: String secret: String }
    type Cat implements Animal { name: String secret: String @authenticated }
    type Dog implements Animal { name: String secret: String }
    """, data={"Query": {"animals": [{"__typename": "Dog", "name": "Rex", "secret": "bones"}]}})
    body = await Federation(subgraph).run("{ animals { name secret } }")
    assert body["data"] == {"animals": [{"name": "Rex", "secret": None}]}
    assert unauthorized_paths(body) == [["animals", "@", "secret"]]
    dogs_only = await Federation(subgraph).run("{ animals { ... on Dog { secret } } }")
    assert dogs_only == {"data": {"animals": [{"secret": "bones"}]}}
