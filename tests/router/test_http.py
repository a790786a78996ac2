"""The HTTP edge: status codes, GraphQL-shaped errors, limits, GraphiQL, health, tokens."""

from __future__ import annotations

from typing import Any

import httpx
from joserfc.jwk import KeySet, RSAKey

from auth.tokens import JwksVerifier, StaticKeyVerifier
from router.limits import Limits
from tests.router.conftest import RouterFactory, SigningKeys, run_query
from tests.support import free_port


def only_error(body: dict[str, Any]) -> dict[str, Any]:
    assert "data" not in body, body
    [error] = body["errors"]
    assert isinstance(error, dict)
    return error


async def test_invalid_operation_is_a_validation_error_with_200(
    router: httpx.AsyncClient,
) -> None:
    response = await router.post("/graphql", json={"query": "{ character(id: 1) { wings } }"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert "data" not in body
    codes = {e["extensions"]["code"] for e in body["errors"]}
    assert codes == {"GRAPHQL_VALIDATION_FAILED"}
    wings = next(e for e in body["errors"] if "wings" in e["message"])
    assert wings["locations"] == [{"line": 1, "column": 22}]


async def test_graphql_response_media_type_uses_400_for_request_errors(
    router: httpx.AsyncClient,
) -> None:
    response = await router.post(
        "/graphql", json={"query": "{ nope }"},
        headers={"accept": "application/graphql-response+json"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/graphql-response+json")
    assert only_error(response.json())["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_parse_error(router: httpx.AsyncClient) -> None:
    response = await router.post("/graphql", json={"query": "{ character(id: "})
    assert response.status_code == 200
    error = only_error(response.json())
    assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert error["locations"][0]["line"] == 1


async def test_empty_selection_sets_and_token_floods_are_parse_errors(
    make_router: RouterFactory,
) -> None:
    router = await make_router(limits=Limits(max_tokens=100))
    for query in ("{}", '{ character(id: "c1") {} }', "{ " + "items { name } " * 40 + "}"):
        error = only_error(await run_query(router, query))
        assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED", query


async def test_malformed_json_is_400_with_a_graphql_error(router: httpx.AsyncClient) -> None:
    response = await router.post(
        "/graphql", content=b'{"query": "{ characters { name } }"',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    error = only_error(response.json())
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "not valid JSON" in error["message"]


async def test_request_shape_problems_are_400(router: httpx.AsyncClient) -> None:
    for payload in ([{"query": "{ items { name } }"}], {"query": 3}, {},
                    {"query": "{ items { name } }", "variables": [1]}):
        response = await router.post("/graphql", json=payload)
        assert response.status_code == 400, payload
        assert only_error(response.json())["extensions"]["code"] == "BAD_REQUEST"


async def test_wrong_content_type_is_415(router: httpx.AsyncClient) -> None:
    response = await router.post("/graphql", content=b"{ items { name } }",
                                 headers={"content-type": "text/plain"})
    assert response.status_code == 415
    assert only_error(response.json())["extensions"]["code"] == "BAD_REQUEST"


async def test_body_size_limit_is_413(make_router: RouterFactory) -> None:
    router = await make_router(limits=Limits(max_body_bytes=200))
    padding = "#" + "x" * 300 + "\n"
    response = await router.post("/graphql", json={"query": padding + "{ items { name } }"})
    assert response.status_code == 413
    assert only_error(response.json())["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    small = await router.post("/graphql", json={"query": "{ items { name } }"})
    assert small.status_code == 200


async def test_default_body_limit_is_one_megabyte(router: httpx.AsyncClient) -> None:
    big = "#" + "x" * 1_100_000 + "\n{ items { name } }"
    response = await router.post("/graphql", json={"query": big})
    assert response.status_code == 413


async def test_depth_limit(router: httpx.AsyncClient) -> None:
    # 16 levels: character > campaigns > members > campaigns > ... > name
    inner = "name"
    for level in range(15):
        inner = f"{'campaigns' if level % 2 == 0 else 'members'} {{ {inner} }}"
    deep = '{ character(id: "c1") { ' + inner + " } }"
    error = only_error(await run_query(router, deep))
    assert error["extensions"]["code"] == "MAX_DEPTH_EXCEEDED"
    shallow = '{ character(id: "c1") { campaigns { members { name } } } }'
    assert "errors" not in await run_query(router, shallow)


async def test_depth_limit_follows_fragments(make_router: RouterFactory) -> None:
    router = await make_router(limits=Limits(max_depth=3))
    query = """{ character(id: "c1") { ...A } }
      fragment A on Character { campaigns { ...B } }
      fragment B on Campaign { members { name } }"""
    error = only_error(await run_query(router, query))
    assert error["extensions"]["code"] == "MAX_DEPTH_EXCEEDED"


async def test_alias_limit(router: httpx.AsyncClient) -> None:
    many = " ".join(f"a{i}: items {{ name }}" for i in range(31))
    error = only_error(await run_query(router, "{ " + many + " }"))
    assert error["extensions"]["code"] == "MAX_ALIASES_EXCEEDED"
    allowed = " ".join(f"a{i}: items {{ name }}" for i in range(30))
    assert "errors" not in await run_query(router, "{ " + allowed + " }")


async def test_get_runs_queries(router: httpx.AsyncClient) -> None:
    response = await router.get("/graphql", params={
        "query": "query One($id: ID!) { character(id: $id) { name } }",
        "variables": '{"id": "c2"}',
    })
    assert response.status_code == 200
    assert response.json() == {"data": {"character": {"name": "Borin"}}}


async def test_get_refuses_mutations(router: httpx.AsyncClient) -> None:
    response = await router.get("/graphql", params={
        "query": 'mutation { renameCharacter(id: "c1", name: "x") { name } }'
    })
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert only_error(response.json())["extensions"]["code"] == "BAD_REQUEST"


async def test_get_with_bad_variables_is_400(router: httpx.AsyncClient) -> None:
    response = await router.get("/graphql", params={"query": "{ items { name } }",
                                                     "variables": "{nope"})
    assert response.status_code == 400


async def test_browsers_get_graphiql(router: httpx.AsyncClient) -> None:
    response = await router.get("/graphql", headers={"accept": "text/html,*/*"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()


async def test_unknown_operation_name_and_bad_variables(router: httpx.AsyncClient) -> None:
    query = "query A { items { name } } query B { characters { name } }"
    error = only_error(await run_query(router, query, operation_name="C"))
    assert error["extensions"]["code"] == "INVALID_GRAPHQL"
    picked = await run_query(router, query, operation_name="B")
    assert [c["name"] for c in picked["data"]["characters"]] == ["Aria", "Borin", "Cyra"]
    typed = "query($id: ID!) { character(id: $id) { name } }"
    error = only_error(await run_query(router, typed, {"id": {"not": "an id"}}))
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


async def test_dev_mode_returns_the_query_plan(make_router: RouterFactory) -> None:
    dev = await make_router(dev=True)
    result = await run_query(dev, "{ characters { campaigns { name } } }")
    plan = result["extensions"]["queryPlan"]
    assert plan.startswith("QueryPlan {")
    assert 'Flatten(path: "characters.@")' in plan
    plain = await make_router()
    assert "extensions" not in await run_query(plain, "{ characters { name } }")


async def test_health_reports_every_subgraph(
    router: httpx.AsyncClient, make_router: RouterFactory
) -> None:
    response = await router.get("/health")
    assert response.status_code == 200
    assert response.json()["subgraphs"] == {"campaigns": "ok", "characters": "ok", "items": "ok"}
    dead = f"http://127.0.0.1:{free_port()}/graphql"
    degraded = await make_router(subgraph_url_overrides={"items": dead})
    response = await degraded.get("/health")
    assert response.status_code == 503
    statuses = response.json()["subgraphs"]
    assert statuses["items"].startswith("unreachable")
    assert statuses["characters"] == "ok"


# --- tokens -------------------------------------------------------------------------------------

SEEN = "{ seenAuthorization seenHeaders }"


async def test_valid_token_is_forwarded_unchanged(
    make_router: RouterFactory, signing_keys: SigningKeys
) -> None:
    router = await make_router(verifier=StaticKeyVerifier(signing_keys.public))
    token = signing_keys.token()
    result = await run_query(router, SEEN, headers={
        "authorization": f"Bearer {token}", "cookie": "session=secret", "x-tenant": "evil",
    })
    assert result["data"]["seenAuthorization"] == f"Bearer {token}"
    forwarded = set(result["data"]["seenHeaders"])
    assert "cookie" not in forwarded
    assert "x-tenant" not in forwarded


async def test_missing_token_is_allowed_through(
    make_router: RouterFactory, signing_keys: SigningKeys
) -> None:
    router = await make_router(verifier=StaticKeyVerifier(signing_keys.public))
    result = await run_query(router, SEEN)
    assert result["data"]["seenAuthorization"] is None
    assert "authorization" not in result["data"]["seenHeaders"]


async def test_invalid_tokens_are_rejected(
    make_router: RouterFactory, signing_keys: SigningKeys
) -> None:
    router = await make_router(verifier=StaticKeyVerifier(signing_keys.public))
    stranger = RSAKey.generate_key(2048, parameters={"kid": signing_keys.kid})
    forged = SigningKeys(KeySet([stranger]), KeySet([stranger]), signing_keys.kid).token()
    for header in (
        f"Bearer {forged}",
        f"Bearer {signing_keys.token(exp=1)}",
        f"Bearer {signing_keys.token(aud='someone-else')}",
        "Bearer not-a-jwt",
        "Basic dXNlcjpwYXNz",
    ):
        response = await router.post("/graphql", json={"query": SEEN},
                                     headers={"authorization": header})
        assert response.status_code == 401, header
        assert only_error(response.json())["extensions"]["code"] == "UNAUTHENTICATED"


async def test_jwks_verifier_over_http(
    make_router: RouterFactory, signing_keys: SigningKeys, subgraph_urls: dict[str, str]
) -> None:
    router = await make_router(verifier=JwksVerifier(subgraph_urls["jwks"]))
    token = signing_keys.token()
    result = await run_query(router, SEEN, headers={"authorization": f"Bearer {token}"})
    assert result["data"]["seenAuthorization"] == f"Bearer {token}"
    rejected = await router.post("/graphql", json={"query": SEEN},
                                 headers={"authorization": "Bearer x.y.z"})
    assert rejected.status_code == 401
