"""The explorer's vendored files are the npm packages' own, with their licences, and served."""

from __future__ import annotations

import httpx

from router.explorer_assets import SUMS, VENDOR_DIR, manifest, sha256_sums


def test_vendored_files_are_unchanged_since_they_were_copied() -> None:
    # SHA256SUMS is written by --refresh from the tarballs checked against npm's integrity.
    assert sha256_sums() == SUMS.read_text()


def test_every_package_brings_its_licence() -> None:
    for name, package in manifest().items():
        licences = [target for source, target in package["files"].items()
                    if source.startswith("LICENSE")]
        assert licences, f"{name} has no licence file"
        for licence in licences:
            text = (VENDOR_DIR / licence).read_text()
            assert "MIT License" in text or "Permission is hereby granted" in text, name


async def test_the_router_serves_them(router: httpx.AsyncClient) -> None:
    for path in ("/explorer/vendor/graphiql.min.js", "/explorer/vendor/graphql-ws.min.js",
                 "/explorer/vendor/graphiql.LICENSE", "/explorer/explorer.js"):
        response = await router.get(path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "public, max-age=3600"
    assert (await router.get("/explorer/vendor/manifest.json/../../app.py")).status_code == 404
