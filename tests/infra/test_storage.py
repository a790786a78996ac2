"""The object storage contract, run against a local directory and S3 (moto's server on loopback)."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from moto.server import ThreadedMotoServer

from infra.storage import (
    DEFAULT_CONTENT_TYPE,
    InvalidKeyError,
    LocalDirectoryStorage,
    ObjectNotFoundError,
    ObjectStorage,
    S3Settings,
    S3Storage,
    StorageError,
    create_storage,
    validate_key,
)
from tests.support import free_port


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def _s3_settings(endpoint: str, **overrides: object) -> S3Settings:
    values: dict[str, object] = {
        "bucket": f"test-{uuid.uuid4().hex[:16]}",
        "endpoint_url": endpoint,
        "access_key_id": "test",
        "secret_access_key": "test",
        "create_bucket": True,
    }
    values.update(overrides)
    return S3Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.s3)])
async def storage(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[ObjectStorage]:
    adapter: ObjectStorage
    if request.param == "s3":
        endpoint = request.getfixturevalue("moto_endpoint")
        adapter = S3Storage(_s3_settings(endpoint, prefix="assets/"))
    else:
        adapter = LocalDirectoryStorage(tmp_path / "objects")
    yield adapter
    await adapter.close()


async def test_put_then_get_roundtrips_bytes_and_content_type(storage: ObjectStorage) -> None:
    png = bytes(range(256)) * 4
    await storage.put("portraits/hero.png", png, "image/png")
    stored = await storage.get("portraits/hero.png")
    assert stored.data == png
    assert stored.content_type == "image/png"


async def test_default_content_type(storage: ObjectStorage) -> None:
    await storage.put("blob", b"\x00\x01")
    assert (await storage.get("blob")).content_type == DEFAULT_CONTENT_TYPE


async def test_put_replaces_previous_object(storage: ObjectStorage) -> None:
    await storage.put("notes/a.txt", b"old", "text/plain")
    await storage.put("notes/a.txt", b"new", "text/markdown")
    stored = await storage.get("notes/a.txt")
    assert (stored.data, stored.content_type) == (b"new", "text/markdown")


async def test_missing_key_is_not_found(storage: ObjectStorage) -> None:
    expected = re.escape("no object stored under key 'nope/missing.png'")
    with pytest.raises(ObjectNotFoundError, match=expected):
        await storage.get("nope/missing.png")
    assert await storage.exists("nope/missing.png") is False
    assert await storage.delete("nope/missing.png") is False


async def test_exists_and_delete(storage: ObjectStorage) -> None:
    await storage.put("exports/sheet.json", b"{}", "application/json")
    assert await storage.exists("exports/sheet.json") is True
    assert await storage.delete("exports/sheet.json") is True
    assert await storage.exists("exports/sheet.json") is False
    with pytest.raises(ObjectNotFoundError):
        await storage.get("exports/sheet.json")


async def test_empty_object(storage: ObjectStorage) -> None:
    await storage.put("empty.bin", b"")
    assert (await storage.get("empty.bin")).data == b""


@pytest.mark.parametrize(
    "bad_key",
    [
        "",
        "../escape.txt",
        "a/../../etc/passwd",
        "/etc/passwd",
        "a//b",
        "a/",
        ".hidden",
        "a/./b",
        "back\\slash",
        "nul\x00byte",
        "x" * 600,
    ],
)
async def test_unsafe_keys_are_rejected_everywhere(storage: ObjectStorage, bad_key: str) -> None:
    with pytest.raises(InvalidKeyError):
        await storage.put(bad_key, b"x")
    with pytest.raises(InvalidKeyError):
        await storage.get(bad_key)
    with pytest.raises(InvalidKeyError):
        await storage.exists(bad_key)
    with pytest.raises(InvalidKeyError):
        await storage.delete(bad_key)


async def test_traversal_error_says_why(storage: ObjectStorage) -> None:
    with pytest.raises(InvalidKeyError, match=r"invalid segment '\.\.'.*path traversal"):
        await storage.put("../../outside", b"x")


@pytest.mark.parametrize("bad_type", ["", "png", "text/plain\r\nX-Evil: 1"])
async def test_bad_content_type_is_rejected(storage: ObjectStorage, bad_type: str) -> None:
    with pytest.raises(ValueError, match="content type"):
        await storage.put("file.bin", b"x", bad_type)
    assert await storage.exists("file.bin") is False


async def test_url_points_at_the_object(storage: ObjectStorage) -> None:
    await storage.put("img/a.png", b"png", "image/png")
    url = await storage.url("img/a.png", expires_in=60)
    if isinstance(storage, LocalDirectoryStorage):
        assert url == storage.path("img/a.png").as_uri()
        assert storage.path("img/a.png").read_bytes() == b"png"
    else:
        import httpx

        async with httpx.AsyncClient() as client:
            response = await client.get(url)
        assert response.status_code == 200
        assert response.content == b"png"


# -- local directory specifics ------------------------------------------------------------------


def _temporary_files(root: Path) -> list[str]:
    return [path.name for path in root.rglob(".tmp-*")]


async def test_local_writes_leave_no_temporary_files(tmp_path: Path) -> None:
    storage = LocalDirectoryStorage(tmp_path)
    for round_number in range(3):
        await storage.put("a/b.txt", f"round {round_number}".encode(), "text/plain")
    assert _temporary_files(tmp_path) == []
    assert (tmp_path / "a" / "b.txt").read_bytes() == b"round 2"


async def test_local_rejects_symlink_escaping_the_root(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "root"
    root.mkdir()
    os.symlink(outside, root / "link")
    storage = LocalDirectoryStorage(root)
    with pytest.raises(InvalidKeyError, match="outside the storage directory"):
        await storage.put("link/evil.txt", b"x")
    assert list(outside.iterdir()) == []


async def test_local_key_clashing_with_prefix_is_a_clear_error(tmp_path: Path) -> None:
    storage = LocalDirectoryStorage(tmp_path)
    await storage.put("a", b"file")
    with pytest.raises(StorageError, match="clashes with an existing object"):
        await storage.put("a/b", b"nested")
    await storage.put("c/d", b"nested")
    with pytest.raises(StorageError, match="clashes with an existing object"):
        await storage.put("c", b"file")
    with pytest.raises(ObjectNotFoundError):
        await storage.get("c")


async def test_local_file_without_metadata_reads_as_octet_stream(tmp_path: Path) -> None:
    (tmp_path / "dropped.bin").write_bytes(b"by hand")
    stored = await LocalDirectoryStorage(tmp_path).get("dropped.bin")
    assert (stored.data, stored.content_type) == (b"by hand", DEFAULT_CONTENT_TYPE)


# -- S3 specifics -------------------------------------------------------------------------------


@pytest.mark.s3
async def test_s3_without_create_bucket_reports_missing_bucket(moto_endpoint: str) -> None:
    storage = S3Storage(_s3_settings(moto_endpoint, create_bucket=False))
    try:
        with pytest.raises(StorageError, match=r"S3 refused to store 'a\.txt'.*NoSuchBucket"):
            await storage.put("a.txt", b"x")
        await storage.ensure_bucket()
        await storage.put("a.txt", b"x")
        assert (await storage.get("a.txt")).data == b"x"
    finally:
        await storage.close()


@pytest.mark.s3
async def test_s3_prefix_isolates_stores_in_one_bucket(moto_endpoint: str) -> None:
    shared = _s3_settings(moto_endpoint)
    first = S3Storage(S3Settings(**{**shared.__dict__, "prefix": "one/"}))
    second = S3Storage(S3Settings(**{**shared.__dict__, "prefix": "two/"}))
    try:
        await first.put("same.txt", b"first")
        assert await second.exists("same.txt") is False
        await second.put("same.txt", b"second")
        assert (await first.get("same.txt")).data == b"first"
    finally:
        await first.close()
        await second.close()


@pytest.mark.s3
async def test_s3_unreachable_endpoint_is_a_storage_error() -> None:
    endpoint = f"http://127.0.0.1:{free_port()}"
    storage = S3Storage(_s3_settings(endpoint, create_bucket=False, max_attempts=1))
    try:
        with pytest.raises(StorageError, match="could not reach S3"):
            await storage.get("a.txt")
    finally:
        await storage.close()


# -- factory and settings -----------------------------------------------------------------------


def test_s3_settings_from_url() -> None:
    settings = S3Settings.from_url(
        "s3://AKIA%2Fkey:s%40cret@assets/prod/images"
        "?endpoint_url=http://127.0.0.1:9000&region=eu-west-1&create_bucket=true"
    )
    assert settings == S3Settings(
        bucket="assets",
        prefix="prod/images/",
        endpoint_url="http://127.0.0.1:9000",
        region="eu-west-1",
        access_key_id="AKIA/key",
        secret_access_key="s@cret",
        create_bucket=True,
    )
    assert S3Settings.from_url("s3://bucket") == S3Settings(bucket="bucket")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("s3://", "must look like s3://bucket"),
        ("s3://bucket?colour=red", "unknown S3 URL option"),
        ("s3://bucket?create_bucket=maybe", "create_bucket must be true or false"),
    ],
)
def test_s3_settings_reject_bad_urls(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        S3Settings.from_url(url)


def test_factory_picks_adapter_by_url(tmp_path: Path) -> None:
    local = create_storage(tmp_path.as_uri())
    assert isinstance(local, LocalDirectoryStorage)
    assert local.root == tmp_path.resolve()
    plain = create_storage(str(tmp_path / "plain"))
    assert isinstance(plain, LocalDirectoryStorage)
    assert plain.root == (tmp_path / "plain").resolve()
    assert isinstance(create_storage(None), LocalDirectoryStorage)
    s3 = create_storage("s3://bucket/prefix")
    assert isinstance(s3, S3Storage)
    assert s3.settings.prefix == "prefix/"
    with pytest.raises(ValueError, match="unsupported storage URL scheme 'ftp'"):
        create_storage("ftp://host/dir")
    with pytest.raises(ValueError, match="file:///absolute/path"):
        create_storage("file://otherhost/dir")


def test_validate_key_accepts_ordinary_keys() -> None:
    for key in ["a", "portraits/3f2a-9c.png", "x_y/z-1/v1.2.tar.gz", "-dash"]:
        assert validate_key(key) == key
