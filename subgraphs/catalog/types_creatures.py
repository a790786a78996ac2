"""GraphQL types of creatures (stat blocks).

Only base values are stored; every printed total a stat block shows (saving throws, skills,
initiative, passive Perception, average Hit Points, Proficiency Bonus, XP) is computed here by
``rules.creatures`` from those values, so the numbers cannot drift from the rules.
"""

from __future__ import annotations

from enum import Enum
from fractions import Fraction
from typing import Annotated, Any

import strawberry

from rules import creatures as creature_rules
from rules.abilities import modifier
from rules.enums import SKILL_ABILITY
from rules.enums import Skill as RulesSkill
from subgraphs.catalog.enums import (
    Ability,
    Condition,
    CreatureActionKind,
    CreatureType,
    DamageType,
    MovementMode,
    Sense,
    Size,
    Skill,
)
from subgraphs.catalog.models import CreatureRow
from subgraphs.catalog.resolvers import (
    After,
    ById,
    BySlug,
    ContextInfo,
    Descending,
    First,
    Provenance,
    ReferenceByKey,
    entries_where,
    sorted_page,
)
from subgraphs.kit.errors import ErrorCode, graphql_error
from subgraphs.kit.relay import Connection


@strawberry.type(description="An ability score with its modifier.")
class AbilityScore:
    ability: Ability = strawberry.field(description="The ability.")
    score: int = strawberry.field(description="The score, 1-30.")
    modifier: int = strawberry.field(description="Its modifier (derived).")


@strawberry.type(description="A saving throw bonus (derived from the score and proficiency).")
class SavingThrowBonus:
    ability: Ability = strawberry.field(description="The ability.")
    bonus: int = strawberry.field(description="The total bonus.")
    proficient: bool = strawberry.field(description="Whether the Proficiency Bonus is added.")


@strawberry.type(description="A skill bonus (derived from the score, proficiency and expertise).")
class SkillBonus:
    skill: Skill = strawberry.field(description="The skill.")
    bonus: int = strawberry.field(description="The total bonus.")
    expertise: bool = strawberry.field(
        description="Whether the Proficiency Bonus is added twice (Expertise)."
    )


@strawberry.type(description="Initiative as 2024 stat blocks print it: a bonus and a score.")
class Initiative:
    bonus: int = strawberry.field(description="The Initiative bonus (derived).")
    score: int = strawberry.field(description="10 plus the bonus, used when not rolling.")


@strawberry.type(description="Hit Points: the dice, and the average a stat block prints.")
class HitPoints:
    average: int = strawberry.field(description="The average of the dice plus the bonus.")
    dice_count: int = strawberry.field(description="Number of Hit Dice.")
    die_size: int = strawberry.field(description="Sides of each Hit Die.")
    bonus: int = strawberry.field(description="The flat bonus (usually Con modifier times dice).")

    @strawberry.field(description='The formula, e.g. "19d12 + 133".')
    def formula(self) -> str:
        dice = f"{self.dice_count}d{self.die_size}"
        if self.bonus == 0:
            return dice
        return f"{dice} {'+' if self.bonus > 0 else '-'} {abs(self.bonus)}"


@strawberry.type(description="A speed for one kind of movement.")
class Speed:
    mode: MovementMode = strawberry.field(description="Walk, fly, swim, climb or burrow.")
    feet: int = strawberry.field(description="Feet per turn.")


@strawberry.type(description="A special sense and its range.")
class SenseRange:
    sense: Sense = strawberry.field(description="The sense.")
    feet: int = strawberry.field(description="Its range in feet.")


@strawberry.type(description="A trait of a stat block (always-on or situational ability).")
class CreatureTrait:
    name: str = strawberry.field(description="The trait's name.")
    description: str = strawberry.field(description="Its rules text.")


@strawberry.type(description="An attack roll of a creature's action.")
class CreatureAttack:
    name: str = strawberry.field(description="The attack's name.")
    to_hit: int | None = strawberry.field(description="Attack bonus as printed.")
    reach_feet: int | None = strawberry.field(description="Melee reach in feet.")
    range_feet: int | None = strawberry.field(description="Normal range in feet.")
    long_range_feet: int | None = strawberry.field(description="Long range in feet.")
    damage_dice: str | None = strawberry.field(description='Damage dice, e.g. "1d6".')
    damage_bonus: int | None = strawberry.field(description="Flat damage bonus.")
    damage_type: DamageType | None = strawberry.field(description="Damage type.")
    extra_damage_dice: str | None = strawberry.field(description="Extra damage dice, if any.")
    extra_damage_type: DamageType | None = strawberry.field(description="Extra damage type.")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CreatureAttack:
        def damage(key: str) -> DamageType | None:
            return None if data.get(key) is None else DamageType(data[key])

        return cls(
            name=data["name"],
            to_hit=data.get("to_hit"),
            reach_feet=data.get("reach_feet"),
            range_feet=data.get("range_feet"),
            long_range_feet=data.get("long_range_feet"),
            damage_dice=data.get("damage_dice"),
            damage_bonus=data.get("damage_bonus"),
            damage_type=damage("damage_type"),
            extra_damage_dice=data.get("extra_damage_dice"),
            extra_damage_type=damage("extra_damage_type"),
        )


@strawberry.type(description="An action, bonus action, reaction or legendary action.")
class CreatureAction:
    name: str = strawberry.field(description="The action's name.")
    kind: CreatureActionKind = strawberry.field(description="When it is used.")
    description: str = strawberry.field(description="Its rules text.")
    uses: str | None = strawberry.field(description='Its limit, e.g. "3/Day" or "Recharge 5-6".')
    legendary_cost: int | None = strawberry.field(
        description="Legendary actions: how many of the creature's uses it costs."
    )
    attacks: list[CreatureAttack] = strawberry.field(description="Its attack rolls, structured.")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CreatureAction:
        return cls(
            name=data["name"],
            kind=CreatureActionKind(data["kind"]),
            description=data["description"],
            uses=data.get("uses"),
            legendary_cost=data.get("legendary_cost"),
            attacks=[CreatureAttack.from_json(a) for a in data.get("attacks", [])],
        )


@strawberry.federation.type(keys=["id", "slug"], description="A creature (stat block).")
class Creature(ReferenceByKey):
    id: strawberry.ID = strawberry.field(description="The creature's ID.")
    slug: str = strawberry.field(description='Stable readable key, e.g. "creature/goblin-warrior".')
    name: str = strawberry.field(description="The creature's name.")
    size: Size = strawberry.field(description="Its size.")
    type: CreatureType = strawberry.field(description="Its creature type.")
    subtype: str | None = strawberry.field(description='Its tag, e.g. "Goblinoid", if any.')
    alignment: str = strawberry.field(description='Its alignment, e.g. "chaotic evil".')
    armor_class: int = strawberry.field(description="Its Armor Class.")
    armor_detail: str | None = strawberry.field(description='What gives it, e.g. "natural armor".')
    hover: bool = strawberry.field(description="Whether it can hover while flying.")
    telepathy_feet: int | None = strawberry.field(description="Telepathy range, if any.")
    languages: list[str] = strawberry.field(description='Language slugs, e.g. "common".')
    languages_text: str | None = strawberry.field(description="Languages as printed.")
    challenge_rating: float = strawberry.field(description="Challenge Rating (0.125 = 1/8).")
    challenge_text: str = strawberry.field(description='Challenge Rating as printed ("1/4").')
    damage_vulnerabilities: list[DamageType] = strawberry.field(description="Vulnerabilities.")
    damage_resistances: list[DamageType] = strawberry.field(description="Resistances.")
    damage_immunities: list[DamageType] = strawberry.field(description="Damage immunities.")
    condition_immunities: list[Condition] = strawberry.field(description="Condition immunities.")
    traits: list[CreatureTrait] = strawberry.field(description="Its traits.")
    actions: list[CreatureAction] = strawberry.field(
        description="Its actions, bonus actions, reactions and legendary actions, in that order."
    )
    description: str = strawberry.field(description="Traits and actions as text (Markdown).")
    provenance: Provenance = strawberry.field(description="Where this entry came from.")
    row: strawberry.Private[CreatureRow]

    @property
    def _cr(self) -> Fraction:
        return Fraction(self.row.challenge_rating).limit_denominator(8)

    @strawberry.field(description="Its Proficiency Bonus (derived from the Challenge Rating).")
    def proficiency_bonus(self) -> int:
        return creature_rules.proficiency_bonus_for_cr(self._cr)

    @strawberry.field(description="Experience points it is worth (derived from the CR).")
    def xp(self) -> int:
        return creature_rules.xp_for_cr(self._cr)

    @strawberry.field(description="Hit Points (the average is derived from the dice).")
    def hit_points(self) -> HitPoints:
        row = self.row
        return HitPoints(
            average=creature_rules.average_hit_points(
                row.hit_dice_count, row.hit_die, row.hit_points_bonus
            ),
            dice_count=row.hit_dice_count,
            die_size=row.hit_die,
            bonus=row.hit_points_bonus,
        )

    @strawberry.field(description="Speeds by movement mode.")
    def speeds(self) -> list[Speed]:
        return [Speed(mode=MovementMode(mode), feet=feet) for mode, feet in self.row.speeds.items()]

    @strawberry.field(description="Special senses with their ranges.")
    def senses(self) -> list[SenseRange]:
        return [SenseRange(sense=Sense(s), feet=feet) for s, feet in self.row.senses.items()]

    @strawberry.field(description="The six ability scores.")
    def ability_scores(self) -> list[AbilityScore]:
        return [
            AbilityScore(ability=Ability(a), score=score, modifier=modifier(score))
            for a, score in self.row.ability_scores.items()
        ]

    @strawberry.field(description="All six saving throws (derived).")
    def saving_throws(self) -> list[SavingThrowBonus]:
        pb = self.proficiency_bonus()
        saves = self.row.save_proficiencies
        return [
            SavingThrowBonus(
                ability=Ability(a),
                bonus=creature_rules.saving_throw_bonus(score, saves.get(a, 0), pb),
                proficient=a in saves,
            )
            for a, score in self.row.ability_scores.items()
        ]

    @strawberry.field(description="The skills its stat block lists (derived).")
    def skills(self) -> list[SkillBonus]:
        pb = self.proficiency_bonus()
        scores = self.row.ability_scores
        return [
            SkillBonus(
                skill=Skill(skill),
                bonus=creature_rules.skill_bonus(
                    scores[SKILL_ABILITY[RulesSkill(skill)].value], multiplier, pb
                ),
                expertise=multiplier == creature_rules.MAX_MULTIPLIER,
            )
            for skill, multiplier in self.row.skill_proficiencies.items()
        ]

    @strawberry.field(description="Initiative (derived).")
    def initiative(self) -> Initiative:
        bonus = creature_rules.initiative_bonus(
            self.row.ability_scores["dex"],
            self.row.initiative_proficiency,
            self.proficiency_bonus(),
        )
        return Initiative(bonus=bonus, score=10 + bonus)

    @strawberry.field(description="Passive Perception (derived).")
    def passive_perception(self) -> int:
        return creature_rules.passive_perception(
            self.row.ability_scores["wis"],
            self.row.skill_proficiencies.get("perception", 0),
            self.proficiency_bonus(),
        )

    @strawberry.field(description="Its legendary actions only (empty for most creatures).")
    def legendary_actions(self) -> list[CreatureAction]:
        return [a for a in self.actions if a.kind is CreatureActionKind.LEGENDARY_ACTION]

    reference_source = CreatureRow

    @classmethod
    def from_row(cls, row: CreatureRow) -> Creature:
        return cls(
            id=strawberry.ID(str(row.id)),
            slug=row.slug,
            name=row.name,
            size=Size(row.size),
            type=CreatureType(row.creature_type),
            subtype=row.subtype,
            alignment=row.alignment,
            armor_class=row.armor_class,
            armor_detail=row.armor_detail,
            hover=row.hover,
            telepathy_feet=row.telepathy_feet,
            languages=list(row.languages),
            languages_text=row.languages_text,
            challenge_rating=row.challenge_rating,
            challenge_text=row.challenge_text,
            damage_vulnerabilities=[DamageType(d) for d in row.damage_vulnerabilities],
            damage_resistances=[DamageType(d) for d in row.damage_resistances],
            damage_immunities=[DamageType(d) for d in row.damage_immunities],
            condition_immunities=[Condition(c) for c in row.condition_immunities],
            traits=[
                CreatureTrait(name=t["name"], description=t["description"]) for t in row.traits
            ],
            actions=[CreatureAction.from_json(a) for a in row.actions],
            description=row.description,
            provenance=Provenance.from_row(row),
            row=row,
        )


@strawberry.enum(description="How creatures are ordered.")
class CreatureSort(Enum):
    NAME = "name"
    SLUG = "slug"
    CHALLENGE_RATING = "challenge_rating"
    ARMOR_CLASS = "armor_class"


CrArgument = Annotated[
    float | None, strawberry.argument(description="A Challenge Rating (0.25 for 1/4).")
]


@strawberry.type
class CreaturesQuery:
    @strawberry.field(description='One creature by `slug` ("creature/goblin-warrior") or `id`.')
    async def creature(
        self, info: ContextInfo, slug: BySlug = None, id: ById = None
    ) -> Creature | None:
        return await Creature.lookup(info, id, slug)

    @strawberry.field(description="Creatures; every filter given must match.")
    async def creatures(
        self,
        info: ContextInfo,
        first: First = 20,
        after: After = None,
        min_cr: CrArgument = None,
        max_cr: CrArgument = None,
        type: Annotated[
            CreatureType | None, strawberry.argument(description="Of this creature type.")
        ] = None,
        size: Annotated[Size | None, strawberry.argument(description="Of this size.")] = None,
        sort: Annotated[
            CreatureSort, strawberry.argument(description="The order of the list.")
        ] = CreatureSort.SLUG,
        descending: Descending = False,
    ) -> Connection[Creature]:
        if min_cr is not None and max_cr is not None and min_cr > max_cr:
            raise graphql_error(ErrorCode.BAD_USER_INPUT, "`minCr` is above `maxCr`")

        statement = entries_where(
            None if min_cr is None else CreatureRow.challenge_rating >= min_cr,
            None if max_cr is None else CreatureRow.challenge_rating <= max_cr,
            None if type is None else CreatureRow.creature_type == type.value,
            None if size is None else CreatureRow.size == size.value,
        )

        return await sorted_page(
            info, CreatureRow, statement, sort, descending, first, after, Creature.from_row
        )
