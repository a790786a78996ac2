"""GraphQL types of equipment: mundane gear with weapon and armor statistics, and magic items."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from sqlalchemy import String, cast

from subgraphs.catalog.enums import (
    ArmorCategory,
    BonusTarget,
    DamageType,
    EquipmentCategory,
    MagicItemCategory,
    Mastery,
    Rarity,
    WeaponCategory,
    WeaponProperty,
    WeaponReach,
)
from subgraphs.catalog.models import EquipmentRow, MagicItemRow
from subgraphs.catalog.resolvers import (
    After,
    ById,
    BySlug,
    ContextInfo,
    Descending,
    EntrySort,
    First,
    Provenance,
    ReferenceByKey,
    Sort,
    by_slugs,
    entries_where,
    entry_identity,
    sorted_page,
)
from subgraphs.kit.relay import Connection


@strawberry.type(description="A distance band: normal range, and long range (at Disadvantage).")
class WeaponRange:
    normal: int = strawberry.field(description="Normal range in feet.")
    long: int | None = strawberry.field(description="Long range in feet, if any.")


@strawberry.type(description="A weapon's statistics.")
class WeaponStats:
    category: WeaponCategory = strawberry.field(description="Simple or Martial.")
    reach: WeaponReach = strawberry.field(description="Melee or Ranged.")
    damage_dice: str | None = strawberry.field(description='Damage dice, e.g. "1d8".')
    damage_type: DamageType | None = strawberry.field(description="Damage type.")
    versatile_dice: str | None = strawberry.field(
        description="Damage dice when used with two hands (Versatile), if any."
    )
    properties: list[WeaponProperty] = strawberry.field(description="Its weapon properties.")
    mastery: Mastery | None = strawberry.field(description="Its weapon mastery property.")
    range: WeaponRange | None = strawberry.field(
        description="Ranged weapons: normal and long range in feet."
    )
    thrown_range: WeaponRange | None = strawberry.field(
        description="Thrown weapons: normal and long range when thrown."
    )
    ammunition_slug: str | None = strawberry.field(description="The ammunition it fires.")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WeaponStats:
        reach = WeaponReach(data["reach"])
        ranged = reach is WeaponReach.RANGED and data.get("range_normal") is not None
        thrown = data.get("thrown_normal") is not None
        return cls(
            category=WeaponCategory(data["category"]),
            reach=reach,
            damage_dice=data.get("damage_dice"),
            damage_type=None
            if data.get("damage_type") is None
            else DamageType(data["damage_type"]),
            versatile_dice=data.get("versatile_dice"),
            properties=[WeaponProperty(p) for p in data.get("properties", [])],
            mastery=None if data.get("mastery") is None else Mastery(data["mastery"]),
            range=WeaponRange(normal=data["range_normal"], long=data.get("range_long"))
            if ranged
            else None,
            thrown_range=WeaponRange(normal=data["thrown_normal"], long=data.get("thrown_long"))
            if thrown
            else None,
            ammunition_slug=data.get("ammunition_slug"),
        )


@strawberry.type(description="Armor or a Shield's statistics.")
class ArmorStats:
    category: ArmorCategory = strawberry.field(description="Light, Medium, Heavy or Shield.")
    base_ac: int = strawberry.field(
        description="Base Armor Class (for a Shield, the bonus it adds)."
    )
    adds_dex: bool = strawberry.field(description="Whether the Dexterity modifier is added.")
    dex_cap: int | None = strawberry.field(
        description="The most Dexterity adds (Medium armor: 2); null when uncapped or not added."
    )
    strength_minimum: int | None = strawberry.field(
        description="Strength needed to avoid a 10-foot Speed penalty (Heavy armor)."
    )
    stealth_disadvantage: bool = strawberry.field(
        description="Whether it imposes Disadvantage on Dexterity (Stealth) checks."
    )
    don_time: str | None = strawberry.field(description="Time to put it on.")
    doff_time: str | None = strawberry.field(description="Time to take it off.")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ArmorStats:
        return cls(
            category=ArmorCategory(data["category"]),
            base_ac=data["base_ac"],
            adds_dex=data["dex_bonus"],
            dex_cap=data.get("dex_cap"),
            strength_minimum=data.get("strength_minimum"),
            stealth_disadvantage=data["stealth_disadvantage"],
            don_time=data.get("don_time"),
            doff_time=data.get("doff_time"),
        )


@strawberry.federation.type(
    keys=["id", "slug"], description="Mundane equipment: a weapon, armor, a tool or gear."
)
class Equipment(ReferenceByKey):
    id: strawberry.ID = strawberry.field(description="The item's ID.")
    slug: str = strawberry.field(description='Stable readable key, e.g. "equipment/longsword".')
    name: str = strawberry.field(description="The item's name.")
    category: EquipmentCategory = strawberry.field(description="Its broad kind.")
    description: str = strawberry.field(description="What it is and does (Markdown).")
    cost_cp: int | None = strawberry.field(description="Price in copper pieces (1 GP = 100).")
    weight_lb: float | None = strawberry.field(description="Weight in pounds.")
    weapon: WeaponStats | None = strawberry.field(description="Weapon statistics, for weapons.")
    armor: ArmorStats | None = strawberry.field(description="Armor statistics, for armor.")
    provenance: Provenance = strawberry.field(description="Where this entry came from.")

    @strawberry.field(description='Price as the rules write it, e.g. "15 GP" or "5 SP".')
    def cost_text(self) -> str | None:
        if self.cost_cp is None:
            return None
        for coin, size in (("GP", 100), ("SP", 10)):
            if self.cost_cp % size == 0:
                return f"{self.cost_cp // size} {coin}"
        return f"{self.cost_cp} CP"

    reference_source = EquipmentRow

    @classmethod
    def from_row(cls, row: EquipmentRow) -> Equipment:
        return cls(
            **entry_identity(row),
            category=EquipmentCategory(row.category),
            cost_cp=row.cost_cp,
            weight_lb=row.weight_lb,
            weapon=None if row.weapon is None else WeaponStats.from_json(row.weapon),
            armor=None if row.armor is None else ArmorStats.from_json(row.armor),
        )


@strawberry.type(description='A plain, always-on bonus a magic item grants ("+1 to AC").')
class ItemEffect:
    target: BonusTarget = strawberry.field(description="What the bonus applies to.")
    bonus: int = strawberry.field(description="The bonus.")


@strawberry.federation.type(keys=["id", "slug"], description="A magic item of the SRD 5.2.")
class MagicItem(ReferenceByKey):
    id: strawberry.ID = strawberry.field(description="The item's ID.")
    slug: str = strawberry.field(
        description='Stable readable key, e.g. "magic-item/bag-of-holding".'
    )
    name: str = strawberry.field(description="The item's name.")
    category: MagicItemCategory = strawberry.field(description="Its kind (Ring, Wand, ...).")
    rarity: Rarity = strawberry.field(
        description="Its rarity; VARIES when the variants differ (+1, +2, +3)."
    )
    rarity_text: str = strawberry.field(description='As printed, e.g. "Uncommon (+1), Rare (+2)".')
    requires_attunement: bool = strawberry.field(description="Whether it must be attuned.")
    attunement_requirement: str | None = strawberry.field(
        description='Who may attune to it, e.g. "a Spellcaster"; null if anyone may.'
    )
    is_variant: bool = strawberry.field(description="Whether it is one variant of a family.")
    variant_slugs: list[str] = strawberry.field(description="Slugs of its variants, if any.")
    effects: list[ItemEffect] = strawberry.field(
        description="Its plain bonuses, structured (conditional ones stay in the text)."
    )
    description: str = strawberry.field(description="Its rules text (Markdown).")
    provenance: Provenance = strawberry.field(description="Where this entry came from.")

    @strawberry.field(description="Its variants, e.g. Armor +1, +2 and +3.")
    async def variants(self, info: ContextInfo) -> list[MagicItem]:
        rows = await by_slugs(info, MagicItemRow, self.variant_slugs)
        return [MagicItem.from_row(row) for row in rows]

    reference_source = MagicItemRow

    @classmethod
    def from_row(cls, row: MagicItemRow) -> MagicItem:
        return cls(
            **entry_identity(row),
            category=MagicItemCategory(row.category),
            rarity=Rarity(row.rarity),
            rarity_text=row.rarity_text,
            requires_attunement=row.requires_attunement,
            attunement_requirement=row.attunement_requirement,
            is_variant=row.is_variant,
            variant_slugs=list(row.variant_slugs),
            effects=[
                ItemEffect(target=BonusTarget(e["target"]), bonus=e["bonus"]) for e in row.effects
            ],
        )


def _json_list_has(column: Any, value: str) -> Any:
    """A JSON list column containing ``value`` (a plain slug), on SQLite and PostgreSQL alike."""
    return cast(column, String).like(f'%"{value}"%')


@strawberry.type
class ItemsQuery:
    @strawberry.field(
        description='One piece of equipment by `slug` ("equipment/longsword") or `id`.'
    )
    async def equipment_item(
        self, info: ContextInfo, slug: BySlug = None, id: ById = None
    ) -> Equipment | None:
        return await Equipment.lookup(info, id, slug)

    @strawberry.field(description="Mundane equipment; every filter given must match.")
    async def equipment(
        self,
        info: ContextInfo,
        first: First = 20,
        after: After = None,
        category: Annotated[
            EquipmentCategory | None, strawberry.argument(description="Of this broad kind.")
        ] = None,
        weapon_category: Annotated[
            WeaponCategory | None, strawberry.argument(description="Simple or Martial weapons.")
        ] = None,
        armor_category: Annotated[
            ArmorCategory | None, strawberry.argument(description="Armor of this category.")
        ] = None,
        property: Annotated[
            WeaponProperty | None, strawberry.argument(description="Weapons with this property.")
        ] = None,
        mastery: Annotated[
            Mastery | None, strawberry.argument(description="Weapons with this mastery.")
        ] = None,
        sort: Sort = EntrySort.SLUG,
        descending: Descending = False,
    ) -> Connection[Equipment]:
        statement = entries_where(
            None if category is None else EquipmentRow.category == category.value,
            None
            if weapon_category is None
            else EquipmentRow.weapon_category == weapon_category.value,
            None if armor_category is None else EquipmentRow.armor_category == armor_category.value,
            None if property is None else _json_list_has(EquipmentRow.properties, property.value),
            None if mastery is None else EquipmentRow.mastery == mastery.value,
        )

        return await sorted_page(
            info, EquipmentRow, statement, sort, descending, first, after, Equipment.from_row
        )

    @strawberry.field(description='One magic item by `slug` ("magic-item/bag-of-holding") or `id`.')
    async def magic_item(
        self, info: ContextInfo, slug: BySlug = None, id: ById = None
    ) -> MagicItem | None:
        return await MagicItem.lookup(info, id, slug)

    @strawberry.field(description="Magic items; every filter given must match.")
    async def magic_items(
        self,
        info: ContextInfo,
        first: First = 20,
        after: After = None,
        category: Annotated[
            MagicItemCategory | None, strawberry.argument(description="Of this kind.")
        ] = None,
        rarity: Annotated[Rarity | None, strawberry.argument(description="Of this rarity.")] = None,
        requires_attunement: Annotated[
            bool | None, strawberry.argument(description="Whether it must be attuned.")
        ] = None,
        sort: Sort = EntrySort.SLUG,
        descending: Descending = False,
    ) -> Connection[MagicItem]:
        statement = entries_where(
            None if category is None else MagicItemRow.category == category.value,
            None if rarity is None else MagicItemRow.rarity == rarity.value,
            None
            if requires_attunement is None
            else MagicItemRow.requires_attunement.is_(requires_attunement),
        )

        return await sorted_page(
            info, MagicItemRow, statement, sort, descending, first, after, MagicItem.from_row
        )
