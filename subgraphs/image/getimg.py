"""GetImg.AI through its HTTP API: text-to-image, image-to-image, face fix and upscaling.

Configured by ``GETIMG_API_KEY`` (and ``GETIMG_BASE_URL``, for a proxy or a test server). Each
call has a timeout; timeouts, connection failures, 429 and 5xx answers are retried with
exponential backoff (tenacity), honouring ``Retry-After``; other refusals (a bad prompt, no
credit) fail at once. ``WithFallback`` puts it in front of the offline generator: kinds that
must match the game's data exactly are always drawn offline, and any provider failure falls
back to offline drawing, recorded as such on the version (``generator: offline``).

The API key travels only in the ``Authorization`` header and is never logged or repr'd.
"""

from __future__ import annotations

import base64
import binascii
import io
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from PIL import Image
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential,
)

from subgraphs.image.generator import (
    GeneratedImage,
    ImageGenerationFailed,
    ImageGenerator,
    ImageRequest,
)
from subgraphs.image.inspection import ImageRejected, inspect_image
from subgraphs.image.models import AssetKind
from subgraphs.image.offline.canvas import encode_png, shrink
from subgraphs.image.offline.token import RIMS, disc
from subgraphs.image.prompts import NEGATIVE, PROVIDER_KINDS, provider_prompt
from subgraphs.image.specs import TokenSpec

log = logging.getLogger("dndcreator.image.getimg")

NAME = "getimg"
BASE_URL = "https://api.getimg.ai/v1"
MODEL_FAMILY = "stable-diffusion-xl"
SIZES = {AssetKind.LOCATION: (1024, 768)}
DEFAULT_SIZE = (1024, 1024)
STEPS = 30


class RetryableError(ImageGenerationFailed):
    """The provider may answer next time: it timed out, was unreachable, overloaded or failing."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Retries:
    attempts: int = 3
    wait_initial: float = 0.5
    wait_max: float = 8.0
    total_timeout: float = 120.0


def _wait(retries: Retries) -> Callable[[RetryCallState], float]:
    """Exponential backoff, or the ``Retry-After`` the API sent when it sent one."""
    exponential = wait_exponential(multiplier=retries.wait_initial, max=retries.wait_max)

    def wait(state: RetryCallState) -> float:
        failure = state.outcome.exception() if state.outcome is not None else None
        if isinstance(failure, RetryableError) and failure.retry_after is not None:
            return failure.retry_after
        return float(exponential(state))

    return wait


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return min(float(response.headers["retry-after"]), 30.0)
    except (KeyError, ValueError):
        return None


def _error_message(response: httpx.Response) -> str:
    try:
        body = response.json()
        error = body.get("error") if isinstance(body, dict) else None
        message = error.get("message") if isinstance(error, dict) else None
        if isinstance(message, str):
            return message[:300]
    except ValueError:
        pass
    return f"HTTP {response.status_code}"


class GetImgGenerator:
    """``ImageGenerator`` for the GetImg.AI API."""

    name = NAME

    def __init__(
        self,
        api_key: str,
        base_url: str = BASE_URL,
        *,
        timeout: float = 60.0,
        retries: Retries = Retries(),
        http: httpx.AsyncClient | None = None,
        theme: str = "",
    ) -> None:
        self._key, self.base_url = api_key, base_url.rstrip("/")
        self.timeout, self.retries, self._http, self.theme = timeout, retries, http, theme

    def __repr__(self) -> str:  # never the key
        return f"GetImgGenerator({self.base_url!r})"

    @classmethod
    def from_env(cls) -> GetImgGenerator:
        return cls(
            os.environ["GETIMG_API_KEY"],
            os.environ.get("GETIMG_BASE_URL") or BASE_URL,
            timeout=float(os.environ.get("GETIMG_TIMEOUT_SECONDS") or 60),
        )

    async def _send(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self._key}", "Accept": "application/json"}
        http = self._http or httpx.AsyncClient()
        try:
            response = await http.post(
                f"{self.base_url}{path}", json=body, headers=headers, timeout=self.timeout
            )
        except httpx.TimeoutException:
            raise RetryableError(f"GetImg did not answer within {self.timeout:g}s") from None
        except httpx.HTTPError as exc:
            raise RetryableError(f"GetImg unreachable ({exc.__class__.__name__})") from None
        finally:
            if self._http is None:
                await http.aclose()
        if response.status_code == 429 or response.status_code >= 500:
            raise RetryableError(
                f"GetImg answered {response.status_code}: {_error_message(response)}",
                _retry_after(response),
            )
        if response.status_code != 200:
            raise ImageGenerationFailed(f"GetImg refused: {_error_message(response)}")
        try:
            answer = response.json()
        except ValueError:
            raise ImageGenerationFailed("GetImg answered something that is not JSON") from None
        if not isinstance(answer, dict):
            raise ImageGenerationFailed("GetImg answered without an image")
        return answer

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        retries = self.retries
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(RetryableError),
            stop=stop_after_attempt(retries.attempts) | stop_after_delay(retries.total_timeout),
            wait=_wait(retries),
            reraise=True,  # the last failure, as it was
        )
        answer: dict[str, Any] = await retrying(self._send, path, body)
        return answer

    def _image(self, answer: dict[str, Any], description: str) -> GeneratedImage:
        encoded = answer.get("image")
        if not isinstance(encoded, str):
            raise ImageGenerationFailed("GetImg answered without an image")
        try:
            data = base64.b64decode(encoded, validate=True)
            facts = inspect_image(data)
        except (binascii.Error, ValueError, ImageRejected) as exc:
            raise ImageGenerationFailed(f"GetImg's image could not be read: {exc}") from None
        return GeneratedImage(
            data, facts.content_type, facts.width, facts.height, description, NAME
        )

    async def generate(self, request: ImageRequest) -> GeneratedImage:
        if request.kind not in PROVIDER_KINDS:
            raise ImageGenerationFailed(f"GetImg does not draw {request.kind.value} images")
        width, height = SIZES.get(request.kind, DEFAULT_SIZE)
        prompt = provider_prompt(request.kind, request.prompt, request.spec, self.theme)
        answer = await self._post(
            f"/{MODEL_FAMILY}/text-to-image",
            {
                "prompt": prompt[:2048],
                "negative_prompt": NEGATIVE,
                "width": width,
                "height": height,
                "steps": STEPS,
                "seed": request.seed,
                "output_format": "png",
                "response_format": "b64",
            },
        )
        image = self._image(answer, f"{prompt} (GetImg.AI)")
        return _as_token(image) if isinstance(request.spec, TokenSpec) else image

    async def edit(self, request: ImageRequest, source: bytes, strength: float) -> GeneratedImage:
        if request.kind not in PROVIDER_KINDS:
            raise ImageGenerationFailed(f"GetImg does not edit {request.kind.value} images")
        prompt = provider_prompt(request.kind, request.prompt, request.spec, self.theme)
        answer = await self._post(
            f"/{MODEL_FAMILY}/image-to-image",
            {
                "prompt": prompt[:2048],
                "negative_prompt": NEGATIVE,
                "image": base64.b64encode(source).decode(),
                "strength": strength,
                "steps": STEPS,
                "seed": request.seed,
                "output_format": "png",
                "response_format": "b64",
            },
        )
        image = self._image(answer, f"{prompt} (GetImg.AI, edited)")
        return _as_token(image) if isinstance(request.spec, TokenSpec) else image

    async def fix_face(self, source: bytes) -> GeneratedImage:
        answer = await self._post(
            "/enhancements/face-fix",
            {
                "image": base64.b64encode(source).decode(),
                "output_format": "png",
                "response_format": "b64",
            },
        )
        return self._image(answer, "Faces restored by GetImg.AI")

    async def upscale(self, source: bytes, scale: int) -> GeneratedImage:
        answer = await self._post(
            "/enhancements/upscale",
            {
                "image": base64.b64encode(source).decode(),
                "scale": scale,
                "output_format": "png",
                "response_format": "b64",
            },
        )
        return self._image(answer, f"Upscaled {scale}x by GetImg.AI")


def _as_token(image: GeneratedImage) -> GeneratedImage:
    """A provider's picture cut into a round map token."""
    with Image.open(io.BytesIO(image.data)) as opened:
        token = shrink(disc(opened.convert("RGB"), RIMS["PLAYER_CHARACTER"]))
    data = encode_png(token)
    return GeneratedImage(data, "image/png", token.width, token.height, image.description, NAME)


class WithFallback:
    """A provider first, the offline generator when the provider cannot or must not draw."""

    def __init__(self, provider: ImageGenerator, offline: ImageGenerator) -> None:
        self.provider, self.offline = provider, offline

    @property
    def name(self) -> str:
        return self.provider.name

    async def generate(self, request: ImageRequest) -> GeneratedImage:
        if request.kind not in PROVIDER_KINDS:
            return await self.offline.generate(request)
        try:
            return await self.provider.generate(request)
        except ImageGenerationFailed as exc:
            log.warning("%s failed, drawing offline instead: %s", self.provider.name, exc)
            return await self.offline.generate(request)

    async def edit(self, request: ImageRequest, source: bytes, strength: float) -> GeneratedImage:
        if request.kind not in PROVIDER_KINDS:
            return await self.offline.edit(request, source, strength)
        try:
            return await self.provider.edit(request, source, strength)
        except ImageGenerationFailed as exc:
            log.warning("%s failed, editing offline instead: %s", self.provider.name, exc)
            return await self.offline.edit(request, source, strength)

    async def fix_face(self, source: bytes) -> GeneratedImage:
        try:
            return await self.provider.fix_face(source)
        except ImageGenerationFailed as exc:
            log.warning("%s failed, fixing offline instead: %s", self.provider.name, exc)
            return await self.offline.fix_face(source)

    async def upscale(self, source: bytes, scale: int) -> GeneratedImage:
        try:
            return await self.provider.upscale(source, scale)
        except ImageGenerationFailed as exc:
            log.warning("%s failed, upscaling offline instead: %s", self.provider.name, exc)
            return await self.offline.upscale(source, scale)
