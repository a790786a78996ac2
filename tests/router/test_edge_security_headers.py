"""Security headers on every response; a CSP that fits the GraphiQL page; HSTS on request."""

from __future__ import annotations

import re

import httpx

from router.edge.config import EdgeConfig, SecurityHeadersPolicy
from tests.router.conftest import RouterFactory

QUERY = {"query": '{ character(id: "c1") { name } }'}


def assert_basic_headers(response: httpx.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


async def test_every_kind_of_response_carries_the_headers(router: httpx.AsyncClient) -> None:
    responses = [
        await router.post("/graphql", json=QUERY),
        await router.post("/graphql", content=b"not json", headers={"content-type": "text/plain"}),
        await router.get("/health"),
        await router.get("/metrics"),
        await router.get("/no-such-page"),
    ]
    assert [r.status_code for r in responses] == [200, 415, 200, 200, 404]
    for response in responses:
        assert_basic_headers(response)
        assert response.headers["content-security-policy"].startswith("default-src 'none'")
        assert "strict-transport-security" not in response.headers


async def test_graphiql_csp_allows_exactly_the_page_own_scripts(
    router: httpx.AsyncClient,
) -> None:
    page = await router.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert_basic_headers(page)
    directives = dict(
        (part.split()[0], part.split()[1:])
        for part in page.headers["content-security-policy"].split(";")
    )
    # Everything comes from the router itself: no CDN, no inline script (issue 9, hole 9).
    assert directives["script-src"] == ["'self'"]
    assert not re.findall(r"<script>(.*?)</script>", page.text, re.DOTALL)
    assert "https://" not in page.text
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(source.startswith("/explorer/") for source in sources)
    for source in sources:  # and the router serves each of them
        asset = await router.get(source)
        assert asset.status_code == 200 and asset.content, source
    assert directives["connect-src"] == ["'self'"]  # the explorer only talks to this router
    assert directives["object-src"] == ["'none'"]


async def test_hsts_only_when_configured(make_router: RouterFactory) -> None:
    router = await make_router(edge=EdgeConfig(security_headers=SecurityHeadersPolicy(
        hsts_max_age=31_536_000, hsts_include_subdomains=True)))
    response = await router.post("/graphql", json=QUERY)
    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
