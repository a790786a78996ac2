"""``CharacterSheet``: the derived sheet as typed GraphQL, built from ``rules.derive``'s result.

Every number here is computed by the rules engine from the character's document; nothing is
stored. Each number a player may question has a breakdown beside it — ``armorClass.breakdown``,
``initiativeBreakdown``, ``skills.bonusBreakdown`` — a list of contributions whose values add up
to it exactly (``Dexterity modifier +2``, ``Shield +2``, ``Exhaustion 2 -4``). Field names
follow a rule: a number ``x`` is explained by ``xBreakdown``; an object whose number is
``value`` by ``breakdown``.
"""

from __future__ import annotations

from enum import Enum
from typing import cast

import strawberry

from rules.armor import AcOption, AcResult
from rules.attacks import Attack
from rules.breakdown import Breakdown
from rules.derive import (
    ClassSpellcasting,
    DerivedSheet,
    FeatureDc,
    FeatureLine,
    ResourceLine,
    SkillLine,
)
from rules.enums import Ability as RulesAbility
from rules.enums import ClassId
from subgraphs.character.references import CharacterClass, Spell
from subgraphs.character.sheet.details import (
    SheetDefenses,
    SheetRollModes,
    SheetSense,
    SheetSpeciesTraits,
    SheetTraining,
)
from subgraphs.character.stitching import spell_slug
from subgraphs.kit.game_enums import Ability, Condition, Mastery, Skill, WeaponProperty


@strawberry.type(description="One term of a derived number: where it comes from and how much.")
class Contribution:
    source: str = strawberry.field(
        description='Where it comes from, e.g. "Dexterity modifier", "Shield", '
        '"Fighting Style: Defense", "Exhaustion 2".'
    )
    value: int = strawberry.field(description="How much it adds (negative: takes away).")


def explain(parts: Breakdown) -> list[Contribution]:
    return [Contribution(source=part.source, value=part.value) for part in parts]


def class_ref(class_id: ClassId) -> CharacterClass:
    return CharacterClass.of(class_id.value)


@strawberry.type(description="An ability: its score, modifier and saving throw.")
class SheetAbility:
    ability: Ability = strawberry.field(description="Which ability.")
    score: int = strawberry.field(
        description="The score: base + background increase + later increases."
    )
    score_breakdown: list[Contribution] = strawberry.field(description="What makes up `score`.")
    modifier: int = strawberry.field(description="(score - 10) / 2, rounded down.")
    save: int = strawberry.field(
        description="The saving throw bonus: modifier, Proficiency Bonus when proficient, bonuses "
        "and the Exhaustion penalty."
    )
    save_proficient: bool = strawberry.field(description="Whether saves of it add proficiency.")
    save_breakdown: list[Contribution] = strawberry.field(description="What makes up `save`.")


@strawberry.enum(description="How much of the Proficiency Bonus a skill check adds.")
class SkillProficiency(Enum):
    NONE = strawberry.enum_value("none", description="Nothing.")
    HALF = strawberry.enum_value("half", description="Half, rounded down (Jack of All Trades).")
    PROFICIENT = strawberry.enum_value("proficient", description="All of it.")
    EXPERTISE = strawberry.enum_value("expertise", description="Twice.")


@strawberry.type(description="A skill: its check bonus and passive score.")
class SheetSkill:
    skill: Skill = strawberry.field(description="Which skill.")
    ability: Ability = strawberry.field(description="The ability it uses.")
    proficiency: SkillProficiency = strawberry.field(description="Proficiency in it.")
    bonus: int = strawberry.field(
        description="The check bonus: modifier, proficiency, and the Exhaustion penalty."
    )
    bonus_breakdown: list[Contribution] = strawberry.field(description="What makes up `bonus`.")
    passive: int = strawberry.field(
        description="10 + the check bonus without Exhaustion (a passive score is no D20 Test)."
    )
    passive_breakdown: list[Contribution] = strawberry.field(description="What makes up `passive`.")

    @classmethod
    def of(cls, line: SkillLine) -> SheetSkill:
        return cls(
            skill=Skill(line.skill.value),
            ability=Ability(line.ability.value),
            proficiency=SkillProficiency(line.proficiency),
            bonus=line.bonus,
            bonus_breakdown=explain(line.breakdown),
            passive=line.passive,
            passive_breakdown=explain(line.passive_breakdown),
        )


@strawberry.type(description="One way to compute Armor Class; the sheet uses the best legal one.")
class SheetArmorClassOption:
    method: str = strawberry.field(description="The calculation, e.g. `armor`, `mage-armor`.")
    value: int = strawberry.field(description="The AC it gives.")
    allows_shield: bool = strawberry.field(description="Whether a shield adds to it.")
    breakdown: list[Contribution] = strawberry.field(description="What makes up `value`.")

    @classmethod
    def of(cls, option: AcOption) -> SheetArmorClassOption:
        return cls(
            method=option.method,
            value=option.value,
            allows_shield=option.allows_shield,
            breakdown=explain(option.breakdown),
        )


@strawberry.type(description="Armor Class: the best of the calculations the character may use.")
class SheetArmorClass:
    value: int = strawberry.field(description="The Armor Class.")
    method: str = strawberry.field(description="The calculation chosen.")
    breakdown: list[Contribution] = strawberry.field(
        description='What makes up `value`: "Chain Mail 16", "Shield 2", "Fighting Style: '
        'Defense 1"...'
    )
    shield_bonus: int = strawberry.field(description="What the shield adds (0 without one).")
    options: list[SheetArmorClassOption] = strawberry.field(
        description="Every calculation the character may use, the chosen one among them."
    )

    @classmethod
    def of(cls, ac: AcResult) -> SheetArmorClass:
        return cls(
            value=ac.value,
            method=ac.method,
            breakdown=explain(ac.breakdown),
            shield_bonus=ac.shield_bonus,
            options=[SheetArmorClassOption.of(o) for o in ac.options],
        )


@strawberry.type(description="Hit Points: the maximum, where they are now, and temporary ones.")
class SheetHitPoints:
    max: int = strawberry.field(
        description="The maximum: the whole die at level 1, then fixed or rolled per level, "
        "Constitution per level, Tough, species and subclass extras."
    )
    max_breakdown: list[Contribution] = strawberry.field(description="What makes up `max`.")
    current: int = strawberry.field(description="Hit Points now, 0 to `max`.")
    temp: int = strawberry.field(description="Temporary Hit Points (lost first; do not stack).")


@strawberry.type(description="Hit Dice of one size: how many, and how many are spent.")
class SheetHitDice:
    die: int = strawberry.field(description="Faces of the die: 6, 8, 10 or 12.")
    total: int = strawberry.field(description="One per level in classes with this die.")
    spent: int = strawberry.field(description="Spent since the last Long Rest.")
    remaining: int = strawberry.field(description="total - spent.")


@strawberry.type(description="Spellcasting of one class.")
class SheetSpellcasting:
    class_id: strawberry.Private[ClassId]
    ability: Ability = strawberry.field(description="The spellcasting ability.")
    save_dc: int = strawberry.field(
        description="Spell save DC: 8 + spellcasting modifier + Proficiency Bonus (+ bonuses)."
    )
    save_dc_breakdown: list[Contribution] = strawberry.field(description="What makes up `saveDc`.")
    attack_bonus: int = strawberry.field(
        description="Spell attack bonus: spellcasting modifier + Proficiency Bonus (+ bonuses)."
    )
    attack_bonus_breakdown: list[Contribution] = strawberry.field(
        description="What makes up `attackBonus`."
    )
    cantrips: int = strawberry.field(description="Cantrips known at this class level.")
    prepared: int = strawberry.field(description="Spells prepared at this class level.")

    @strawberry.field(name="class", description="The class that casts these spells.")
    def character_class(self) -> CharacterClass:
        return class_ref(self.class_id)

    @classmethod
    def of(cls, c: ClassSpellcasting) -> SheetSpellcasting:
        return cls(
            class_id=c.class_id,
            ability=Ability(c.ability.value),
            save_dc=c.save_dc,
            save_dc_breakdown=explain(c.save_dc_breakdown),
            attack_bonus=c.attack_bonus,
            attack_bonus_breakdown=explain(c.attack_bonus_breakdown),
            cantrips=c.cantrips,
            prepared=c.prepared,
        )


@strawberry.type(description="Spell slots of one level (multiclass casters pool theirs).")
class SheetSpellSlots:
    level: int = strawberry.field(description="The slot level, 1 to 9.")
    max: int = strawberry.field(description="Slots of this level from the slot tables.")
    created: int = strawberry.field(
        description="Extra slots made with Font of Magic; they vanish on a Long Rest."
    )
    spent: int = strawberry.field(description="Slots spent since the last Long Rest.")
    remaining: int = strawberry.field(description="max + created - spent.")


@strawberry.type(description="Pact Magic slots (Warlock): all of one level, back on a Short Rest.")
class SheetPactSlots:
    slot_level: int = strawberry.field(description="The level of every pact slot.")
    max: int = strawberry.field(description="How many there are.")
    spent: int = strawberry.field(description="Spent since the last rest.")
    remaining: int = strawberry.field(description="max - spent.")


@strawberry.type(description="An attack the character can make with an equipped weapon or unarmed.")
class SheetAttack:
    name: str = strawberry.field(description="The weapon (or Unarmed Strike).")
    ability: Ability = strawberry.field(description="The ability it uses.")
    proficient: bool = strawberry.field(description="Whether the Proficiency Bonus applies.")
    to_hit: int = strawberry.field(description="The attack roll bonus.")
    to_hit_breakdown: list[Contribution] = strawberry.field(description="What makes up `toHit`.")
    damage: str = strawberry.field(description='Damage on a hit, e.g. "1d8+3 slashing".')
    damage_bonus: int = strawberry.field(description="The flat part of `damage`.")
    damage_bonus_breakdown: list[Contribution] = strawberry.field(
        description="What makes up `damageBonus`."
    )
    average_damage: float = strawberry.field(description="Average of `damage`.")
    versatile_damage: str | None = strawberry.field(
        description="Damage when a Versatile weapon is used with two hands."
    )
    versatile_damage_bonus: int | None = strawberry.field(
        description="The flat part of `versatileDamage`."
    )
    versatile_damage_bonus_breakdown: list[Contribution] = strawberry.field(
        description="What makes up `versatileDamageBonus`."
    )
    versatile_average: float | None = strawberry.field(description="Average of `versatileDamage`.")
    range: str = strawberry.field(description='Reach or range, e.g. "5 ft", "80/320 ft".')
    properties: list[WeaponProperty] = strawberry.field(description="The weapon's properties.")
    mastery: Mastery | None = strawberry.field(
        description="Its mastery property, when the character has Weapon Mastery with it."
    )
    great_weapon_fighting: bool = strawberry.field(
        description="Great Weapon Fighting applies: 1s and 2s on damage dice count as 3."
    )
    off_hand_damage: str | None = strawberry.field(
        description="Damage of the extra attack with a second Light weapon."
    )
    off_hand_damage_bonus: int | None = strawberry.field(
        description="The flat part of `offHandDamage`."
    )
    off_hand_damage_bonus_breakdown: list[Contribution] = strawberry.field(
        description="What makes up `offHandDamageBonus`."
    )
    off_hand_average: float | None = strawberry.field(description="Average of `offHandDamage`.")
    modifiers_applied: list[str] = strawberry.field(
        description="Fighting styles and the like that changed this attack, for display."
    )

    @classmethod
    def of(cls, a: Attack) -> SheetAttack:
        return cls(
            name=a.name,
            ability=Ability(a.ability.value),
            proficient=a.proficient,
            to_hit=a.to_hit,
            to_hit_breakdown=explain(a.to_hit_breakdown),
            damage=a.damage,
            damage_bonus=a.damage_bonus,
            damage_bonus_breakdown=explain(a.damage_bonus_breakdown),
            average_damage=a.average_damage,
            versatile_damage=a.versatile_damage,
            versatile_damage_bonus=a.versatile_damage_bonus,
            versatile_damage_bonus_breakdown=explain(a.versatile_damage_bonus_breakdown),
            versatile_average=a.versatile_average,
            range=a.range,
            properties=[WeaponProperty(p) for p in a.properties],
            mastery=None if a.mastery is None else Mastery(a.mastery),
            great_weapon_fighting=a.great_weapon_fighting,
            off_hand_damage=a.off_hand_damage,
            off_hand_damage_bonus=a.off_hand_damage_bonus,
            off_hand_damage_bonus_breakdown=explain(a.off_hand_damage_bonus_breakdown),
            off_hand_average=a.off_hand_average,
            modifiers_applied=list(a.modifiers_applied),
        )


@strawberry.type(description="The save DC of a feature that is not a spell.")
class SheetFeatureDc:
    id: str = strawberry.field(description="Its rules id, e.g. `breath-weapon`, `focus`.")
    name: str = strawberry.field(description="Its name.")
    dc: int = strawberry.field(description="The DC: 8 + ability modifier + Proficiency Bonus.")
    breakdown: list[Contribution] = strawberry.field(description="What makes up `dc`.")

    @classmethod
    def of(cls, f: FeatureDc) -> SheetFeatureDc:
        return cls(id=f.id, name=f.name, dc=f.dc, breakdown=explain(f.breakdown))


@strawberry.type(description="What the character carries against what it can.")
class SheetCarrying:
    carried: float = strawberry.field(description="Pounds carried (equipment and coins, 50 a lb).")
    capacity: float = strawberry.field(
        description="Carrying capacity: 15 x Strength, by size (Powerful Build counts one larger)."
    )
    drag_lift_push: float = strawberry.field(description="Twice the capacity.")
    over_capacity: bool = strawberry.field(
        description="Encumbered: more than the capacity is carried (Speed drops to 5 feet)."
    )


@strawberry.type(description="Exhaustion: its level and what it costs every D20 Test.")
class SheetExhaustion:
    level: int = strawberry.field(description="0 to 6; 6 is death.")
    d20_penalty: int = strawberry.field(
        name="d20Penalty",
        description="-2 per level, already inside every bonus on the sheet.",
    )


@strawberry.type(description="Death saving throws, while at 0 Hit Points.")
class SheetDeathSaves:
    successes: int = strawberry.field(description="Successes so far (3: stable).")
    failures: int = strawberry.field(description="Failures so far (3: dead).")
    stable: bool = strawberry.field(description="Stable at 0 Hit Points: no more death saves.")
    dead: bool = strawberry.field(description="The character is dead.")


@strawberry.type(description="A class or subclass feature the character has.")
class SheetFeature:
    class_id: strawberry.Private[ClassId]
    level: int = strawberry.field(description="The class level it comes at.")
    name: str = strawberry.field(description="Its name, e.g. `Second Wind`.")
    source: str = strawberry.field(
        description="The rules slug of the class or subclass that grants it."
    )

    @strawberry.field(name="class", description="The class it belongs to.")
    def character_class(self) -> CharacterClass:
        return class_ref(self.class_id)

    @classmethod
    def of(cls, f: FeatureLine) -> SheetFeature:
        return cls(class_id=f.class_id, level=f.level, name=f.name, source=f.source)


@strawberry.enum(description="When a limited resource comes back.")
class ResourceRecovery(Enum):
    SHORT_REST_ALL = strawberry.enum_value("short-rest-all", description="All on a Short Rest.")
    SHORT_REST_ONE = strawberry.enum_value("short-rest-one", description="One on a Short Rest.")
    LONG_REST = strawberry.enum_value("long-rest", description="Only on a Long Rest.")


@strawberry.type(description="A limited-use class resource or species trait, and its uses.")
class SheetResource:
    id: str = strawberry.field(description="Its rules id, e.g. `rage`, `breath-weapon`.")
    name: str = strawberry.field(description="Its name.")
    max: int = strawberry.field(description="Uses at this level.")
    spent: int = strawberry.field(description="Uses spent.")
    remaining: int = strawberry.field(description="max - spent.")
    recovery: ResourceRecovery = strawberry.field(description="When the uses come back.")

    @classmethod
    def of(cls, r: ResourceLine) -> SheetResource:
        return cls(
            id=r.id,
            name=r.name,
            max=r.maximum,
            spent=r.spent,
            remaining=r.remaining,
            recovery=ResourceRecovery(r.recovery.value),
        )


@strawberry.type(description="A level-scaled class number, e.g. Rage damage or Sneak Attack.")
class SheetClassNumber:
    name: str = strawberry.field(description="Its rules name, e.g. `sneak_attack`.")
    value: str = strawberry.field(description='Its value as text, e.g. "3d6" or "2".')
    amount: int | None = strawberry.field(description="Its value when it is a whole number.")


@strawberry.type(description="The level-scaled numbers of one class.")
class SheetClassNumbers:
    class_id: strawberry.Private[ClassId]
    numbers: list[SheetClassNumber] = strawberry.field(description="Its numbers.")

    @strawberry.field(name="class", description="The class.")
    def character_class(self) -> CharacterClass:
        return class_ref(self.class_id)


@strawberry.type(description="Whether the character meets one class's multiclass prerequisites.")
class SheetMulticlassPrerequisite:
    class_id: strawberry.Private[ClassId]
    met: bool = strawberry.field(description="Whether the ability minimums are met.")

    @strawberry.field(name="class", description="The class.")
    def character_class(self) -> CharacterClass:
        return class_ref(self.class_id)


@strawberry.type(description="Experience points and the next level.")
class SheetProgress:
    xp: int = strawberry.field(description="Experience points.")
    next_level_xp: int | None = strawberry.field(
        description="XP the next level needs (null at level 20)."
    )
    can_level_up: bool = strawberry.field(description="Whether enough XP is there to level up.")


@strawberry.type(
    description="The derived character sheet: every number `rules.derive` computes from the "
    "character's document, on read. Nothing here is stored or set by hand; change the document "
    "and these follow. Numbers come with breakdowns that add up to them."
)
class CharacterSheet:
    summary: str = strawberry.field(
        description='One line: "Brenna Holt, Human Fighter 3 (Champion)".'
    )
    total_level: int = strawberry.field(description="Levels in all classes together.")
    proficiency_bonus: int = strawberry.field(
        description="+2 at levels 1-4, +1 per four levels after (+6 at 17-20)."
    )
    abilities: list[SheetAbility] = strawberry.field(
        description="The six abilities in order: score, modifier, saving throw."
    )
    skills: list[SheetSkill] = strawberry.field(description="All 18 skills.")
    passive_perception: int = strawberry.field(description="10 + Wisdom (Perception).")
    passive_perception_breakdown: list[Contribution] = strawberry.field(
        description="What makes up `passivePerception`."
    )
    passive_insight: int = strawberry.field(description="10 + Wisdom (Insight).")
    passive_insight_breakdown: list[Contribution] = strawberry.field(
        description="What makes up `passiveInsight`."
    )
    passive_investigation: int = strawberry.field(description="10 + Intelligence (Investigation).")
    passive_investigation_breakdown: list[Contribution] = strawberry.field(
        description="What makes up `passiveInvestigation`."
    )
    initiative: int = strawberry.field(
        description="Initiative bonus: Dexterity modifier, Alert, bonuses, Exhaustion."
    )
    initiative_breakdown: list[Contribution] = strawberry.field(
        description="What makes up `initiative`."
    )
    armor_class: SheetArmorClass = strawberry.field(description="Armor Class, explained.")
    speed: int = strawberry.field(
        description="Walking speed in feet: species, class features, armor, Exhaustion, "
        "conditions that set it to 0."
    )
    speed_breakdown: list[Contribution] = strawberry.field(description="What makes up `speed`.")
    hit_points: SheetHitPoints = strawberry.field(description="Hit Points.")
    hit_dice: list[SheetHitDice] = strawberry.field(description="Hit Dice by size, largest first.")
    spellcasting: list[SheetSpellcasting] = strawberry.field(
        description="Spellcasting per class that casts; empty for non-casters."
    )
    spell_slots: list[SheetSpellSlots] = strawberry.field(
        description="Spell slots by level (multiclass casters pool levels per the SRD table)."
    )
    pact_slots: SheetPactSlots | None = strawberry.field(
        description="Pact Magic slots; null without Warlock levels."
    )
    attacks: list[SheetAttack] = strawberry.field(
        description="Attacks with each equipped weapon, then the Unarmed Strike."
    )
    feature_dcs: list[SheetFeatureDc] = strawberry.field(
        description="Save DCs of features that are not spells (Grapple, Focus, Breath Weapon)."
    )
    carrying: SheetCarrying = strawberry.field(description="Carrying capacity and encumbrance.")
    exhaustion: SheetExhaustion = strawberry.field(description="Exhaustion level and penalty.")
    conditions: list[Condition] = strawberry.field(
        description="Conditions in effect, implied ones included (Unconscious: Incapacitated, "
        "Prone)."
    )
    death_saves: SheetDeathSaves = strawberry.field(description="Death saving throws.")
    concentration: str | None = strawberry.field(
        description="The spell the character is concentrating on, if any."
    )

    @strawberry.field(description="The spell of `concentration` in the catalog, with its text.")
    def concentration_spell(self) -> Spell | None:
        return None if self.concentration is None else Spell(slug=spell_slug(self.concentration))

    heroic_inspiration: bool = strawberry.field(description="Whether it has Heroic Inspiration.")
    features: list[SheetFeature] = strawberry.field(
        description="Class and subclass features by class level."
    )
    resources: list[SheetResource] = strawberry.field(
        description="Limited-use resources (Rage, Channel Divinity, Breath Weapon...) with uses."
    )
    class_numbers: list[SheetClassNumbers] = strawberry.field(
        description="Level-scaled class numbers (Rage damage, Sneak Attack, Martial Arts die...)."
    )
    progress: SheetProgress = strawberry.field(description="XP and the next level.")
    multiclass_prerequisites: list[SheetMulticlassPrerequisite] = strawberry.field(
        description="For a multiclass character: whether each class's prerequisites are met."
    )
    training: SheetTraining = strawberry.field(description="Save, armor and weapon training.")
    notes: list[str] = strawberry.field(
        description="Warnings the sheet implies (untrained armor, Stealth Disadvantage)."
    )
    species_traits: SheetSpeciesTraits = strawberry.field(
        description="What the species and lineage change."
    )
    senses: list[SheetSense] = strawberry.field(description="Special senses with their ranges.")
    defenses: SheetDefenses = strawberry.field(description="Damage defenses and why.")
    fighting_styles: list[str] = strawberry.field(description="Fighting styles, as rules slugs.")
    roll_modes: SheetRollModes = strawberry.field(
        description="Advantage and Disadvantage per kind of D20 Test, with the reasons."
    )


def _ability_lines(d: DerivedSheet) -> list[SheetAbility]:
    return [
        SheetAbility(
            ability=Ability(a.value),
            score=d.scores[a],
            score_breakdown=explain(d.score_breakdowns.get(a, ())),
            modifier=d.modifiers[a],
            save=d.saves[a].bonus,
            save_proficient=d.saves[a].proficient,
            save_breakdown=explain(d.saves[a].breakdown),
        )
        for a in RulesAbility
    ]


def _class_numbers(d: DerivedSheet) -> list[SheetClassNumbers]:
    return [
        SheetClassNumbers(
            class_id=class_id,
            numbers=[
                SheetClassNumber(
                    name=name, value=str(value), amount=value if isinstance(value, int) else None
                )
                for name, value in numbers.items()
            ],
        )
        for class_id, numbers in d.class_numbers.items()
    ]


def sheet_of(d: DerivedSheet) -> CharacterSheet:
    """The GraphQL sheet of a derived sheet: the same numbers, typed."""
    play = d.play_state
    saves = cast(dict[str, int], play["death_saves"])
    concentration = play["concentration"]
    return CharacterSheet(
        summary=d.summary,
        total_level=d.total_level,
        proficiency_bonus=d.proficiency_bonus,
        abilities=_ability_lines(d),
        skills=[SheetSkill.of(line) for line in d.skills.values()],
        passive_perception=d.passive_perception,
        passive_perception_breakdown=explain(d.passive_perception_breakdown),
        passive_insight=d.passive_insight,
        passive_insight_breakdown=explain(d.passive_insight_breakdown),
        passive_investigation=d.passive_investigation,
        passive_investigation_breakdown=explain(d.passive_investigation_breakdown),
        initiative=d.initiative,
        initiative_breakdown=explain(d.initiative_breakdown),
        armor_class=SheetArmorClass.of(d.armor_class),
        speed=d.speed.walk,
        speed_breakdown=explain(d.speed.breakdown),
        hit_points=SheetHitPoints(
            max=d.max_hp,
            max_breakdown=explain(d.max_hp_breakdown),
            current=d.current_hp,
            temp=d.temp_hp,
        ),
        hit_dice=[
            SheetHitDice(die=p.die, total=p.total, spent=p.spent, remaining=p.remaining)
            for p in d.hit_dice
        ],
        spellcasting=[SheetSpellcasting.of(c) for c in d.spellcasting],
        spell_slots=[
            SheetSpellSlots(
                level=s.level,
                max=s.maximum,
                created=s.created,
                spent=s.spent,
                remaining=s.remaining,
            )
            for s in d.spell_slots
        ],
        pact_slots=None
        if d.pact_slots is None
        else SheetPactSlots(
            slot_level=d.pact_slots.slot_level,
            max=d.pact_slots.maximum,
            spent=d.pact_slots.spent,
            remaining=d.pact_slots.remaining,
        ),
        attacks=[SheetAttack.of(a) for a in d.attacks],
        feature_dcs=[SheetFeatureDc.of(f) for f in d.feature_dcs],
        carrying=SheetCarrying(
            carried=d.carrying.carried,
            capacity=d.carrying.capacity,
            drag_lift_push=d.carrying.drag_lift_push,
            over_capacity=d.carrying.over_capacity,
        ),
        exhaustion=SheetExhaustion(level=d.exhaustion, d20_penalty=d.d20_penalty),
        conditions=sorted(Condition(c.value) for c in d.conditions),
        death_saves=SheetDeathSaves(
            successes=saves["successes"],
            failures=saves["failures"],
            stable=bool(play["stable"]),
            dead=bool(play["dead"]),
        ),
        concentration=None if concentration is None else str(concentration),
        heroic_inspiration=bool(play["heroic_inspiration"]),
        features=[SheetFeature.of(f) for f in d.features],
        resources=[SheetResource.of(r) for r in d.resources.values()],
        class_numbers=_class_numbers(d),
        progress=SheetProgress(
            xp=d.progress.xp,
            next_level_xp=d.progress.next_level_xp,
            can_level_up=d.progress.can_level_up,
        ),
        multiclass_prerequisites=[
            SheetMulticlassPrerequisite(class_id=c, met=ok)
            for c, ok in d.multiclass_prerequisites.items()
        ],
        training=SheetTraining.of(d.training),
        notes=list(d.notes),
        species_traits=SheetSpeciesTraits.of(d.species_traits),
        senses=[SheetSense(sense=name, range=feet) for name, feet in d.senses.items()],
        defenses=SheetDefenses.of(d.defenses),
        fighting_styles=list(d.fighting_styles.names),
        roll_modes=SheetRollModes.of(d.roll_modes),
    )
