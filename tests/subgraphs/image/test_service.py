"""The image subgraph over HTTP, on SQLite and on PostgreSQL, with a local asset directory."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from PIL import Image
from sqlalchemy import func, select

from infra.config import Settings
from infra.db.engine import create_engine
from infra.storage import LocalDirectoryStorage, StorageError
from subgraphs.image.app import build
from subgraphs.image.models import OutboxEvent
from tests.graph import BackgroundGraph
from tests.subgraphs.image.support import ImageService, image_service
from tests.support import TokenFactory, asgi_client, gql, subject_of

pytestmark = pytest.mark.asyncio(loop_scope="module")

GENERATE = """
mutation($input: GeneratePortraitInput!) {
  generatePortrait(input: $input) {
    asset {
      id kind contentType width height byteSize sha256 url characterId generator prompt seed
      altText version owner { id }
    }
    userErrors { path code message }
  }
}"""
UPLOAD = """
mutation($input: UploadAssetInput!) {
  uploadAsset(input: $input) {
    asset { id kind contentType width height byteSize sha256 url characterId generator }
    userErrors { path code message }
  }
}"""
DELETE = """
mutation($input: AssetVersionInput!) {
  deleteAsset(input: $input) { asset { id version } userErrors { path code } }
}"""
ONE = "query($id: ID!) { asset(id: $id) { id sha256 } }"
LIST = """query($first: Int!, $after: String) {
  assets(first: $first, after: $after) {
    edges { cursor node { id kind } } pageInfo { hasNextPage endCursor }
  }
}"""
ENTITIES = """query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Character {
      id
      portrait { id url kind sha256 currentVersion { number parentNumber operation } }
      portraitHistory { nodes { number sha256 url } }
    }
    ... on Asset { id sha256 owner { id } }
  }
}"""


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["sqlite", "postgres"])
async def service(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    graph: BackgroundGraph,
) -> AsyncIterator[ImageService]:
    directory = tmp_path_factory.mktemp("image")
    async with image_service(request.param, directory, graph) as running:
        yield running


def encoded(format_name: str, size: tuple[int, int] = (6, 4)) -> bytes:
    buffer = io.BytesIO()
    picture = Image.new("RGB", size, (200, 40, 90))
    if format_name == "MPO":  # the multi-picture JPEG phone cameras write
        picture.save(buffer, format="MPO", save_all=True, append_images=[picture])
    else:
        picture.save(buffer, format=format_name)
    return buffer.getvalue()


def truncated_png() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((64, 64), 40).save(buffer, format="PNG")  # noise: lots of pixel data
    return buffer.getvalue()[:-200]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


async def generate(service: ImageService, auth: dict[str, str], **fields: Any) -> dict[str, Any]:
    """A portrait request as the owner of ``auth``; of a new character of theirs unless
    ``characterId`` is given."""
    if "characterId" not in fields:
        fields["characterId"] = await service.character(subject_of(auth))
    payload = {"prompt": "a stern dwarf paladin", **fields}
    result = await gql(service.http, GENERATE, {"input": payload}, auth)
    body: dict[str, Any] = result["data"]["generatePortrait"]
    return body


async def upload_png(
    service: ImageService, auth: dict[str, str], kind: str = "TOKEN", **fields: Any
) -> dict[str, Any]:
    """An upload of a small, valid PNG."""
    png = b64(encoded("PNG"))
    return await upload(service, auth, kind=kind, contentType="image/png", dataBase64=png, **fields)


async def upload(service: ImageService, auth: dict[str, str], **fields: Any) -> dict[str, Any]:
    result = await gql(service.http, UPLOAD, {"input": fields}, auth)
    body: dict[str, Any] = result["data"]["uploadAsset"]
    return body


async def test_generated_portrait_is_stored_served_and_announced(service: ImageService) -> None:
    owner = uuid.uuid4()
    auth = service.tokens.headers(owner)
    character = await service.character(owner)
    files_before = service.stored_files()
    result = await generate(
        service, auth, characterId=character, prompt="  a stern   dwarf ", seed=7
    )
    assert result["userErrors"] == []
    asset = result["asset"]
    assert (asset["kind"], asset["contentType"], asset["generator"]) == (
        "PORTRAIT",
        "image/png",
        "offline",
    )
    assert (asset["characterId"], asset["prompt"], asset["seed"]) == (character, "a stern dwarf", 7)
    assert (asset["owner"], asset["version"]) == ({"id": str(owner)}, 1)
    assert asset["altText"] == "Portrait of Dwarf (drawn by code, not a model)."
    assert asset["url"] == f"/assets/{asset['id']}"  # root-relative unless ASSET_BASE_URL is set

    served = await service.http.get(asset["url"])
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/png"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert hashlib.sha256(served.content).hexdigest() == asset["sha256"]
    assert len(served.content) == asset["byteSize"]
    with Image.open(io.BytesIO(served.content)) as picture:
        assert (picture.format, picture.size) == ("PNG", (asset["width"], asset["height"]))

    new_files = service.stored_files() - files_before
    # The original and its derivatives: two thumbnails and a WebP copy.
    assert sorted(p.name for p in new_files) == [
        "v1-thumb-128.webp",
        "v1-thumb-512.webp",
        "v1-webp.webp",
        "v1.png",
    ]
    assert next(p for p in new_files if p.name == "v1.png").read_bytes() == served.content
    assert await service.events_about(asset["id"]) == ["asset.created"]
    again = await service.http.get(asset["url"], headers={"If-None-Match": served.headers["etag"]})
    assert again.status_code == 304


async def test_same_prompt_and_seed_give_the_same_image(service: ImageService) -> None:
    auth = service.tokens.headers(uuid.uuid4())
    first = (await generate(service, auth, prompt="elf ranger", seed=42))["asset"]
    second = (await generate(service, auth, prompt="elf ranger", seed=42))["asset"]
    other_seed = (await generate(service, auth, prompt="elf ranger", seed=43))["asset"]
    other_prompt = (await generate(service, auth, prompt="elf rangers", seed=42))["asset"]
    assert first["id"] != second["id"]  # two requests without a key are two assets...
    assert first["sha256"] == second["sha256"]  # ...of the very same picture
    assert other_seed["sha256"] != first["sha256"]
    assert other_prompt["sha256"] != first["sha256"]

    unseeded = (await generate(service, auth, prompt="elf ranger"))["asset"]
    assert 0 <= unseeded["seed"] <= 2**31 - 1  # a seed was picked and is reported for reuse
    replay = (await generate(service, auth, prompt="elf ranger", seed=unseeded["seed"]))["asset"]
    assert replay["sha256"] == unseeded["sha256"]


async def test_idempotency_key_returns_the_same_asset(service: ImageService) -> None:
    owner = uuid.uuid4()
    auth = service.tokens.headers(owner)
    character = await service.character(owner)
    request = {"characterId": character, "prompt": "gnome bard", "idempotencyKey": "r-1"}
    first = (await generate(service, auth, **request))["asset"]
    second = (await generate(service, auth, **request))["asset"]
    assert first["id"] == second["id"]
    token = {
        "kind": "TOKEN",
        "contentType": "image/png",
        "dataBase64": b64(encoded("PNG")),
        "idempotencyKey": "u-1",
    }
    up1 = (await upload(service, auth, **token))["asset"]
    up2 = (await upload(service, auth, **token))["asset"]
    assert up1["id"] == up2["id"]
    assert await service.rows_owned_by(owner) == 2
    assert await service.events_about(first["id"], up1["id"]) == ["asset.created"] * 2
    # Keys are per user: someone else using the same key gets an asset of their own.
    someone = uuid.uuid4()
    theirs_request = {**request, "characterId": await service.character(someone)}
    theirs = (await generate(service, service.tokens.headers(someone), **theirs_request))["asset"]
    assert theirs["id"] != first["id"]


async def test_concurrent_retries_with_one_key_make_one_asset(service: ImageService) -> None:
    owner = uuid.uuid4()
    auth = service.tokens.headers(owner)
    request = {
        "characterId": await service.character(owner),
        "prompt": "a tiefling",
        "idempotencyKey": "race",
    }
    results = await asyncio.gather(*(generate(service, auth, **request) for _ in range(4)))
    assert all(result["userErrors"] == [] for result in results)
    assert len({result["asset"]["id"] for result in results}) == 1
    assert await service.rows_owned_by(owner) == 1


async def test_uploads_are_checked_stored_and_served(service: ImageService) -> None:
    owner = uuid.uuid4()
    auth = service.tokens.headers(owner)
    character = await service.character(owner)
    for format_name, content_type, declared in [
        ("PNG", "image/png", "image/png"),
        ("JPEG", "image/jpeg", "image/jpg"),  # a common misspelling, accepted as image/jpeg
        ("WEBP", "image/webp", "IMAGE/WEBP"),
        ("MPO", "image/jpeg", "image/jpeg"),
    ]:
        data = encoded(format_name, (9, 5))
        payload = await upload(
            service,
            auth,
            kind="MAP_TACTICAL",
            contentType=declared,
            dataBase64=b64(data),
            characterId=character,
        )
        assert payload["userErrors"] == []
        asset = payload["asset"]
        assert (asset["kind"], asset["contentType"], asset["width"], asset["height"]) == (
            "MAP_TACTICAL",
            content_type,
            9,
            5,
        )
        assert (asset["generator"], asset["characterId"]) == (None, character)
        assert (asset["byteSize"], asset["sha256"]) == (len(data), hashlib.sha256(data).hexdigest())
        served = await service.http.get(asset["url"])
        assert (served.status_code, served.headers["content-type"]) == (200, content_type)
        assert served.content == data


BAD_UPLOADS: list[tuple[str, str, str, str]] = [
    ("image/png", b64(b"definitely not a picture"), "dataBase64", "NOT_AN_IMAGE"),
    ("image/jpeg", b64(encoded("PNG")), "contentType", "CONTENT_TYPE_MISMATCH"),
    ("image/png", "not base64 at all!", "dataBase64", "INVALID_BASE64"),
    ("image/png", b64(encoded("GIF")), "dataBase64", "UNSUPPORTED_IMAGE_FORMAT"),
    ("image/gif", b64(encoded("GIF")), "contentType", "UNSUPPORTED_CONTENT_TYPE"),
    ("image/png", b64(truncated_png()), "dataBase64", "CORRUPT_IMAGE"),
    ("image/png", "   ", "dataBase64", "DATA_REQUIRED"),
    ("image/png", "A" * (7 * 1024 * 1024), "dataBase64", "FILE_TOO_LARGE"),
]
BAD_PORTRAIT_REQUESTS: list[tuple[dict[str, Any], str, str]] = [
    ({"prompt": "   "}, "prompt", "PROMPT_REQUIRED"),
    ({"prompt": "x" * 1001}, "prompt", "PROMPT_TOO_LONG"),
    ({"prompt": "nul \x00 byte"}, "prompt", "PROMPT_INVALID_CHARACTERS"),
    ({"prompt": "an elf\u202e named Evil"}, "prompt", "PROMPT_INVALID_CHARACTERS"),
    ({"seed": -1}, "seed", "SEED_OUT_OF_RANGE"),
    ({"characterId": "not-a-uuid"}, "characterId", "INVALID_ID"),
    ({"idempotencyKey": "k" * 81}, "idempotencyKey", "INVALID_IDEMPOTENCY_KEY"),
]


async def test_bad_input_is_a_user_error_and_stores_nothing(service: ImageService) -> None:
    owner = uuid.uuid4()
    auth = service.tokens.headers(owner)
    files_before, events_before = service.stored_files(), await service.events()
    for content_type, data, field, code in BAD_UPLOADS:
        payload = await upload(
            service, auth, kind="PORTRAIT", contentType=content_type, dataBase64=data
        )
        assert payload["asset"] is None
        assert [(e["path"], e["code"]) for e in payload["userErrors"]] == [(["input", field], code)]
        assert payload["userErrors"][0]["message"]
    for alt_text in ("a \x00 byte", "reversed\u202eevil", "two\nlines"):
        payload = await upload(
            service,
            auth,
            kind="PORTRAIT",
            contentType="image/png",
            dataBase64=b64(encoded("PNG")),
            altText=alt_text,
        )
        assert [(e["path"], e["code"]) for e in payload["userErrors"]] == [
            (["input", "altText"], "ALT_TEXT_INVALID_CHARACTERS")
        ]
    for fields, field, code in BAD_PORTRAIT_REQUESTS:
        result = await generate(service, auth, **fields)
        assert result["asset"] is None
        assert [(e["path"], e["code"]) for e in result["userErrors"]] == [(["input", field], code)]
    assert await service.rows_owned_by(owner) == 0
    assert await service.events() == events_before
    assert service.stored_files() == files_before


async def test_only_the_owner_sees_and_deletes(service: ImageService) -> None:
    alice, bob = service.tokens.headers(uuid.uuid4()), service.tokens.headers(uuid.uuid4())
    asset = (await generate(service, alice, seed=1))["asset"]
    by_id = {"id": asset["id"]}

    async def delete(version: int, auth: dict[str, str]) -> dict[str, Any]:
        variables = {"input": {"id": asset["id"], "expectedVersion": version}}
        result: dict[str, Any] = (await gql(service.http, DELETE, variables, auth))["data"]
        payload: dict[str, Any] = result["deleteAsset"]
        return payload

    assert (await gql(service.http, ONE, by_id, alice))["data"]["asset"]["id"] == asset["id"]
    assert (await gql(service.http, ONE, by_id, bob))["data"]["asset"] is None
    assert (await gql(service.http, LIST, {"first": 10}, bob))["data"]["assets"]["edges"] == []

    stolen = await delete(1, bob)
    assert stolen["userErrors"] == [{"path": ["input", "id"], "code": "NOT_FOUND"}]
    stale = await delete(5, alice)
    assert stale["userErrors"] == [
        {"path": ["input", "expectedVersion"], "code": "VERSION_CONFLICT"}
    ]
    # The failed deletes changed nothing.
    assert (await service.http.get(asset["url"])).status_code == 200

    files_before = service.stored_files()
    deleted = await delete(1, alice)
    assert deleted == {"asset": {"id": asset["id"], "version": 2}, "userErrors": []}
    assert (await gql(service.http, ONE, by_id, alice))["data"]["asset"] is None
    assert (await service.http.get(asset["url"])).status_code == 404
    # Soft delete: the bytes are kept under the trash prefix, no longer served.
    moved = service.stored_files() - files_before
    assert len(moved) == 4 and all("trash" in p.parts for p in moved)
    assert len(files_before - service.stored_files()) == 4
    assert await service.events_about(asset["id"]) == ["asset.created", "asset.deleted"]


async def test_pages_of_assets(service: ImageService) -> None:
    auth = service.tokens.headers(uuid.uuid4())
    made = [(await generate(service, auth, seed=s))["asset"]["id"] for s in range(3)]
    page1 = (await gql(service.http, LIST, {"first": 2}, auth))["data"]["assets"]
    assert [e["node"]["id"] for e in page1["edges"]] == made[:2]
    assert page1["pageInfo"]["hasNextPage"] is True
    page2 = await gql(
        service.http, LIST, {"first": 2, "after": page1["pageInfo"]["endCursor"]}, auth
    )
    assert [e["node"]["id"] for e in page2["data"]["assets"]["edges"]] == made[2:]
    assert page2["data"]["assets"]["pageInfo"]["hasNextPage"] is False
    bad_cursor = await gql(service.http, LIST, {"first": 2, "after": "nonsense"}, auth)
    assert bad_cursor["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_authentication_is_required(service: ImageService) -> None:
    events_before = await service.events()
    stranger_keys = TokenFactory()  # signs with a key the service does not trust
    png = b64(encoded("PNG"))
    requests: list[tuple[str, dict[str, Any]]] = [
        (LIST, {"first": 1}),
        (ONE, {"id": str(uuid.uuid4())}),
        (GENERATE, {"input": {"characterId": str(uuid.uuid4()), "prompt": "x"}}),
        (
            UPLOAD,
            {"input": {"kind": "MAP_TACTICAL", "contentType": "image/png", "dataBase64": png}},
        ),
        (ENTITIES, {"representations": [{"__typename": "Asset", "id": str(uuid.uuid4())}]}),
    ]
    for query, variables in requests:
        anonymous = await gql(service.http, query, variables)
        assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        forged = await gql(service.http, query, variables, stranger_keys.headers(uuid.uuid4()))
        assert forged["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await service.events() == events_before


async def test_character_portrait_versions_and_asset_entities(service: ImageService) -> None:
    owner, stranger = uuid.uuid4(), uuid.uuid4()
    auth, other = service.tokens.headers(owner), service.tokens.headers(stranger)
    character = await service.character(owner)
    first = (await generate(service, auth, characterId=character, seed=1))["asset"]
    # Drawing the character again makes a new version of the same portrait asset.
    second = (await generate(service, auth, characterId=character, seed=2))["asset"]
    assert second["id"] == first["id"]
    assert (first["version"], second["version"]) == (1, 2)
    assert second["sha256"] != first["sha256"]
    # Someone else cannot attach an image to the character at all.
    refused = await generate(service, other, characterId=character, seed=3)
    assert refused["asset"] is None
    assert [e["code"] for e in refused["userErrors"]] == ["NOT_FOUND"]
    # Nor does a non-portrait image of the owner's.
    await upload(
        service,
        auth,
        kind="TOKEN",
        contentType="image/png",
        dataBase64=b64(encoded("PNG")),
        characterId=character,
    )

    def character_ref(owner_id: uuid.UUID) -> dict[str, Any]:
        return {"__typename": "Character", "id": character, "owner": {"id": str(owner_id)}}

    representations = [
        character_ref(owner),
        {"__typename": "Character", "id": str(uuid.uuid4()), "owner": {"id": str(owner)}},
        {"__typename": "Asset", "id": first["id"]},
        {"__typename": "Asset", "id": str(uuid.uuid4())},
    ]
    result = await gql(service.http, ENTITIES, {"representations": representations}, other)
    assert "errors" not in result
    portrait, no_portrait, asset, missing = result["data"]["_entities"]
    assert portrait["portrait"] == {
        "id": first["id"],
        "url": f"/assets/{first['id']}",
        "kind": "PORTRAIT",
        "sha256": second["sha256"],
        "currentVersion": {"number": 2, "parentNumber": 1, "operation": "GENERATED"},
    }
    history = portrait["portraitHistory"]
    assert [v["number"] for v in history["nodes"]] == [1]
    assert history["nodes"][0]["sha256"] == first["sha256"]
    assert history["nodes"][0]["url"] == f"/assets/{first['id']}?version=1"
    older = await service.http.get(history["nodes"][0]["url"])
    assert hashlib.sha256(older.content).hexdigest() == first["sha256"]  # older stays readable
    assert no_portrait["portrait"] is None
    assert no_portrait["portraitHistory"]["nodes"] == []
    assert asset == {"id": first["id"], "sha256": second["sha256"], "owner": {"id": str(owner)}}
    assert missing is None

    await gql(service.http, DELETE, {"input": {"id": first["id"], "expectedVersion": 2}}, auth)
    references = {"representations": [character_ref(owner)]}
    after_delete = await gql(service.http, ENTITIES, references, auth)
    assert after_delete["data"]["_entities"][0]["portrait"] is None
    # Without the owner the router supplies for @requires, nobody's image is shown.
    bare = {"representations": [{"__typename": "Character", "id": character}]}
    without_owner = await gql(service.http, ENTITIES, bare, auth)
    assert without_owner["data"]["_entities"][0]["portrait"] is None

    fresh = (await generate(service, auth, characterId=character, seed=4))["asset"]
    assert fresh["id"] != first["id"] and fresh["version"] == 1  # a new asset after deletion
    # Signed out: a private character's portrait is refused, a public one's is shown.
    signed_out = await gql(service.http, ENTITIES, references)
    assert signed_out["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    public = {"representations": [{**character_ref(owner), "visibility": "PUBLIC"}]}
    shown = await gql(service.http, ENTITIES, public)
    assert "errors" not in shown
    assert shown["data"]["_entities"][0]["portrait"]["id"] == fresh["id"]


async def test_assets_belong_only_to_the_callers_own_live_characters(
    service: ImageService,
) -> None:
    """Issue 9: generatePortrait and uploadAsset took any characterId, even one nobody made.
    Someone else's private or public character, a deleted one and an unknown ID get one answer,
    and nothing is stored. generateImage (portraits and tokens) checks the same way."""
    eve, bob = uuid.uuid4(), uuid.uuid4()
    auth = service.tokens.headers(eve)
    retired = await service.character(eve)
    await service.graph.delete_character(eve, retired)
    characters = {
        "private": await service.character(bob),
        "public": await service.character(bob, public=True),
        "deleted": retired,
        "never created": str(uuid.uuid4()),
    }
    files_before, events_before = service.stored_files(), await service.events()
    messages = set()
    token_query = """mutation($i: GenerateImageInput!) {
      generateImage(input: $i) { asset { id } userErrors { path code message } }
    }"""
    for case, character in characters.items():
        portrait = await generate(service, auth, characterId=character, prompt="a spy")
        uploaded = await upload_png(service, auth, characterId=character)
        variables = {"i": {"kind": "TOKEN", "characterId": character}}
        token = (await gql(service.http, token_query, variables, auth))["data"]["generateImage"]
        for payload in (portrait, uploaded, token):
            assert payload["asset"] is None, case
            [error] = payload["userErrors"]
            assert (error["path"], error["code"]) == (["input", "characterId"], "NOT_FOUND"), case
            messages.add(error["message"].replace(character, "<id>"))
    assert len(messages) == 1, messages  # no oracle: one answer for every case
    assert await service.rows_owned_by(eve) == 0
    assert (service.stored_files(), await service.events()) == (files_before, events_before)
    # Without a character, an upload needs no check.
    plain = await upload_png(service, auth, "MAP_TACTICAL")
    assert plain["userErrors"] == []


async def test_asset_route_answers_404_for_unknown_ids(service: ImageService) -> None:
    for path in [f"/assets/{uuid.uuid4()}", "/assets/not-a-uuid"]:
        response = await service.http.get(path)
        assert response.status_code == 404
        assert response.json()["error"] == "NOT_FOUND"


# -- storage failure, with a stand-in store (SQLite only: nothing database-specific) --------------


class UnavailableStorage(LocalDirectoryStorage):
    """A store that is down: every write fails."""

    async def put(self, key: str, data: bytes, content_type: str = "") -> None:
        raise StorageError("the object store is unreachable")


@pytest.mark.asyncio(loop_scope="function")
async def test_storage_failure_leaves_no_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, graph: BackgroundGraph
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'image.db'}"
    monkeypatch.setenv("IMAGE_DATABASE_URL", database_url)
    monkeypatch.setenv("ROUTER_URL", graph.router_url)
    tokens = graph.tokens
    owner = uuid.uuid4()
    character = await graph.character(owner)
    app = build(Settings.from_env(), tokens.verifier, storage=UnavailableStorage(tmp_path / "s"))
    async with asgi_client(app) as http:
        variables = {"input": {"characterId": character, "prompt": "an owlbear"}}
        result = await gql(http, GENERATE, variables, tokens.headers(owner))
        # An infrastructure failure is not the user's fault: a masked error, no stack trace.
        assert result["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
        assert "unreachable" not in result["errors"][0]["message"]
        listed = await gql(http, LIST, {"first": 5}, tokens.headers(owner))
        assert listed["data"]["assets"]["edges"] == []
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            events = await connection.execute(select(func.count()).select_from(OutboxEvent))
            assert events.scalar_one() == 0
    finally:
        await engine.dispose()
