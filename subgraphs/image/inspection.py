"""Checking uploaded bytes: is it really a PNG, JPEG or WebP image, and of a sane size?

A declared content type is only a claim. The bytes are decoded with Pillow, completely, before
anything is stored; what Pillow finds decides. Limits are checked on the header first so a tiny
file that claims to be a gigapixel image (a "decompression bomb") is refused before it is decoded.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

# The formats we keep, by the name Pillow gives them, and the MIME type we serve them as. MPO is
# how Pillow names the multi-picture JPEG many phone cameras write; browsers show it as a JPEG.
CONTENT_TYPES = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",
    "WEBP": "image/webp",
}
ACCEPTED_CONTENT_TYPES = frozenset(CONTENT_TYPES.values())
MAX_SIDE = 8192
MAX_PIXELS = 40_000_000


class ImageRejected(ValueError):
    """The bytes are not an acceptable image. ``code`` is stable; the message says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ImageFacts:
    content_type: str
    width: int
    height: int


def inspect_image(data: bytes) -> ImageFacts:
    """Decode ``data`` fully and describe it, or raise ``ImageRejected``.

    CPU-bound: call it in a worker thread.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                format_name = image.format or ""
                width, height = image.size
                if format_name not in CONTENT_TYPES:
                    raise ImageRejected(
                        "UNSUPPORTED_IMAGE_FORMAT",
                        f"The file is a {format_name or 'unknown'} image; "
                        "upload PNG, JPEG or WebP.",
                    )
                if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                    raise ImageRejected(
                        "IMAGE_TOO_LARGE",
                        f"The image is {width}x{height} pixels; at most {MAX_SIDE} pixels a side "
                        f"and {MAX_PIXELS // 1_000_000} megapixels are accepted.",
                    )
                image.load()  # decode every pixel: catches truncated and corrupt files
    except ImageRejected:
        raise
    except UnidentifiedImageError:
        raise ImageRejected(
            "NOT_AN_IMAGE", "The file could not be read as an image (PNG, JPEG or WebP)."
        ) from None
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ImageRejected(
            "IMAGE_TOO_LARGE", "The image has too many pixels to be decoded safely."
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        # Pillow reports damaged data with any of these, depending on the format and the damage.
        raise ImageRejected(
            "CORRUPT_IMAGE", "The image is damaged or truncated and cannot be decoded."
        ) from None
    return ImageFacts(CONTENT_TYPES[format_name], width, height)
