"""``OfflineImageGenerator``: the embedded ``ImageGenerator``, drawing every kind with Pillow.

Edits, face fixes and upscaling are honest Pillow work too: an edit redraws the picture from the
new prompt with the parent's seed and spec (so what the prompt does not change stays), a face fix
sharpens and lifts contrast, upscaling resamples with Lanczos and sharpens.
"""

from __future__ import annotations

import asyncio
import io

from PIL import Image, ImageFilter, ImageOps

from subgraphs.image.generator import GeneratedImage, ImageRequest
from subgraphs.image.offline.canvas import encode_png
from subgraphs.image.offline.effect import draw_effect
from subgraphs.image.offline.item import draw_item
from subgraphs.image.offline.portrait import draw_portrait
from subgraphs.image.offline.region import draw_region
from subgraphs.image.offline.scene import draw_handout, draw_location
from subgraphs.image.offline.tactical import draw_tactical
from subgraphs.image.offline.token import character_token, creature_token
from subgraphs.image.specs import (
    EffectSpec,
    HandoutSpec,
    ItemSpec,
    LocationSpec,
    PortraitSpec,
    RegionSpec,
    TacticalSpec,
    TokenSpec,
)

NAME = "offline"
NOTE = "drawn by code, not a model"


def _image(
    image: Image.Image, description: str, layout: dict[str, object] | None = None
) -> GeneratedImage:
    return GeneratedImage(
        data=encode_png(image),
        content_type="image/png",
        width=image.width,
        height=image.height,
        description=f"{description} ({NOTE}).",
        generator=NAME,
        layout=layout,
    )


def render(request: ImageRequest) -> GeneratedImage:
    """The picture for ``request``; CPU-bound (call it in a worker thread)."""
    spec, prompt, seed = request.spec, request.prompt, request.seed
    if isinstance(spec, PortraitSpec):
        look = spec.look
        who = f"{look.name}, " if look.name else ""
        return _image(draw_portrait(look, seed), f"Portrait of {who}{look.caption or 'a hero'}")
    if isinstance(spec, TokenSpec):
        if spec.look is not None:
            token = character_token(spec.look, seed, spec.side)
            return _image(token, f"Round token of {spec.look.name or spec.look.caption}")
        token = creature_token(spec.creature_name, spec.creature_type, seed, spec.side)
        return _image(
            token, f"Round token of {spec.creature_name} ({spec.creature_type or 'creature'})"
        )
    if isinstance(spec, ItemSpec):
        image, shape = draw_item(spec.item, prompt, seed)
        return _image(image, f"{spec.item.name or 'An item'}, drawn as a {shape}")
    if isinstance(spec, TacticalSpec):
        image, layout = draw_tactical(prompt, seed, spec.style, spec.width, spec.height)
        return _image(
            image,
            f"{layout.style.value.title()} battle map, {spec.width} by {spec.height} squares "
            f"of 5 feet, {len(layout.doors)} doors, "
            f"{len(layout.difficult)} squares of difficult terrain",
            layout.as_json(),
        )
    if isinstance(spec, RegionSpec):
        image, _ = draw_region(spec.title, list(spec.places), seed)
        names = ", ".join(place.name for place in spec.places)
        return _image(
            image,
            f"Region map{' of ' + spec.title if spec.title else ''} showing {names or 'no places'}",
        )
    if isinstance(spec, EffectSpec):
        overlay = draw_effect(
            spec.shape, spec.size_feet, f"{prompt} {spec.spell_name}", width_feet=spec.width_feet
        )
        what = f" of {spec.spell_name}" if spec.spell_name else ""
        return _image(
            overlay,
            f"Area{what}: {spec.size_feet}-foot {spec.shape.value.lower()} on the 5-foot grid",
        )
    if isinstance(spec, LocationSpec):
        image, scene = draw_location(spec.name, prompt, seed)
        return _image(image, f"{spec.name or 'A place'}: {scene}")
    assert isinstance(spec, HandoutSpec)
    return _image(draw_handout(spec.title, spec.text, seed), f"Handout: {spec.title or 'a letter'}")


def _decode(source: bytes) -> Image.Image:
    with Image.open(io.BytesIO(source)) as opened:
        return opened.convert("RGBA" if opened.mode in ("RGBA", "LA", "P") else "RGB")


def fix_face(source: bytes) -> GeneratedImage:
    image = _decode(source)
    rgb = image.convert("RGB")
    improved = ImageOps.autocontrast(rgb, cutoff=1).filter(
        ImageFilter.UnsharpMask(radius=2, percent=80)
    )
    if image.mode == "RGBA":
        improved.putalpha(image.getchannel("A"))
    return _image(improved, "Sharpened and contrast-lifted copy")


def upscale(source: bytes, scale: int) -> GeneratedImage:
    image = _decode(source)
    bigger = image.resize((image.width * scale, image.height * scale), Image.Resampling.LANCZOS)
    return _image(
        bigger.filter(ImageFilter.UnsharpMask(radius=1.5, percent=60)), f"Copy at {scale}x"
    )


class OfflineImageGenerator:
    """Every kind drawn by Pillow from the request alone; needs nothing installed or online."""

    name = NAME

    async def generate(self, request: ImageRequest) -> GeneratedImage:
        # Drawing and PNG compression are CPU work; keep the event loop free meanwhile.
        return await asyncio.to_thread(render, request)

    async def edit(self, request: ImageRequest, source: bytes, strength: float) -> GeneratedImage:
        return await self.generate(request)

    async def fix_face(self, source: bytes) -> GeneratedImage:
        return await asyncio.to_thread(fix_face, source)

    async def upscale(self, source: bytes, scale: int) -> GeneratedImage:
        return await asyncio.to_thread(upscale, source, scale)
