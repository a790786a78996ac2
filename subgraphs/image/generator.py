"""The image generation port: a kind, a prompt, a seed and a spec in, encoded image bytes out.

The embedded default is the offline generator (``offline/``), which draws with Pillow and needs
no network. The GetImg.AI provider (``getimg.py``) implements the same port; the service layer
never knows which one it is talking to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from subgraphs.image.models import AssetKind
from subgraphs.image.specs import Spec


@dataclass(frozen=True)
class ImageRequest:
    kind: AssetKind
    prompt: str
    seed: int
    spec: Spec


@dataclass(frozen=True)
class GeneratedImage:
    data: bytes
    content_type: str
    width: int
    height: int
    description: str  # what the picture shows, in words: becomes the asset's alt text
    generator: str  # who made it: a fallback may not be the generator that was asked
    layout: dict[str, Any] | None = None  # tactical maps: ``layout.TacticalLayout.as_json()``


class ImageGenerationFailed(Exception):
    """The generator could not produce an image (a provider is down, refused the prompt, ...)."""


class ImageGenerator(Protocol):
    @property
    def name(self) -> str:
        """Short stable name recorded on every asset it makes, e.g. ``offline``."""
        ...

    async def generate(self, request: ImageRequest) -> GeneratedImage: ...

    async def edit(self, request: ImageRequest, source: bytes, strength: float) -> GeneratedImage:
        """A new picture from ``source`` changed as ``request.prompt`` says (image-to-image);
        ``strength`` 0..1 is how far it may move from the source."""
        ...

    async def fix_face(self, source: bytes) -> GeneratedImage:
        """``source`` with its faces restored."""
        ...

    async def upscale(self, source: bytes, scale: int) -> GeneratedImage:
        """``source`` at ``scale`` times its size (2 or 4)."""
        ...
