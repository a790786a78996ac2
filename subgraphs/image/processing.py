"""What every stored image gets: metadata stripped, thumbnails and a WebP copy.

CPU-bound: call these in a worker thread.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps

THUMBNAIL_SIDES = (128, 512)
WEBP_QUALITY = 85
# Chunks and segments that describe the file rather than the picture, and often say too much
# (GPS position, camera serial, editing software, thumbnails of what was cropped away).
_METADATA_KEYS = ("exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop", "dpi")


@dataclass(frozen=True)
class Derivative:
    name: str  # "thumb-128", "thumb-512", "webp"
    data: bytes
    content_type: str
    width: int
    height: int


def has_metadata(image: Image.Image) -> bool:
    if image.getexif():
        return True
    info = image.info
    # PNG text chunks arrive as plain string entries in ``info``.
    return any(key in info for key in _METADATA_KEYS) or any(
        isinstance(value, str) for key, value in info.items() if key not in ("icc_profile",)
    )


def strip_metadata(data: bytes) -> bytes:
    """``data`` without EXIF, XMP, comments or text chunks (the colour profile is kept), turned
    upright first if EXIF said it was rotated. Bytes without metadata come back unchanged."""
    with Image.open(io.BytesIO(data)) as image:
        if not has_metadata(image):
            return data
        format_name = "JPEG" if image.format == "MPO" else (image.format or "PNG")
        upright = ImageOps.exif_transpose(image)
        options: dict[str, object] = {}
        if "icc_profile" in image.info:
            options["icc_profile"] = image.info["icc_profile"]
        if format_name == "JPEG":
            options.update(quality=95, subsampling="keep" if upright is image else 0)
            if upright.mode not in ("RGB", "L", "CMYK"):
                upright = upright.convert("RGB")
        elif format_name == "WEBP":
            options.update(lossless=bool(image.info.get("lossless")), quality=95)
        buffer = io.BytesIO()
        upright.save(buffer, format=format_name, **options)
        return buffer.getvalue()


def _webp(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="WEBP", quality=WEBP_QUALITY, method=4)
    return buffer.getvalue()


def derivatives(data: bytes) -> list[Derivative]:
    """Thumbnails whose longest side is 128 and 512 pixels (never larger than the original) and
    a full-size WebP copy, all WebP (transparency kept)."""
    with Image.open(io.BytesIO(data)) as opened:
        image = opened.convert("RGBA" if opened.mode in ("RGBA", "LA", "P", "PA") else "RGB")
    made = []
    for side in THUMBNAIL_SIDES:
        thumb = image.copy()
        thumb.thumbnail((side, side), Image.Resampling.LANCZOS)
        made.append(
            Derivative(f"thumb-{side}", _webp(thumb), "image/webp", thumb.width, thumb.height)
        )
    made.append(Derivative("webp", _webp(image), "image/webp", image.width, image.height))
    return made
