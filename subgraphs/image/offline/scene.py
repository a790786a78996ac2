"""Location scenes and handouts.

A location is a landscape with layers (sky, far hills, the place itself) chosen by the words of
its description: a tavern or town gets roofs, a castle towers, a forest trees, a cave a dark
mouth in a cliff, a ruin broken columns; "night", "dusk" or "storm" set the sky.
A handout is a sheet of parchment with the prompt's text written on it and a wax seal.
"""

from __future__ import annotations

import math
import random

from PIL import Image, ImageDraw, ImageFilter

from subgraphs.image.looks import words
from subgraphs.image.offline.canvas import (
    RGB,
    SUPERSAMPLE,
    darker,
    fit_text,
    font,
    lighter,
    mix,
    seeded,
    shrink,
    vertical_gradient,
    wrap,
)

WIDTH, HEIGHT = 768, 512
W, H = WIDTH * SUPERSAMPLE, HEIGHT * SUPERSAMPLE
SKIES: dict[str, tuple[RGB, RGB]] = {
    "day": ((110, 160, 220), (210, 226, 240)),
    "dusk": ((70, 50, 110), (240, 150, 90)),
    "night": ((10, 14, 40), (40, 50, 90)),
    "storm": ((50, 56, 66), (120, 126, 134)),
}
FEATURES = {
    "town": ("town", "village", "city", "tavern", "inn", "market", "hamlet"),
    "castle": ("castle", "keep", "fortress", "citadel", "palace", "tower"),
    "forest": ("forest", "wood", "woods", "grove", "jungle"),
    "cave": ("cave", "cavern", "mine", "lair", "grotto"),
    "ruin": ("ruin", "ruins", "temple", "shrine", "tomb", "crypt"),
    "coast": ("coast", "sea", "harbor", "harbour", "port", "beach", "lake"),
}


def _sky(tokens: set[str]) -> str:
    if tokens & {"night", "midnight", "moonlit", "moon"}:
        return "night"
    if tokens & {"dusk", "sunset", "dawn", "evening", "twilight"}:
        return "dusk"
    if tokens & {"storm", "stormy", "rain", "grim", "gloomy"}:
        return "storm"
    return "day"


def _ridge(
    draw: ImageDraw.ImageDraw, rng: random.Random, base: float, rough: float, colour: RGB
) -> None:
    points = [(0.0, float(H))]
    phase = rng.uniform(0, 6)
    for step in range(41):
        x = W * step / 40
        y = base - rough * (0.5 + 0.5 * math.sin(step * 0.45 + phase)) - rng.uniform(0, rough * 0.4)
        points.append((x, y))
    points.append((float(W), float(H)))
    draw.polygon(points, fill=colour)


def _feature(
    draw: ImageDraw.ImageDraw, feature: str, rng: random.Random, ground: float, night: bool
) -> None:
    window = (255, 210, 120) if night else (60, 50, 40)
    if feature == "town":
        x = W * 0.2
        while x < W * 0.8:
            w, h = rng.uniform(120, 200), rng.uniform(110, 180)
            wall = mix((200, 180, 150), (140, 110, 90), rng.random())
            draw.rectangle((x, ground - h, x + w, ground), fill=wall, outline=(40, 30, 24), width=4)
            draw.polygon(
                [
                    (x - 16, ground - h),
                    (x + w / 2, ground - h - w * 0.55),
                    (x + w + 16, ground - h),
                ],
                fill=mix((150, 60, 40), (80, 60, 50), rng.random()),
                outline=(40, 30, 24),
            )
            draw.rectangle(
                (x + w * 0.35, ground - h * 0.45, x + w * 0.65, ground), fill=(90, 60, 36)
            )
            draw.rectangle(
                (x + w * 0.1, ground - h * 0.8, x + w * 0.3, ground - h * 0.6), fill=window
            )
            x += w + rng.uniform(20, 60)
    elif feature == "castle":
        cx = W / 2
        stone = (150, 146, 140)
        draw.rectangle(
            (cx - 300, ground - 260, cx + 300, ground), fill=stone, outline=(50, 46, 44), width=5
        )
        for tx in (-360, -80, 250):
            draw.rectangle(
                (cx + tx, ground - 440, cx + tx + 110, ground),
                fill=lighter(stone, 0.08),
                outline=(50, 46, 44),
                width=5,
            )
            for merlon in range(4):
                draw.rectangle(
                    (cx + tx + merlon * 30, ground - 470, cx + tx + merlon * 30 + 18, ground - 440),
                    fill=stone,
                )
            draw.rectangle((cx + tx + 40, ground - 380, cx + tx + 70, ground - 330), fill=window)
        draw.chord((cx - 70, ground - 170, cx + 70, ground + 30), 180, 360, fill=(50, 36, 26))
        draw.line((cx + 305, ground - 440, cx + 305, ground - 560), fill=(60, 50, 40), width=6)
        draw.polygon(
            [(cx + 305, ground - 560), (cx + 400, ground - 530), (cx + 305, ground - 500)],
            fill=(170, 40, 40),
        )
    elif feature == "forest":
        for _ in range(26):
            x, h = rng.uniform(0, W), rng.uniform(200, 420)
            green = mix((30, 80, 40), (60, 110, 50), rng.random())
            draw.rectangle((x - 10, ground - 40, x + 10, ground + 20), fill=(80, 50, 30))
            for tier in range(3):
                top = ground - h + tier * h * 0.25
                half = 60 + tier * 35
                draw.polygon(
                    [(x, top), (x - half, top + h * 0.45), (x + half, top + h * 0.45)], fill=green
                )
    elif feature == "cave":
        draw.polygon(
            [
                (W * 0.15, ground),
                (W * 0.3, ground - 420),
                (W * 0.7, ground - 460),
                (W * 0.85, ground),
            ],
            fill=(96, 86, 78),
        )
        draw.chord((W * 0.38, ground - 300, W * 0.62, ground + 200), 180, 360, fill=(14, 10, 10))
    elif feature == "ruin":
        for column in range(6):
            x = W * 0.2 + column * W * 0.12
            h = rng.uniform(140, 380)
            draw.rectangle(
                (x - 28, ground - h, x + 28, ground),
                fill=(210, 200, 180),
                outline=(90, 80, 70),
                width=4,
            )
            draw.polygon(
                [
                    (x - 28, ground - h),
                    (x + 28, ground - h),
                    (x + 28, ground - h - rng.uniform(0, 40)),
                ],
                fill=(210, 200, 180),
            )
        draw.rectangle((W * 0.18, ground - 20, W * 0.86, ground), fill=(180, 170, 150))
    elif feature == "coast":
        draw.rectangle((0, ground - 10, W, H), fill=(50, 100, 150))
        for _wave in range(30):
            x, y = rng.uniform(0, W), rng.uniform(ground + 20, H)
            draw.arc((x, y, x + 60, y + 20), 200, 340, fill=(200, 220, 240), width=4)
        draw.polygon(
            [(W * 0.6, ground), (W * 0.64, ground - 200), (W * 0.68, ground)], fill=(240, 236, 220)
        )
        draw.line((W * 0.64, ground - 200, W * 0.64, ground + 20), fill=(80, 50, 30), width=6)
        draw.chord((W * 0.55, ground - 20, W * 0.75, ground + 50), 0, 180, fill=(100, 60, 36))


def draw_location(name: str, prompt: str, seed: int) -> tuple[Image.Image, str]:
    tokens = set(words(f"{name} {prompt}"))
    sky = _sky(tokens)
    feature = next((f for f, names in FEATURES.items() if tokens & set(names)), "ruin")
    rng = seeded("location", name, prompt, seed)
    top, bottom = SKIES[sky]
    image = vertical_gradient((W, H), top, bottom)
    draw = ImageDraw.Draw(image)
    if sky == "night":
        for _ in range(120):
            x, y = rng.uniform(0, W), rng.uniform(0, H * 0.5)
            draw.ellipse((x - 2, y - 2, x + 2, y + 2), fill=(240, 240, 220))
        draw.ellipse((W * 0.8, H * 0.08, W * 0.8 + 90, H * 0.08 + 90), fill=(240, 236, 210))
    elif sky == "day":
        draw.ellipse((W * 0.8, H * 0.08, W * 0.8 + 110, H * 0.08 + 110), fill=(255, 240, 190))
    far = mix(bottom, (60, 70, 90), 0.5)
    _ridge(draw, rng, H * 0.62, H * 0.18, far)
    _ridge(draw, rng, H * 0.74, H * 0.1, mix(far, (50, 80, 50), 0.6))
    ground = H * 0.84
    draw.rectangle((0, ground, W, H), fill=(70, 100, 56) if feature != "cave" else (80, 72, 64))
    _feature(draw, feature, rng, ground, sky == "night")
    image = image.filter(ImageFilter.SMOOTH)
    if name:
        draw = ImageDraw.Draw(image)
        label, size = fit_text(name, 60, W * 0.8)
        draw.text(
            (W / 2, H - 60),
            label,
            font=font(size),
            fill=(250, 244, 230),
            anchor="mm",
            stroke_width=5,
            stroke_fill=(20, 16, 14),
        )
    return shrink(image), f"{feature} under a {sky} sky"


def draw_handout(title: str, text: str, seed: int) -> Image.Image:
    rng = seeded("handout", title, text, seed)
    w, h = 600 * SUPERSAMPLE, 800 * SUPERSAMPLE
    image = vertical_gradient((w, h), (236, 222, 186), (214, 192, 148))
    draw = ImageDraw.Draw(image, "RGBA")
    for _ in range(40):  # stains and wear
        x, y, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(20, 120)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(150, 110, 60, rng.randrange(6, 20)))
    edge = darker((214, 192, 148), 0.35)
    draw.rectangle((10, 10, w - 10, h - 10), outline=edge, width=8)
    y = 120.0
    if title:
        label, size = fit_text(title, 64, w * 0.8)
        draw.text((w / 2, y), label, font=font(size), fill=(70, 40, 20), anchor="mm")
        y += 110
    for line in wrap(text, 40, w * 0.78)[:22]:
        draw.text((w * 0.11, y), line, font=font(40), fill=(60, 36, 20), anchor="lm")
        y += 56
    sx, sy = w * 0.78, h - 160
    draw.ellipse(
        (sx - 70, sy - 70, sx + 70, sy + 70), fill=(150, 24, 30), outline=(100, 14, 20), width=8
    )
    draw.regular_polygon((sx, sy, 40), 5, fill=(120, 16, 24))
    return shrink(image)
