"""GraphQL face of homebrew content (wired into the catalog's ``Query`` and ``Mutation``).

Deny by default: every mutation needs a signed-in user (``require_viewer``), and an entry is
readable only by its author (and the members of campaigns it is shared with, see
``services.readable``) until it is published. Mutations return ``{ entry, userErrors,
warnings }``: ``userErrors`` for input that was refused (nothing changed), ``warnings`` for
balance concerns on an entry that was saved.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Coroutine
from datetime import datetime
from enum import Enum
from typing import Annotated, Any, cast

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.scalars import JSON
from strawberry.types import Info

from infra.db.repository import Page
from subgraphs.catalog.homebrew import services
from subgraphs.catalog.homebrew.repository import HomebrewRepository
from subgraphs.catalog.models import HomebrewEntryRow
from subgraphs.kit.context import Context, foreign_ids, require_caller, require_viewer
from subgraphs.kit.errors import ErrorCode, UserError, graphql_error
from subgraphs.kit.loaders import uuid_or_none
from subgraphs.kit.outcomes import attempt, parse_id, parse_id_or_error
from subgraphs.kit.relay import Connection, paged_connection

ContextInfo = Info[Context, Any]


@strawberry.enum(description="What kind of game content a homebrew entry is.")
class HomebrewKind(Enum):
    SPELL = "spell"
    FEAT = "feat"
    MAGIC_ITEM = "magic-item"
    EQUIPMENT = "equipment"
    SPECIES = "species"
    BACKGROUND = "background"
    SUBCLASS = "subclass"
    CREATURE = "creature"


@strawberry.enum(description="Where a piece of content came from.")
class ContentOrigin(Enum):
    SRD = strawberry.enum_value("srd", description="The SRD 5.2 (CC-BY-4.0, with attribution).")
    IMPORTED = strawberry.enum_value(
        "imported", description="Imported from another source, under its licence."
    )
    HOMEBREW = strawberry.enum_value("homebrew", description="Written by its author.")
    ADAPTED = strawberry.enum_value(
        "adapted", description="A theme adaptation (reskin) of a root entry."
    )
    GENERATED = strawberry.enum_value("generated", description="Made by a text generator.")


@strawberry.enum(description="Who may read a homebrew entry.")
class HomebrewVisibility(Enum):
    PRIVATE = strawberry.enum_value(
        "PRIVATE", description="Its author, and the members of campaigns it is shared with."
    )
    PUBLISHED = strawberry.enum_value("PUBLISHED", description="Anyone, signed in or not.")


@strawberry.type(description="Why an entry looks stronger than comparable SRD content.")
class BalanceWarning:
    path: list[str] = strawberry.field(
        description='The input field the score comes from, e.g. ["input", "mechanics", '
        '"damage_roll"].'
    )
    code: str = strawberry.field(
        description="ABOVE_SRD_MAXIMUM (stronger than every SRD peer) or ABOVE_TWICE_SRD_MEDIAN."
    )
    message: str = strawberry.field(description="The comparison in words.")
    score: float = strawberry.field(description="The entry's power score (e.g. expected damage).")
    srd_median: float = strawberry.field(description="The median score of its SRD peers.")
    srd_maximum: float = strawberry.field(description="The highest score of its SRD peers.")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BalanceWarning:
        return cls(
            path=list(data["path"]),
            code=data["code"],
            message=data["message"],
            score=data["score"],
            srd_median=data["median"],
            srd_maximum=data["maximum"],
        )


@strawberry.type(description="The original entry an adaptation was branched from.")
class HomebrewRoot:
    slug: str = strawberry.field(description='Its slug, e.g. "spell/fireball".')
    name: str = strawberry.field(description="Its name.")
    origin: ContentOrigin = strawberry.field(description="Where the root itself came from.")
    document: str | None = strawberry.field(description="For SRD roots: the document.")
    license: str | None = strawberry.field(description="For SRD roots: its licence.")
    attribution: str | None = strawberry.field(
        description="For SRD roots: the notice its licence requires wherever this is shown."
    )
    author_id: strawberry.ID | None = strawberry.field(description="For homebrew roots: author.")


@strawberry.type(description="Where a homebrew entry came from and on what terms.")
class HomebrewProvenance:
    origin: ContentOrigin = strawberry.field(description="Homebrew, imported, adapted, ...")
    author_id: strawberry.ID = strawberry.field(description="The user who owns the entry.")
    source: str | None = strawberry.field(description="Imported: where it was imported from.")
    license: str | None = strawberry.field(description="Imported: the licence it came under.")
    model: str | None = strawberry.field(description="Generated: the model that made it.")
    generation_id: str | None = strawberry.field(description="Generated: the generation's ID.")
    theme: str | None = strawberry.field(description='Adapted: the theme, e.g. "steampunk".')
    adapted_from: str | None = strawberry.field(
        description="Adapted: the slug the author asked to adapt (the root may differ)."
    )
    root: HomebrewRoot | None = strawberry.field(description="Adapted: the root entry.")


def _provenance(row: HomebrewEntryRow) -> HomebrewProvenance:
    data = row.provenance
    root = data.get("root")
    return HomebrewProvenance(
        origin=ContentOrigin(row.origin),
        author_id=strawberry.ID(str(row.author_id)),
        source=data.get("source"),
        license=data.get("license"),
        model=data.get("model"),
        generation_id=data.get("generation_id"),
        theme=data.get("theme"),
        adapted_from=data.get("adaptedFrom"),
        root=None
        if root is None
        else HomebrewRoot(
            slug=root["slug"],
            name=root["name"],
            origin=ContentOrigin(root["origin"]),
            document=root.get("document"),
            license=root.get("license"),
            attribution=root.get("attribution"),
            author_id=None if root.get("authorId") is None else strawberry.ID(root["authorId"]),
        ),
    )


@strawberry.federation.type(
    keys=["id", "slug"], description="Custom game content: homebrew, imported, adapted, generated."
)
class HomebrewEntry:
    id: strawberry.ID = strawberry.field(description="The entry's ID.")
    slug: str = strawberry.field(
        description='Stable key, "homebrew/<author>/<kind>/<name>"; kept when renamed.'
    )
    kind: HomebrewKind = strawberry.field(description="What kind of content it is.")
    name: str = strawberry.field(description="Its name.")
    description: str = strawberry.field(description="Rules text and flavour (Markdown).")
    theme_tags: list[str] = strawberry.field(description='Theme tags, e.g. ["steampunk"].')
    mechanics: JSON = strawberry.field(
        description="The structured rules fields of its kind (snake_case, as the SRD tables)."
    )
    version: int = strawberry.field(
        description="Changes on every write; pass it back as `expectedVersion` when editing."
    )
    visibility: HomebrewVisibility = strawberry.field(description="Who may read it.")
    shared_campaign_ids: list[strawberry.ID] = strawberry.field(
        description="Campaigns it is shared with: their members may read it."
    )
    root_slug: str | None = strawberry.field(
        description="For an adaptation: the slug of the original entry it branches from."
    )
    provenance: HomebrewProvenance = strawberry.field(description="Where it came from.")
    balance_warnings: list[BalanceWarning] = strawberry.field(
        description="Where its mechanics look stronger than comparable SRD content."
    )
    created_at: datetime = strawberry.field(description="When it was created.")
    updated_at: datetime = strawberry.field(description="When it last changed.")

    @strawberry.field(description="Whether any balance warning applies.")
    def flagged(self) -> bool:
        return bool(self.balance_warnings)

    @classmethod
    def from_row(cls, row: HomebrewEntryRow) -> HomebrewEntry:
        return cls(
            id=strawberry.ID(str(row.id)),
            slug=row.slug,
            kind=HomebrewKind(row.kind),
            name=row.name,
            description=row.description,
            theme_tags=list(row.theme_tags),
            mechanics=cast(JSON, dict(row.mechanics)),
            version=row.version,
            visibility=HomebrewVisibility(row.visibility),
            shared_campaign_ids=[strawberry.ID(c) for c in row.shared_campaign_ids],
            root_slug=row.root_slug,
            provenance=_provenance(row),
            balance_warnings=[BalanceWarning.from_json(w) for w in row.balance],
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    @classmethod
    async def resolve_reference(
        cls, info: ContextInfo, id: strawberry.ID | None = None, slug: str | None = None
    ) -> HomebrewEntry | None:
        key = None
        if id is not None:
            key = uuid_or_none(id)
            if key is None:
                return None  # a malformed ID names no entry
        row = await _visible(info, key, slug)
        return None if row is None else cls.from_row(row)


def _reader(info: ContextInfo) -> services.Reader:
    """The caller as a reader; a token that was sent but is invalid is an error, not anonymity."""
    if info.context.auth_error is not None:
        require_viewer(info)
    viewer = info.context.viewer
    if viewer is None:
        return services.Reader()
    return services.Reader(subject=viewer.subject, is_service=viewer.is_service)


async def _visible(
    info: ContextInfo, id: uuid.UUID | None, slug: str | None
) -> HomebrewEntryRow | None:
    async with info.context.runtime.sessions() as session:
        repo = HomebrewRepository(session)
        row = await repo.get(id) if id is not None else await repo.by_slug(slug or "")
        if row is None or not await services.readable(session, row, _reader(info)):
            return None  # someone else's private entry looks exactly like a missing one
    return row


First = Annotated[int, strawberry.argument(description="Page size, 0 to 100.")]
After = Annotated[
    str | None, strawberry.argument(description="Continue after this cursor (`endCursor`).")
]
KindFilter = Annotated[
    HomebrewKind | None, strawberry.argument(description="Only entries of this kind.")
]


async def _list(
    info: ContextInfo,
    author_id: uuid.UUID | None,
    kind: HomebrewKind | None,
    first: int,
    after: str | None,
) -> Connection[HomebrewEntry]:
    async def fetch(session: AsyncSession) -> Page[HomebrewEntryRow]:
        repo = HomebrewRepository(session)
        statement = repo.listed(author_id=author_id, kind=None if kind is None else kind.value)
        return await repo.page_of(statement, first, after)

    return await paged_connection(info.context.runtime, first, fetch, HomebrewEntry.from_row)


@strawberry.type
class HomebrewQuery:
    @strawberry.field(
        description="One homebrew entry by `id` or `slug`: yours, a published one, or one "
        "shared with a campaign you take part in; null when there is none you may read."
    )
    async def homebrew_entry(
        self,
        info: ContextInfo,
        id: Annotated[
            strawberry.ID | None, strawberry.argument(description="The entry's ID.")
        ] = None,
        slug: Annotated[str | None, strawberry.argument(description="The entry's slug.")] = None,
    ) -> HomebrewEntry | None:
        if (id is None) == (slug is None):
            raise graphql_error(ErrorCode.BAD_USER_INPUT, "Pass exactly one of `id` or `slug`.")
        key = None if id is None else parse_id_or_error(id, "id")
        row = await _visible(info, key, slug)
        return None if row is None else HomebrewEntry.from_row(row)

    @strawberry.field(description="Your homebrew entries, oldest first (signed in).")
    async def my_homebrew(
        self, info: ContextInfo, kind: KindFilter = None, first: First = 20, after: After = None
    ) -> Connection[HomebrewEntry]:
        viewer = require_viewer(info)
        return await _list(info, viewer.user_id, kind, first, after)

    @strawberry.field(description="Published homebrew from every author, oldest first (public).")
    async def published_homebrew(
        self, info: ContextInfo, kind: KindFilter = None, first: First = 20, after: After = None
    ) -> Connection[HomebrewEntry]:
        return await _list(info, None, kind, first, after)


# --- mutations ----------------------------------------------------------------------------------


@strawberry.input(description="A new homebrew entry.")
class CreateHomebrewInput:
    kind: HomebrewKind = strawberry.field(description="What kind of content it is.")
    name: str = strawberry.field(description="Its name.")
    mechanics: JSON = strawberry.field(
        description="Its rules fields as a JSON object, checked per kind, e.g. for a spell "
        '{"level": 1, "school": "evocation", "range_kind": "distance", "range_feet": 60, '
        '"duration": "Instantaneous", "damage_roll": "3d6", "damage_types": ["fire"]}.'
    )
    description: str = strawberry.field(default="", description="Rules text and flavour.")
    theme_tags: list[str] = strawberry.field(default_factory=list, description="Theme tags.")
    origin: ContentOrigin = strawberry.field(
        default=ContentOrigin.HOMEBREW,
        description="HOMEBREW, IMPORTED (give source and license) or GENERATED (give model "
        "and generationId); adaptations are made with `adaptEntry`.",
    )
    source: str | None = strawberry.field(default=None, description="Imported: from where.")
    license: str | None = strawberry.field(default=None, description="Imported: the licence.")
    model: str | None = strawberry.field(default=None, description="Generated: the model.")
    generation_id: str | None = strawberry.field(
        default=None, description="Generated: the generation's ID."
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="Any unique string; a retry with it returns the same entry."
    )


@strawberry.input(description="Changes to a homebrew entry; omitted fields stay as they are.")
class UpdateHomebrewInput:
    id: strawberry.ID = strawberry.field(description="The entry.")
    expected_version: int = strawberry.field(description="The `version` you last read.")
    name: str | None = strawberry.field(default=None, description="A new name.")
    description: str | None = strawberry.field(default=None, description="New text.")
    theme_tags: list[str] | None = strawberry.field(default=None, description="New theme tags.")
    mechanics: JSON | None = strawberry.field(
        default=None, description="New rules fields (not for adaptations, which keep the root's)."
    )


@strawberry.input(description="A theme adaptation (reskin) of an SRD or homebrew entry.")
class AdaptEntryInput:
    source_slug: str = strawberry.field(
        description='What to adapt: an SRD slug ("spell/fireball") or a homebrew slug. Adapting '
        "an adaptation branches from its original root."
    )
    name: str = strawberry.field(description="The new name.")
    theme: str = strawberry.field(description='The theme, e.g. "steampunk".')
    description: str = strawberry.field(default="", description="The new flavour text.")
    theme_tags: list[str] = strawberry.field(default_factory=list, description="Theme tags.")
    idempotency_key: str | None = strawberry.field(
        default=None, description="Any unique string; a retry with it returns the same entry."
    )


@strawberry.input(description="Which entry to publish or delete, at which version.")
class HomebrewVersionInput:
    id: strawberry.ID = strawberry.field(description="The entry.")
    expected_version: int = strawberry.field(description="The `version` you last read.")


@strawberry.input(description="The campaigns to share an entry with (replaces the list).")
class ShareHomebrewInput:
    id: strawberry.ID = strawberry.field(description="The entry.")
    expected_version: int = strawberry.field(description="The `version` you last read.")
    campaign_ids: list[strawberry.ID] = strawberry.field(
        description="Campaign IDs; an empty list stops sharing."
    )


@strawberry.type(description="The result of a homebrew mutation.")
class HomebrewPayload:
    entry: HomebrewEntry | None = strawberry.field(description="The entry, when it worked.")
    user_errors: list[UserError] = strawberry.field(description="What was wrong with the input.")
    warnings: list[BalanceWarning] = strawberry.field(
        description="Balance concerns about the saved entry (it was saved all the same)."
    )


def _payload(row: HomebrewEntryRow | None, errors: list[UserError]) -> HomebrewPayload:
    entry = None if row is None else HomebrewEntry.from_row(row)
    return HomebrewPayload(
        entry=entry, user_errors=errors, warnings=[] if entry is None else entry.balance_warnings
    )


_INPUT = strawberry.argument(description="What to do; see the input type's fields.")

Work = Callable[[uuid.UUID], Coroutine[Any, Any, HomebrewEntryRow]]


async def _run(info: ContextInfo, work: Work) -> HomebrewPayload:
    """Authorize (a signed-in user), run the use case, turn expected failures into userErrors."""
    author = require_viewer(info).user_id
    return _payload(*await attempt(work(author)))


@strawberry.type(
    name="Mutation", description="Writing homebrew content (every mutation needs a signed-in user)."
)
class HomebrewMutation:
    @strawberry.mutation(description="Create a homebrew entry (private to you until shared).")
    async def create_homebrew(
        self, info: ContextInfo, input: Annotated[CreateHomebrewInput, _INPUT]
    ) -> HomebrewPayload:
        new = services.NewEntry(
            kind=input.kind.value,
            name=input.name,
            mechanics=input.mechanics,
            description=input.description,
            theme_tags=tuple(input.theme_tags),
            origin=input.origin.name.lower(),
            source=input.source,
            license=input.license,
            model=input.model,
            generation_id=input.generation_id,
            idempotency_key=input.idempotency_key,
        )
        caller = require_caller(info)
        uow = info.context.runtime.uow()
        return _payload(*await attempt(services.create_entry(uow, foreign_ids(info), caller, new)))

    @strawberry.mutation(description="Change one of your homebrew entries.")
    async def update_homebrew(
        self, info: ContextInfo, input: Annotated[UpdateHomebrewInput, _INPUT]
    ) -> HomebrewPayload:
        async def work(author: uuid.UUID) -> HomebrewEntryRow:
            changes = services.EntryChanges(
                id=parse_id(input.id, "input", "id"),
                expected_version=input.expected_version,
                name=input.name,
                description=input.description,
                theme_tags=None if input.theme_tags is None else tuple(input.theme_tags),
                mechanics=input.mechanics,
            )
            return await services.update_entry(info.context.runtime.uow(), author, changes)

        return await _run(info, work)

    @strawberry.mutation(
        description="Adapt (reskin) an entry to a theme: new name, flavour and tags, the root's "
        "mechanics unchanged. Always branches from the original root entry."
    )
    async def adapt_entry(
        self, info: ContextInfo, input: Annotated[AdaptEntryInput, _INPUT]
    ) -> HomebrewPayload:
        adaptation = services.Adaptation(
            source_slug=input.source_slug,
            name=input.name,
            theme=input.theme,
            description=input.description,
            theme_tags=tuple(input.theme_tags),
            idempotency_key=input.idempotency_key,
        )
        uow = info.context.runtime.uow()
        return await _run(info, lambda author: services.adapt_entry(uow, author, adaptation))

    @strawberry.mutation(description="Publish one of your entries: everyone may then read it.")
    async def publish_homebrew(
        self, info: ContextInfo, input: Annotated[HomebrewVersionInput, _INPUT]
    ) -> HomebrewPayload:
        async def work(author: uuid.UUID) -> HomebrewEntryRow:
            ident = parse_id(input.id, "input", "id")
            uow = info.context.runtime.uow()
            return await services.publish_entry(uow, author, ident, input.expected_version)

        return await _run(info, work)

    @strawberry.mutation(description="Set the campaigns one of your entries is shared with.")
    async def share_homebrew(
        self, info: ContextInfo, input: Annotated[ShareHomebrewInput, _INPUT]
    ) -> HomebrewPayload:
        caller = require_caller(info)

        async def work() -> HomebrewEntryRow:
            return await services.share_entry(
                info.context.runtime.uow(),
                foreign_ids(info),
                caller,
                parse_id(input.id, "input", "id"),
                input.expected_version,
                [str(c) for c in input.campaign_ids],
            )

        return _payload(*await attempt(work()))

    @strawberry.mutation(description="Delete one of your entries (soft: it is kept, hidden).")
    async def delete_homebrew(
        self, info: ContextInfo, input: Annotated[HomebrewVersionInput, _INPUT]
    ) -> HomebrewPayload:
        async def work(author: uuid.UUID) -> HomebrewEntryRow:
            ident = parse_id(input.id, "input", "id")
            uow = info.context.runtime.uow()
            return await services.delete_entry(uow, author, ident, input.expected_version)

        return await _run(info, work)
