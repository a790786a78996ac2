"""Generating every kind through GraphQL, versions (regenerate, edit, enhance), reuse first,
the rate limit, upload metadata stripping and delivery (ranges, variants), on SQLite and
PostgreSQL."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from PIL import Image
from sqlalchemy import select

from subgraphs.image.models import AssetVersionRow
from tests.graph import BackgroundGraph
from tests.subgraphs.image.support import ImageService, image_service
from tests.support import gql

pytestmark = pytest.mark.asyncio(loop_scope="module")

FIELDS = """id kind version url width height generator prompt seed altText catalogSlug shared
  currentVersion { number parentNumber operation }
  derivatives { name width height url }
  layout { style width height walls { x1 y1 x2 y2 } doors { x y } difficultTerrain { terrain } }"""
GENERATE = f"""mutation($i: GenerateImageInput!) {{
  generateImage(input: $i) {{ asset {{ {FIELDS} }} reused userErrors {{ path code message }} }}
}}"""
REVISIONS = {
    "regenerateAsset": "ReviseAssetInput",
    "editAsset": "EditAssetInput",
    "enhanceAsset": "EnhanceAssetInput",
}
UPLOAD = """mutation($i: UploadAssetInput!) {
  uploadAsset(input: $i) { asset { id url width height sha256 version } userErrors { code } }
}"""
VERSIONS = """query($id: ID!) {
  asset(id: $id) { versions { nodes { number parentNumber operation sha256 } } }
}"""


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["sqlite", "postgres"])
async def service(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    graph: BackgroundGraph,
) -> AsyncIterator[ImageService]:
    directory = tmp_path_factory.mktemp("image-features")
    async with image_service(request.param, directory, graph) as running:
        yield running


async def generate(service: ImageService, auth: dict[str, str], **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = (await gql(service.http, GENERATE, {"i": fields}, auth))["data"][
        "generateImage"
    ]
    return body


async def revise(
    service: ImageService, auth: dict[str, str], mutation: str, **fields: Any
) -> dict[str, Any]:
    query = f"""mutation($i: {REVISIONS[mutation]}!) {{
      {mutation}(input: $i) {{ asset {{ {FIELDS} }} userErrors {{ path code message }} }}
    }}"""
    body: dict[str, Any] = (await gql(service.http, query, {"i": fields}, auth))["data"][mutation]
    return body


def user(service: ImageService) -> dict[str, str]:
    return service.tokens.headers(uuid.uuid4())


OWN_CHARACTER = "a new character of the caller's"
KINDS: list[dict[str, Any]] = [
    {"kind": "PORTRAIT", "characterId": OWN_CHARACTER, "prompt": "a tiefling warlock"},
    {"kind": "TOKEN", "name": "Goblin Boss", "side": "CREATURE", "prompt": "humanoid"},
    {"kind": "ITEM", "name": "Potion of Healing"},
    {"kind": "LOCATION", "name": "The Yawning Portal", "prompt": "a tavern at night"},
    {"kind": "MAP_TACTICAL", "prompt": "a flooded cave", "map": {"width": 12, "height": 9}},
    {"kind": "MAP_CAMPAIGN", "name": "Marches", "places": [{"name": "Greyhaven", "kind": "city"}]},
    {"kind": "EFFECT", "area": {"shape": "CONE", "sizeFeet": 15}, "prompt": "cold"},
    {"kind": "HANDOUT", "name": "Wanted", "text": "Ten gold for the goblin's ears."},
]


@pytest.mark.parametrize("fields", KINDS, ids=lambda f: f["kind"])
async def test_every_kind_through_graphql(service: ImageService, fields: dict[str, Any]) -> None:
    owner = uuid.uuid4()
    if fields.get("characterId") == OWN_CHARACTER:
        fields = {**fields, "characterId": await service.character(owner)}
    result = await generate(service, service.tokens.headers(owner), seed=5, **fields)
    assert result["userErrors"] == []
    asset = result["asset"]
    assert (asset["kind"], asset["generator"], asset["seed"]) == (fields["kind"], "offline", 5)
    assert [d["name"] for d in asset["derivatives"]] == ["thumb-128", "thumb-512", "webp"]
    for derivative in asset["derivatives"]:
        served = await service.http.get(derivative["url"])
        with Image.open(io.BytesIO(served.content)) as image:
            assert (image.format, image.size) == (
                "WEBP",
                (derivative["width"], derivative["height"]),
            )
    if fields["kind"] == "MAP_TACTICAL":
        layout = asset["layout"]
        assert (layout["style"], layout["width"], layout["height"]) == ("CAVE", 12, 9)
        assert layout["walls"]
    else:
        assert asset["layout"] is None


BAD: list[tuple[dict[str, Any], list[str], str]] = [
    ({"kind": "PORTRAIT", "prompt": "x"}, ["input", "characterId"], "CHARACTER_REQUIRED"),
    ({"kind": "ITEM"}, ["input", "catalogSlug"], "SUBJECT_REQUIRED"),
    ({"kind": "TOKEN"}, ["input", "characterId"], "SUBJECT_REQUIRED"),
    (
        {"kind": "MAP_TACTICAL", "map": {"width": 200}},
        ["input", "map", "width"],
        "MAP_SIZE_OUT_OF_RANGE",
    ),
    (
        {"kind": "MAP_TACTICAL", "map": {"height": 2}},
        ["input", "map", "height"],
        "MAP_SIZE_OUT_OF_RANGE",
    ),
    ({"kind": "MAP_CAMPAIGN", "places": []}, ["input", "places"], "PLACES_REQUIRED"),
    (
        {"kind": "MAP_CAMPAIGN", "places": [{"name": "A", "x": 2}]},
        ["input", "places", "0", "x"],
        "POSITION_OUT_OF_RANGE",
    ),
    (
        {"kind": "MAP_CAMPAIGN", "places": [{"name": " "}]},
        ["input", "places", "0", "name"],
        "NAME_REQUIRED",
    ),
    (
        {"kind": "EFFECT", "area": {"shape": "SPHERE", "sizeFeet": 9000}},
        ["input", "area", "sizeFeet"],
        "AREA_SIZE_OUT_OF_RANGE",
    ),
    ({"kind": "HANDOUT", "name": "Note"}, ["input", "text"], "TEXT_REQUIRED"),
    ({"kind": "LOCATION", "name": "x" * 121}, ["input", "name"], "NAME_TOO_LONG"),
]


async def test_bad_requests_name_the_field_and_store_nothing(service: ImageService) -> None:
    auth = user(service)
    files, events = service.stored_files(), await service.events()
    for fields, path, code in BAD:
        result = await generate(service, auth, **fields)
        assert result["asset"] is None, fields
        assert [(e["path"], e["code"]) for e in result["userErrors"]] == [(path, code)], fields
    effect = await generate(service, auth, kind="EFFECT")
    assert {e["code"] for e in effect["userErrors"]} == {"AREA_REQUIRED", "AREA_SIZE_OUT_OF_RANGE"}
    assert service.stored_files() == files and await service.events() == events


async def test_versions_regenerate_edit_and_enhance(service: ImageService) -> None:
    auth = user(service)
    asset = (
        await generate(
            service, auth, kind="LOCATION", name="Harbour", prompt="a port at dusk", seed=1
        )
    )["asset"]
    regenerated = (
        await revise(
            service,
            auth,
            "regenerateAsset",
            id=asset["id"],
            expectedVersion=asset["version"],
            seed=2,
        )
    )["asset"]
    assert regenerated["currentVersion"] == {
        "number": 2,
        "parentNumber": 1,
        "operation": "GENERATED",
    }
    assert (regenerated["seed"], regenerated["prompt"]) == (2, "a port at dusk")
    edited = (
        await revise(
            service,
            auth,
            "editAsset",
            id=asset["id"],
            expectedVersion=regenerated["version"],
            prompt="a port at night",
        )
    )["asset"]
    assert edited["currentVersion"] == {"number": 3, "parentNumber": 2, "operation": "EDITED"}
    assert (edited["prompt"], edited["seed"]) == ("a port at night", 2)  # an edit keeps the seed
    bigger = (
        await revise(
            service,
            auth,
            "enhanceAsset",
            id=asset["id"],
            expectedVersion=edited["version"],
            enhancement="UPSCALE",
            scale=2,
        )
    )["asset"]
    assert bigger["currentVersion"]["operation"] == "UPSCALED"
    assert (bigger["width"], bigger["height"]) == (2 * edited["width"], 2 * edited["height"])
    fixed = (
        await revise(
            service,
            auth,
            "enhanceAsset",
            id=asset["id"],
            expectedVersion=bigger["version"],
            enhancement="FACE_FIX",
        )
    )["asset"]
    assert fixed["currentVersion"] == {"number": 5, "parentNumber": 4, "operation": "FACE_FIXED"}

    versions = (await gql(service.http, VERSIONS, {"id": asset["id"]}, auth))["data"]["asset"][
        "versions"
    ]["nodes"]
    assert [v["number"] for v in versions] == [5, 4, 3, 2, 1]
    for version in versions:  # every version stays readable, byte for byte
        served = await service.http.get(f"{asset['url']}?version={version['number']}")
        assert hashlib.sha256(served.content).hexdigest() == version["sha256"]
    assert await service.events_about(asset["id"]) == ["asset.created"] + ["asset.versioned"] * 4

    stale = await revise(
        service, auth, "regenerateAsset", id=asset["id"], expectedVersion=asset["version"]
    )
    assert [(e["path"], e["code"]) for e in stale["userErrors"]] == [
        (["input", "expectedVersion"], "VERSION_CONFLICT")
    ]
    theirs = await revise(
        service, user(service), "regenerateAsset", id=asset["id"], expectedVersion=fixed["version"]
    )
    assert [e["code"] for e in theirs["userErrors"]] == ["NOT_FOUND"]
    bad = await revise(
        service,
        auth,
        "editAsset",
        id=asset["id"],
        expectedVersion=fixed["version"],
        prompt=" ",
        strength=3,
    )
    assert {e["code"] for e in bad["userErrors"]} == {"PROMPT_REQUIRED", "STRENGTH_OUT_OF_RANGE"}


async def test_uploads_are_enhanced_but_not_regenerated(service: ImageService) -> None:
    auth = user(service)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 200, 30)).save(buffer, format="PNG")
    variables = {
        "i": {
            "kind": "HANDOUT",
            "contentType": "image/png",
            "dataBase64": base64.b64encode(buffer.getvalue()).decode(),
        }
    }
    asset = (await gql(service.http, UPLOAD, variables, auth))["data"]["uploadAsset"]["asset"]
    refused = await revise(
        service, auth, "regenerateAsset", id=asset["id"], expectedVersion=asset["version"]
    )
    assert [e["code"] for e in refused["userErrors"]] == ["NOT_GENERATED"]
    bigger = await revise(
        service,
        auth,
        "enhanceAsset",
        id=asset["id"],
        expectedVersion=asset["version"],
        enhancement="UPSCALE",
        scale=4,
    )
    assert (bigger["asset"]["width"], bigger["asset"]["height"]) == (160, 120)


async def test_concurrent_regenerations_one_wins_and_nothing_leaks(service: ImageService) -> None:
    auth = user(service)
    asset = (
        await generate(
            service, auth, kind="HANDOUT", name="Orders", text="Hold the bridge.", seed=1
        )
    )["asset"]
    files = service.stored_files()
    results = await asyncio.gather(
        *(
            revise(
                service,
                auth,
                "regenerateAsset",
                id=asset["id"],
                expectedVersion=asset["version"],
                seed=s,
            )
            for s in range(4)
        )
    )
    winners = [r for r in results if r["asset"] is not None]
    assert len(winners) == 1
    assert all(
        e["code"] == "VERSION_CONFLICT"
        for r in results
        if r["asset"] is None
        for e in r["userErrors"]
    )
    assert len(service.stored_files() - files) == 4  # one version's original and derivatives


async def test_concurrent_portraits_of_one_character_all_land_as_versions(
    service: ImageService,
) -> None:
    owner = uuid.uuid4()
    auth = service.tokens.headers(owner)
    character = await service.character(owner)
    first = (
        await generate(
            service, auth, kind="PORTRAIT", characterId=character, prompt="an elf", seed=0
        )
    )["asset"]
    results = await asyncio.gather(
        *(
            generate(service, auth, kind="PORTRAIT", characterId=character, prompt="an elf", seed=s)
            for s in range(1, 4)
        )
    )
    assert {r["asset"]["id"] for r in results} == {first["id"]}
    async with service.engine.connect() as connection:
        numbers = (
            (
                await connection.execute(
                    select(AssetVersionRow.number).where(
                        AssetVersionRow.asset_id == uuid.UUID(first["id"])
                    )
                )
            )
            .scalars()
            .all()
        )
    assert sorted(numbers) == [1, 2, 3, 4]


async def test_reuse_first_for_catalog_entries(service: ImageService) -> None:
    alice, bob = user(service), user(service)
    slug = f"magic-item/test-{uuid.uuid4().hex[:8]}"
    made = await generate(service, alice, kind="ITEM", catalogSlug=slug, name="Wand of Wonder")
    asset = made["asset"]
    assert (made["reused"], asset["shared"], asset["catalogSlug"]) == (False, True, slug)
    again = await generate(service, bob, kind="ITEM", catalogSlug=slug, name="Wand of Wonder")
    assert (again["reused"], again["asset"]["id"]) == (True, asset["id"])
    seen = await gql(
        service.http, "query($id: ID!) { asset(id: $id) { id } }", {"id": asset["id"]}, bob
    )
    assert seen["data"]["asset"] == {"id": asset["id"]}  # a shared catalog picture
    custom = await generate(
        service, bob, kind="ITEM", catalogSlug=slug, name="Wand of Wonder", prompt="made of bone"
    )
    assert custom["reused"] is False and custom["asset"]["id"] != asset["id"]
    assert custom["asset"]["shared"] is False  # a custom prompt makes it the player's own
    hidden = await gql(
        service.http,
        "query($id: ID!) { asset(id: $id) { id } }",
        {"id": custom["asset"]["id"]},
        alice,
    )
    assert hidden["data"]["asset"] is None


async def test_the_rate_limit_refuses_the_eleventh_and_stores_nothing(
    service: ImageService,
) -> None:
    auth = user(service)
    for seed in range(10):
        assert (await generate(service, auth, kind="HANDOUT", text="x", seed=seed))[
            "userErrors"
        ] == []
    files = service.stored_files()
    refused = await generate(service, auth, kind="HANDOUT", text="x", seed=99)
    assert [(e["path"], e["code"]) for e in refused["userErrors"]] == [(["input"], "RATE_LIMITED")]
    assert "10 images a minute" in refused["userErrors"][0]["message"]
    assert service.stored_files() == files
    assert (await generate(service, user(service), kind="HANDOUT", text="x"))["userErrors"] == []


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (60, 20), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees to show upright
    exif[0x010F] = "PhoneMaker"  # camera make
    gps = exif.get_ifd(0x8825)  # where the picture was taken
    gps[1], gps[2] = "N", (51.0, 30.0, 0.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


async def test_uploads_lose_their_metadata(service: ImageService) -> None:
    auth = user(service)
    data = jpeg_with_exif()
    variables = {
        "i": {
            "kind": "PORTRAIT",
            "contentType": "image/jpeg",
            "dataBase64": base64.b64encode(data).decode(),
        }
    }
    asset = (await gql(service.http, UPLOAD, variables, auth))["data"]["uploadAsset"]["asset"]
    served = (await service.http.get(asset["url"])).content
    assert served != data and hashlib.sha256(served).hexdigest() == asset["sha256"]
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif().get_ifd(0x8825)  # the upload did carry a position
    with Image.open(io.BytesIO(served)) as image:
        assert not image.getexif()
        assert image.size == (20, 60) == (asset["width"], asset["height"])  # turned upright


async def test_delivery_ranges_variants_and_versions(service: ImageService) -> None:
    auth = user(service)
    asset = (await generate(service, auth, kind="HANDOUT", text="A map to the vault.", seed=3))[
        "asset"
    ]
    whole = await service.http.get(asset["url"])
    size, etag = len(whole.content), whole.headers["etag"]
    assert whole.headers["accept-ranges"] == "bytes"
    cases = [
        ({"Range": "bytes=10-19"}, 206, whole.content[10:20], f"bytes 10-19/{size}"),
        ({"Range": "bytes=-5"}, 206, whole.content[-5:], f"bytes {size - 5}-{size - 1}/{size}"),
        (
            {"Range": f"bytes={size - 3}-"},
            206,
            whole.content[-3:],
            f"bytes {size - 3}-{size - 1}/{size}",
        ),
        ({"Range": f"bytes={size}-"}, 416, b"", f"bytes */{size}"),
        ({"Range": "bytes=0-1,5-6"}, 200, whole.content, None),  # several ranges: the whole file
        ({"Range": "bytes=0-9", "If-Range": '"stale"'}, 200, whole.content, None),
        ({"Range": "bytes=0-9", "If-Range": etag}, 206, whole.content[:10], f"bytes 0-9/{size}"),
    ]
    for headers, status, body, content_range in cases:
        response = await service.http.get(asset["url"], headers=headers)
        assert response.status_code == status, headers
        if status != 416:
            assert response.content == body, headers
        assert response.headers.get("content-range") == content_range, headers
    assert (await service.http.get(f"{asset['url']}?variant=poster")).status_code == 404
    assert (await service.http.get(f"{asset['url']}?version=abc")).status_code == 400
    assert (await service.http.get(f"{asset['url']}?version=9")).status_code == 404
    head = await service.http.head(asset["url"])
    assert head.status_code == 200 and head.headers["etag"] == etag


async def test_render_encounter_needs_the_router(service: ImageService) -> None:
    query = """mutation($i: RenderEncounterInput!) {
      renderEncounter(input: $i) { asset { id } userErrors { path code } }
    }"""
    result = await gql(
        service.http, query, {"i": {"encounterId": str(uuid.uuid4())}}, user(service)
    )
    assert result["data"]["renderEncounter"]["userErrors"] == [
        {"path": ["input", "encounterId"], "code": "ENCOUNTER_UNAVAILABLE"}
    ]
    bad = await gql(service.http, query, {"i": {"encounterId": "nope"}}, user(service))
    assert bad["data"]["renderEncounter"]["userErrors"] == [
        {"path": ["input", "encounterId"], "code": "INVALID_ID"}
    ]
