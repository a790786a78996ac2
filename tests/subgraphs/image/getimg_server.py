"""A loopback server speaking GetImg.AI's HTTP API, for testing the real client.

It checks what the real API checks (bearer key, JSON body with the fields each endpoint needs,
base64 images in) and answers as it does (``{"image": <base64>, "seed": ..., "cost": ...}``, or
``{"error": {"message", "type", "code"}}`` with a 4xx/5xx status). Tests script failures:
``fail_next`` answers the next requests with a status (503, 429 with Retry-After...),
``delay`` holds each answer back, ``refuse_words`` answers 400 for prompts containing them.
"""

from __future__ import annotations

import asyncio
import base64
import io
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, ImageDraw
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

API_KEY = "test-getimg-key"
TEXT_TO_IMAGE = "/v1/stable-diffusion-xl/text-to-image"
IMAGE_TO_IMAGE = "/v1/stable-diffusion-xl/image-to-image"
FACE_FIX = "/v1/enhancements/face-fix"
UPSCALE = "/v1/enhancements/upscale"
REQUIRED = {
    TEXT_TO_IMAGE: ("prompt",),
    IMAGE_TO_IMAGE: ("prompt", "image"),
    FACE_FIX: ("image",),
    UPSCALE: ("image",),
}


@dataclass
class GetImgState:
    received: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    fail_next: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    delay: float = 0.0
    refuse_words: tuple[str, ...] = ("forbidden",)


def _error(status: int, message: str, kind: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"message": message, "type": kind, "code": kind}}, status_code=status
    )


def _png(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    image = Image.new("RGB", (width, height), colour)
    ImageDraw.Draw(image).ellipse(
        (width // 4, height // 4, 3 * width // 4, 3 * height // 4), fill=(240, 220, 200)
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _decode(value: Any) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(value, validate=True)))


def getimg_app(state: GetImgState) -> Starlette:
    async def endpoint(request: Request) -> JSONResponse:
        path = request.url.path
        if request.headers.get("authorization") != f"Bearer {API_KEY}":
            return _error(401, "Invalid API key", "authentication_error")
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "Body must be JSON", "invalid_request_error")
        state.received.append((path, body))
        missing = [name for name in REQUIRED[path] if not body.get(name)]
        if missing:
            return _error(400, f"Missing parameter: {missing[0]}", "invalid_request_error")
        if state.delay:
            await asyncio.sleep(state.delay)
        if state.fail_next:
            status, headers = state.fail_next.pop(0)
            response = _error(status, "Service temporarily unavailable", "server_error")
            response.headers.update(headers)
            return response
        if any(word in str(body.get("prompt", "")).lower() for word in state.refuse_words):
            return _error(400, "Prompt violates the content policy", "content_policy_violation")
        if path == TEXT_TO_IMAGE:
            data = _png(body.get("width", 1024) // 8, body.get("height", 1024) // 8, (90, 40, 120))
        elif path == UPSCALE:
            source = _decode(body["image"])
            scale = int(body.get("scale", 4))
            data = _png(source.width * scale, source.height * scale, (40, 90, 120))
        else:
            source = _decode(body["image"])
            data = _png(source.width, source.height, (120, 90, 40))
        return JSONResponse(
            {"image": base64.b64encode(data).decode(), "seed": body.get("seed", 0), "cost": 0.0045}
        )

    return Starlette(routes=[Route(path, endpoint, methods=["POST"]) for path in REQUIRED])
