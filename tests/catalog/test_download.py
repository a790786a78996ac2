"""Getting the SRD files on a machine without them: download, verify, cache, import.

A real HTTP server on 127.0.0.1 plays the upstream raw-file host, serving the shared SRD files
at their pinned upstream paths (``/<repository>/<commit>/<path>/<file>``). It can be told to
tamper with one file, to check that a checksum mismatch is refused and nothing is imported.
"""

from __future__ import annotations

import http.server
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.config import Settings
from subgraphs.catalog.app import build
from subgraphs.catalog.importers import __main__ as command
from subgraphs.catalog.importers.bundle import read_srd, required_files
from subgraphs.catalog.importers.download import (
    MANIFEST_PATH,
    SrdDownloadError,
    download_srd,
    load_manifest,
    sha256_of,
)
from tests.catalog.srd_files import real_srd_dir
from tests.support import asgi_client, free_port, gql


class Upstream:
    """A loopback stand-in for the raw-file host, with a log of requested paths."""

    def __init__(self, srd: Path) -> None:
        manifest = load_manifest()
        self.files = {
            "/" + manifest.url("", file).lstrip("/"): srd / file.name for file in manifest.files
        }
        self.tampered: set[str] = set()  # file names ("open5e-srd-2024/Spell.json") to alter
        self.requests: list[str] = []
        self.base_url = ""

    def handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        upstream = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                upstream.requests.append(self.path)
                source = upstream.files.get(self.path)
                if source is None:
                    self.send_error(404)
                    return
                body = source.read_bytes()
                name = f"{source.parent.name}/{source.name}"
                if name in upstream.tampered:
                    body = body.replace(b"Fireball", b"Firebolt", 1) + b" "
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep test output quiet

        return Handler


@pytest.fixture(scope="module")
def upstream() -> Iterator[Upstream]:
    server_state = Upstream(real_srd_dir())
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), server_state.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server_state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield server_state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def fresh(upstream: Upstream) -> Iterator[Upstream]:
    upstream.tampered.clear()
    upstream.requests.clear()
    yield upstream


def test_the_manifest_covers_every_file_an_import_reads() -> None:
    manifest = load_manifest()
    assert {f.name for f in manifest.files} == set(required_files())
    srd = real_srd_dir()
    for file in manifest.files:  # the shared copy is the pinned one
        assert sha256_of(srd / file.name) == file.sha256, file.name
    url = manifest.url("https://raw.githubusercontent.com", manifest.files[0])
    assert url.startswith("https://raw.githubusercontent.com/5e-bits/5e-database/bfd3db4")
    assert MANIFEST_PATH.parent.name == "importers"
    assert not list(MANIFEST_PATH.parent.glob("*.json"))[1:]  # the repo holds no SRD data


def test_download_verifies_caches_and_imports(fresh: Upstream, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    folder = download_srd(cache, fresh.base_url)
    assert len(fresh.requests) == len(required_files())
    assert not [p for p in cache.iterdir() if p.name.startswith("staging-")]
    bundle = read_srd(folder)
    assert len(bundle.spells) == 339 and len(bundle.entries["creature"]) == 331

    fresh.requests.clear()
    assert download_srd(cache, fresh.base_url) == folder  # a verified cache: no network at all
    assert fresh.requests == []

    (folder / "open5e-srd-2024" / "Spell.json").write_text("[]", encoding="utf-8")
    assert download_srd(cache, fresh.base_url) == folder  # an altered cache is fetched again
    assert len(fresh.requests) == len(required_files())
    assert len(read_srd(folder).spells) == 339


def test_a_checksum_mismatch_is_refused_and_leaves_no_files(
    fresh: Upstream, tmp_path: Path
) -> None:
    fresh.tampered.add("open5e-srd-2024/Spell.json")
    cache = tmp_path / "cache"
    with pytest.raises(SrdDownloadError) as caught:
        download_srd(cache, fresh.base_url)
    message = str(caught.value)
    assert "open5e-srd-2024/Spell.json: checksum mismatch" in message
    assert "nothing was imported" in message
    assert list(cache.iterdir()) == []  # no staging left, no half copy


def test_an_unreachable_or_missing_upstream_names_the_file(fresh: Upstream, tmp_path: Path) -> None:
    with pytest.raises(SrdDownloadError, match=r"answered HTTP 404"):
        download_srd(tmp_path / "cache", fresh.base_url + "/elsewhere")
    with pytest.raises(SrdDownloadError, match=r"download from .* failed"):
        download_srd(tmp_path / "cache", f"http://127.0.0.1:{free_port()}")


async def test_start_up_refuses_a_tampered_download_and_stays_empty(
    fresh: Upstream,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(  # as on a machine without $SRD_DIR or ../shared/srd
        "subgraphs.catalog.startup.resolve_srd_dir", lambda explicit=None: None
    )
    monkeypatch.setenv("SRD_BASE_URL", fresh.base_url)
    monkeypatch.setenv("SRD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CATALOG_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    fresh.tampered.add("open5e-srd-2024/Creature.json")
    query = "{ spells(first: 1) { nodes { slug } } creatures(first: 1) { nodes { slug } } }"
    with caplog.at_level(logging.ERROR, logger="dndcreator.catalog"):
        async with asgi_client(build(Settings.from_env())) as http:
            empty = await gql(http, query)
    assert empty["data"] == {"spells": {"nodes": []}, "creatures": {"nodes": []}}
    assert "open5e-srd-2024/Creature.json: checksum mismatch" in caplog.text
    assert fresh.requests  # it did try


def test_the_import_command_downloads_verifies_and_imports(
    fresh: Upstream,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(command, "resolve_srd_dir", lambda explicit=None: explicit)
    monkeypatch.setenv("SRD_BASE_URL", fresh.base_url)
    monkeypatch.setenv("SRD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CATALOG_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    fresh.tampered.add("5e-database-2024/5e-SRD-Feats.json")
    assert command.main([]) == 2
    assert "5e-database-2024/5e-SRD-Feats.json: checksum mismatch" in capsys.readouterr().err
    monkeypatch.setenv("SRD_DOWNLOAD", "off")
    assert command.main([]) == 2

    fresh.tampered.clear()
    monkeypatch.delenv("SRD_DOWNLOAD")
    assert command.main([]) == 0
    out = capsys.readouterr().out
    assert f"imported from {tmp_path / 'cache'}" in out
    assert "creature: 331 (331 new" in out and "spells: 339 (339 new" in out
