"""What a hosted model is told: the player's prompt framed by the game's data.

The character's sheet (species, class, level) and, once campaigns carry one, the campaign's
theme shape the words; the player's own prompt stays in the middle, unchanged. Kinds whose
pictures must match data exactly (battle maps, region maps, spell areas, handouts) are never
sent to a model: they are drawn offline.
"""

from __future__ import annotations

from subgraphs.image.models import AssetKind
from subgraphs.image.specs import ItemSpec, LocationSpec, PortraitSpec, Spec, TokenSpec

# How each class tends to look, so "level 5 wizard" brings robes and a staff without the
# player having to say so.
CLASS_STYLE = {
    "barbarian": "fur mantle, war paint, fierce",
    "bard": "fine doublet, lute, charming",
    "cleric": "vestments, holy symbol, serene light",
    "druid": "leaf and antler adornments, natural colours",
    "fighter": "battle-worn plate armour, sword",
    "monk": "simple robes, prayer beads, calm focus",
    "paladin": "shining plate armour, holy emblem, resolute",
    "ranger": "hooded cloak, longbow, forest colours",
    "rogue": "dark leathers, hood, daggers",
    "sorcerer": "ornate robes, crackling innate magic",
    "warlock": "dark robes, eldritch glow in the eyes",
    "wizard": "robes with arcane sigils, pointed hat, staff",
}
NEGATIVE = "text, watermark, signature, extra fingers, deformed hands, blurry, low quality"
# Pictures the provider may draw; the rest must match the game's data exactly.
PROVIDER_KINDS = frozenset(
    {AssetKind.PORTRAIT, AssetKind.TOKEN, AssetKind.ITEM, AssetKind.LOCATION}
)


def provider_prompt(kind: AssetKind, prompt: str, spec: Spec, theme: str = "") -> str:
    setting = f"{theme} fantasy" if theme else "high fantasy"
    if isinstance(spec, PortraitSpec | TokenSpec) and (look := getattr(spec, "look", None)):
        who = " ".join(
            part
            for part in (
                f"level {look.level}" if look.level else "",
                look.species,
                look.character_class or "adventurer",
            )
            if part
        )
        style = CLASS_STYLE.get(look.character_class or "", "")
        name = f"{look.name}, " if look.name else ""
        framing = (
            "head and shoulders portrait"
            if kind is AssetKind.PORTRAIT
            else "token portrait, face centred, plain background"
        )
        return _join(
            f"{setting} {framing} of {name}a {who}",
            prompt,
            style,
            "detailed digital painting, dramatic lighting",
        )
    if isinstance(spec, TokenSpec):
        return _join(
            f"{setting} {spec.creature_name or 'creature'}, {spec.creature_type}",
            prompt,
            "token art, centred, plain background",
        )
    if isinstance(spec, ItemSpec):
        item = spec.item
        rarity = f"{item.rarity.lower()} " if item.rarity else ""
        return _join(
            f"{setting} {rarity}{item.category.lower()} item: {item.name}",
            prompt,
            "item illustration, centred on a dark background",
        )
    if isinstance(spec, LocationSpec):
        return _join(
            f"{setting} landscape: {spec.name}", prompt, "wide establishing shot, painterly"
        )
    return _join(setting, prompt)


def _join(*parts: str) -> str:
    return ", ".join(part.strip() for part in parts if part and part.strip())
