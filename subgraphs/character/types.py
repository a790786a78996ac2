"""The ``Character`` entity as the graph shows it, and the references it holds to other services.

Every capability of the subgraph (reads, creation, the sheet) returns these types, so they live
here rather than inside one capability's folder. A ``Character`` object is made only for a
viewer who may see it at all; it carries that viewer's ``Access`` and each field beyond the
public face checks it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from rules.errors import RuleError
from subgraphs.character import stitching
from subgraphs.character.access import Access, access_to, require_access
from subgraphs.character.documents import rule_path, starting_class, stored_problems
from subgraphs.character.models import CharacterRow
from subgraphs.character.references import Background, CharacterClass, Lineage, Species
from subgraphs.character.repository import CharacterRepository
from subgraphs.character.sheet.derivation import SheetCache
from subgraphs.character.sheet.types import CharacterSheet
from subgraphs.character.stitching import CharacterClassLevel, CharacterFeat, InventoryItem
from subgraphs.kit.context import ContextInfo
from subgraphs.kit.errors import UserError
from subgraphs.kit.loaders import load_entity
from subgraphs.kit.references import User


@strawberry.enum(description="Who may read a character.")
class Visibility(Enum):
    PRIVATE = strawberry.enum_value(
        "PRIVATE",
        description="Its owner, and in campaigns it plays in: the game master (its sheet) and "
        "the other players (its public face).",
    )
    PUBLIC = strawberry.enum_value(
        "PUBLIC", description="Anyone, signed in or not, reads its sheet; only its owner edits it."
    )


@strawberry.enum(description="What a character is; all kinds share one model and one sheet.")
class CharacterKind(Enum):
    PC = strawberry.enum_value("PC", description="A player character.")
    NPC = strawberry.enum_value("NPC", description="A non-player character a game master runs.")
    MONSTER = strawberry.enum_value("MONSTER", description="A creature a game master runs.")


@strawberry.type(description="Something the rules engine finds wrong with a document.")
class SheetProblem:
    path: list[str] = strawberry.field(
        description='Where in the document, e.g. ["classes", "1", "subclass"].'
    )
    code: str = strawberry.field(description="The rule, e.g. SUBCLASS_TOO_EARLY.")
    message: str = strawberry.field(description="What is wrong, in words a player understands.")

    @classmethod
    def of(cls, error: RuleError) -> SheetProblem:
        return cls(path=list(rule_path(error.path)), code=error.code.upper(), message=error.message)


@strawberry.federation.type(keys=["id"], description="A player character.")
class Character:
    id: strawberry.ID = strawberry.field(description="The character's ID.")
    kind: CharacterKind = strawberry.field(description="Player character, NPC or monster.")
    name: str = strawberry.field(description="What the character is called.")
    level: int = strawberry.field(description="Total character level, 1 to 20.")
    version: int = strawberry.field(
        description="Changes on every write; pass it back as `expectedVersion` when editing."
    )
    visibility: Visibility = strawberry.field(description="Who may read the character.")
    created_at: datetime = strawberry.field(description="When the character was created.")
    key: strawberry.Private[uuid.UUID]
    owner_id: strawberry.Private[uuid.UUID]
    access: strawberry.Private[Access]
    base: strawberry.Private[dict[str, Any]]

    @strawberry.field(
        description="The starting class (the first one taken) in the catalog.", name="class"
    )
    def character_class(self) -> CharacterClass | None:
        class_id = starting_class(self.base)
        return None if class_id is None else CharacterClass.of(class_id)

    @strawberry.field(description="The species in the catalog.")
    def species(self) -> Species | None:
        return stitching.species(self.base)

    @strawberry.field(description="The species' lineage in the catalog (High Elf, Red Dragon...).")
    def lineage(self) -> Lineage | None:
        return stitching.lineage(self.base)

    @strawberry.field(description="Every class with its level and subclass, starting class first.")
    def classes(self) -> list[CharacterClassLevel]:
        return stitching.class_levels(self.base)

    @strawberry.field(description="The background in the catalog. Needs sheet access.")
    def background(self) -> Background | None:
        require_access(self.access, Access.SHEET, "background")
        return stitching.background(self.base)

    @strawberry.field(
        description="Every feat (background, improvements, others) with its catalog entry. Needs "
        "sheet access."
    )
    def feats(self) -> list[CharacterFeat]:
        require_access(self.access, Access.SHEET, "feats")
        return stitching.feats(self.base)

    @strawberry.field(
        description="What the character carries, each with its catalog entry. Needs sheet access."
    )
    def inventory(self) -> list[InventoryItem]:
        require_access(self.access, Access.SHEET, "inventory")
        return stitching.inventory(self.base)

    @strawberry.field(description="The player who owns the character.")
    def owner(self) -> User:
        return User.of(self.owner_id)

    @strawberry.field(
        description="The character's base data: one JSON document in the rules engine's format "
        "(`python -m rules schema`), in canonical form. Everything a player chooses or records "
        "is here and nothing derived; `importCharacter` takes it back unchanged. Readable by "
        "those who may read the sheet."
    )
    def document(self) -> JSON:
        require_access(self.access, Access.SHEET, "document")
        return cast(JSON, self.base)

    @strawberry.field(
        description="The derived sheet: every number the rules engine computes from `document`, "
        "each with its breakdown. Computed on read (cached per version), never stored. Readable "
        "by the owner, the game master of a campaign the character plays in, and anyone when "
        "it is PUBLIC."
    )
    def sheet(self, info: ContextInfo) -> CharacterSheet:
        require_access(self.access, Access.SHEET, "sheet")
        cache: SheetCache = info.context.runtime.ports["sheets"]
        return cache.sheet((self.key, self.version), self.base)

    @strawberry.field(
        description="What the rules engine finds wrong with `document` now; empty when it is "
        "legal. Writes refuse illegal documents, so this is empty unless the document predates "
        "a rule (a migrated character, a stricter rules engine)."
    )
    def problems(self) -> list[SheetProblem]:
        require_access(self.access, Access.SHEET, "problems")
        return [SheetProblem.of(error) for error in stored_problems(self.base)]

    @classmethod
    def from_row(cls, row: CharacterRow, access: Access = Access.OWNER) -> Character:
        return cls(
            key=row.id,
            id=strawberry.ID(str(row.id)),
            kind=CharacterKind(row.kind),
            name=row.name,
            level=row.level,
            version=row.version,
            visibility=Visibility(row.visibility),
            created_at=row.created_at,
            owner_id=row.owner_id,
            access=access,
            base=row.document,
        )

    @classmethod
    async def resolve_reference(cls, info: ContextInfo, id: strawberry.ID) -> Character | None:
        # Another subgraph's reference (a campaign's party, a combatant, a portrait) gives no
        # right of its own: the same policy as every read decides, and absent means null.
        row = await load_entity(info.context, CharacterRepository, id)
        if row is None:
            return None
        access = await access_to(info, row)
        return None if access is Access.NONE else cls.from_row(row, access)


@strawberry.type(description="The result of a character mutation.")
class CharacterPayload:
    character: Character | None = strawberry.field(description="The character, when it worked.")
    user_errors: list[UserError] = strawberry.field(description="What was wrong with the input.")

    @classmethod
    def of(cls, row: CharacterRow | None, errors: list[UserError]) -> CharacterPayload:
        return cls(character=None if row is None else Character.from_row(row), user_errors=errors)
