"""The image generation port: a prompt and a seed in, encoded image bytes out.

The embedded default is the procedural generator (``procedural.py``), which draws with Pillow and
needs no network. A hosted text-to-image provider plugs in by implementing ``ImageGenerator``;
the service layer never knows which one it is talking to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ImageRequest:
    prompt: str
    seed: int


@dataclass(frozen=True)
class GeneratedImage:
    data: bytes
    content_type: str
    width: int
    height: int
    description: str  # what the picture shows, in words: becomes the asset's alt text


class ImageGenerationFailed(Exception):
    """The generator could not produce an image (a provider is down, refused the prompt, ...)."""


class ImageGenerator(Protocol):
    @property
    def name(self) -> str:
        """Short stable name recorded on every asset it makes, e.g. ``procedural``."""
        ...

    async def generate(self, request: ImageRequest) -> GeneratedImage: ...
