"""The GetImg.AI client against a loopback server speaking its API; no mocks of the client."""

from __future__ import annotations

import base64
import io
import logging
import time
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from PIL import Image

from subgraphs.image.generator import ImageGenerationFailed, ImageRequest
from subgraphs.image.getimg import GetImgGenerator, Retries, WithFallback
from subgraphs.image.looks import SheetFacts, character_look
from subgraphs.image.models import AssetKind
from subgraphs.image.offline.generator import OfflineImageGenerator
from subgraphs.image.offline.item import ItemFacts
from subgraphs.image.specs import ItemSpec, PortraitSpec, TacticalSpec, TokenSpec
from tests.subgraphs.image.getimg_server import (
    API_KEY,
    FACE_FIX,
    IMAGE_TO_IMAGE,
    TEXT_TO_IMAGE,
    UPSCALE,
    GetImgState,
    getimg_app,
)
from tests.support import free_port, loopback_server

pytestmark = pytest.mark.asyncio(loop_scope="module")
FAST = Retries(attempts=3, wait_initial=0.01, wait_max=0.05, total_timeout=10)
PORTRAIT = ImageRequest(
    AssetKind.PORTRAIT,
    "with a crimson cloak",
    11,
    PortraitSpec(character_look("", SheetFacts("Seraphine", 5, "Elf", ("Wizard",)))),
)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server() -> AsyncIterator[tuple[str, GetImgState]]:
    state = GetImgState()
    async with loopback_server(getimg_app(state)) as url:
        yield f"{url}/v1", state


@pytest.fixture
def state(server: tuple[str, GetImgState]) -> GetImgState:
    _, found = server
    found.received.clear()
    found.fail_next.clear()
    found.delay = 0.0
    return found


def client(server: tuple[str, GetImgState], **options: object) -> GetImgGenerator:
    url, _ = server
    return GetImgGenerator(API_KEY, url, retries=FAST, **options)  # type: ignore[arg-type]


def size_of(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size


async def test_text_to_image_sends_a_theme_aware_prompt(
    server: tuple[str, GetImgState], state: GetImgState
) -> None:
    made = await client(server).generate(PORTRAIT)
    assert (made.generator, made.content_type) == ("getimg", "image/png")
    assert size_of(made.data) == (made.width, made.height) == (128, 128)
    [(path, body)] = state.received
    assert path == TEXT_TO_IMAGE
    assert body["seed"] == 11 and body["response_format"] == "b64"
    # The sheet shapes the prompt; the player's own words stay in it.
    prompt = body["prompt"]
    assert "Seraphine" in prompt and "level 5 elf wizard" in prompt
    assert "crimson cloak" in prompt and "pointed hat" in prompt
    assert body["negative_prompt"]


async def test_image_to_image_face_fix_and_upscale(
    server: tuple[str, GetImgState], state: GetImgState
) -> None:
    getimg = client(server)
    source = (await OfflineImageGenerator().generate(PORTRAIT)).data
    edited = await getimg.edit(PORTRAIT, source, 0.35)
    fixed = await getimg.fix_face(source)
    bigger = await getimg.upscale(source, 4)
    assert [path for path, _ in state.received] == [IMAGE_TO_IMAGE, FACE_FIX, UPSCALE]
    assert state.received[0][1]["strength"] == 0.35
    assert base64.b64decode(state.received[1][1]["image"]) == source
    assert size_of(edited.data) == size_of(fixed.data) == (512, 512)
    assert size_of(bigger.data) == (2048, 2048)


async def test_tokens_come_back_round(server: tuple[str, GetImgState], state: GetImgState) -> None:
    request = ImageRequest(AssetKind.TOKEN, (""), 3, TokenSpec(look=PORTRAIT.spec.look))  # type: ignore[union-attr]
    token = await client(server).generate(request)
    edited = await client(server).edit(request, token.data, 0.4)
    for made in (token, edited):
        assert_round(made.data)


def assert_round(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        assert image.mode == "RGBA"
        alpha = image.getchannel("A")
        assert alpha.getpixel((0, 0)) == 0  # outside the disc: transparent
        assert alpha.getpixel((image.width // 2, image.height // 2)) == 255


async def test_server_errors_are_retried_with_backoff(
    server: tuple[str, GetImgState], state: GetImgState
) -> None:
    state.fail_next = [(503, {}), (429, {"Retry-After": "0.2"})]
    started = time.monotonic()
    made = await client(server).generate(PORTRAIT)
    assert made.generator == "getimg"
    assert len(state.received) == 3  # two failures, then the answer
    assert time.monotonic() - started >= 0.2  # Retry-After was honoured


async def test_giving_up_after_the_attempts(
    server: tuple[str, GetImgState], state: GetImgState
) -> None:
    state.fail_next = [(500, {})] * 5
    with pytest.raises(ImageGenerationFailed, match="500"):
        await client(server).generate(PORTRAIT)
    assert len(state.received) == FAST.attempts


async def test_refusals_fail_at_once_with_the_reason(
    server: tuple[str, GetImgState], state: GetImgState
) -> None:
    request = ImageRequest(AssetKind.ITEM, "a forbidden relic", 1, ItemSpec(ItemFacts("Relic")))
    with pytest.raises(ImageGenerationFailed, match="content policy"):
        await client(server).generate(request)
    assert len(state.received) == 1  # a 400 is not retried
    url, _ = server
    with pytest.raises(ImageGenerationFailed, match="Invalid API key"):
        await GetImgGenerator("wrong-key", url, retries=FAST).generate(PORTRAIT)


async def test_timeouts_are_retried_then_reported(
    server: tuple[str, GetImgState], state: GetImgState
) -> None:
    state.delay = 0.5
    with pytest.raises(ImageGenerationFailed, match="did not answer"):
        await client(server, timeout=0.1).generate(PORTRAIT)
    assert len(state.received) == FAST.attempts


async def test_unreachable_provider(state: GetImgState) -> None:
    getimg = GetImgGenerator(API_KEY, f"http://127.0.0.1:{free_port()}/v1", retries=FAST)
    with pytest.raises(ImageGenerationFailed, match="unreachable"):
        await getimg.generate(PORTRAIT)


async def test_fallback_draws_offline_and_maps_never_leave(
    server: tuple[str, GetImgState], state: GetImgState, caplog: pytest.LogCaptureFixture
) -> None:
    generator = WithFallback(client(server), OfflineImageGenerator())
    state.fail_next = [(503, {})] * 5
    with caplog.at_level(logging.WARNING, logger="dndcreator.image.getimg"):
        made = await generator.generate(PORTRAIT)
    assert made.generator == "offline"
    assert made.data == (await OfflineImageGenerator().generate(PORTRAIT)).data
    assert "drawing offline" in caplog.text and API_KEY not in caplog.text
    state.received.clear()
    battle = ImageRequest(AssetKind.MAP_TACTICAL, "crypt", 1, TacticalSpec(None, 10, 8))
    drawn = await generator.generate(battle)
    assert drawn.generator == "offline" and drawn.layout is not None
    assert state.received == []  # a map must match its layout: never sent to the provider


async def test_the_key_is_never_shown() -> None:
    getimg = GetImgGenerator("secret-key-123", "http://127.0.0.1:1/v1")
    assert "secret-key-123" not in repr(getimg)
