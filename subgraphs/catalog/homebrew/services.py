"""Use cases of homebrew content: create, update, adapt (reskin), share, publish, delete.

No GraphQL here. Bad input raises ``Rejected`` with one ``Problem`` per flaw (the whole input is
checked, not only up to the first flaw); someone else's private entry is ``NotFound`` (its
existence is not revealed); a stale ``expected_version`` is ``ConcurrencyConflict``. Every change
writes a ``homebrew.*`` event to the outbox in the same transaction.

Who may read an entry (``readable``): its author; anyone once it is PUBLISHED; a member of a
campaign the entry is shared with; and a *service* caller (the router acting for a campaign)
when the entry is shared with at least one campaign. Membership is owned by the campaign
service: the catalog answers from its own projection of it, kept up to date from campaign
events (``subgraphs.catalog.membership``), so a member who just joined may wait a moment.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from infra.db.unit_of_work import UnitOfWork
from subgraphs.catalog.homebrew.balance import balance_warnings
from subgraphs.catalog.homebrew.mechanics import READERS, check_mechanics, srd_mechanics
from subgraphs.catalog.homebrew.repository import HomebrewRepository
from subgraphs.catalog.membership import CampaignMemberships
from subgraphs.catalog.models import (
    ENTRY_MODELS,
    CatalogSourceRow,
    FeatRow,
    HomebrewEntryRow,
    SpellRow,
)
from subgraphs.kit.foreign_ids import Caller, ForeignIds, require_own_generation
from subgraphs.kit.outcomes import Problem, Rejected, parse_id
from subgraphs.kit.text import check_multi_line, check_single_line, check_single_lines

MAX_NAME = 160
MAX_DESCRIPTION = 20_000
MAX_TAGS = 20
MAX_TAG = 40
MAX_THEME = 80
MAX_CAMPAIGNS = 50
HOMEBREW_PREFIX = "homebrew/"
CREATED_ORIGINS = ("homebrew", "imported", "generated")  # "adapted" comes from adapt_entry


@dataclass(frozen=True)
class NewEntry:
    kind: str
    name: str
    mechanics: object
    description: str = ""
    theme_tags: tuple[str, ...] = ()
    origin: str = "homebrew"
    source: str | None = None  # imported: where from
    license: str | None = None  # imported: under which licence
    model: str | None = None  # generated: which model
    generation_id: str | None = None  # generated: the generation's ID
    idempotency_key: str | None = None


@dataclass(frozen=True)
class EntryChanges:
    id: uuid.UUID
    expected_version: int
    name: str | None = None
    description: str | None = None
    theme_tags: tuple[str, ...] | None = None
    mechanics: object | None = None


@dataclass(frozen=True)
class Adaptation:
    source_slug: str
    name: str
    theme: str
    description: str = ""
    theme_tags: tuple[str, ...] = ()
    idempotency_key: str | None = None


@dataclass(frozen=True)
class Reader:
    """Who is reading: a user (``subject`` = user id), a service, or nobody (anonymous)."""

    subject: str | None = None
    is_service: bool = False

    @property
    def user_id(self) -> uuid.UUID | None:
        """The signed-in user's ID; ``None`` for services, anonymous readers and odd subjects."""
        if self.is_service or self.subject is None:
            return None
        try:
            return uuid.UUID(self.subject)
        except ValueError:
            return None


def _campaign_ids(row: HomebrewEntryRow) -> list[uuid.UUID]:
    return [uuid.UUID(value) for value in row.shared_campaign_ids]  # stored validated


async def readable(session: AsyncSession, row: HomebrewEntryRow, reader: Reader) -> bool:
    """Whether ``reader`` may see ``row`` (see the module docstring for the rule)."""
    if row.visibility == "PUBLISHED":
        return True
    if reader.is_service:
        return bool(row.shared_campaign_ids)
    user = reader.user_id
    if user is None:
        return False
    if user == row.author_id:
        return True
    memberships = CampaignMemberships(session)
    return await memberships.is_member_of_any(user, _campaign_ids(row))


# --- checks on the common fields ------------------------------------------------------------


@dataclass
class _Problems:
    found: list[Problem] = field(default_factory=list)

    def add(self, path: str, code: str, message: str) -> None:
        self.found.append(Problem(("input", path), code, message))

    def extend(self, found: list[Problem]) -> None:
        self.found.extend(found)

    def raise_any(self) -> None:
        if self.found:
            raise Rejected(*self.found)


def _check_name(name: str, problems: _Problems) -> None:
    if not name.strip():
        problems.add("name", "NAME_REQUIRED", "A homebrew entry needs a name.")
    elif len(name.strip()) > MAX_NAME:
        problems.add("name", "NAME_TOO_LONG", f"Names are at most {MAX_NAME} characters.")
    else:
        problems.extend(check_single_line(name, ("input", "name")))


def _check_description(description: str, problems: _Problems) -> None:
    if len(description) > MAX_DESCRIPTION:
        problems.add(
            "description", "DESCRIPTION_TOO_LONG", f"At most {MAX_DESCRIPTION} characters."
        )
    else:
        problems.extend(check_multi_line(description, ("input", "description")))


def _clean_tags(tags: tuple[str, ...], problems: _Problems) -> list[str]:
    cleaned = list(dict.fromkeys(tag.strip().lower() for tag in tags if tag.strip()))
    if len(cleaned) > MAX_TAGS:
        problems.add("themeTags", "TOO_MANY_TAGS", f"At most {MAX_TAGS} theme tags.")
    if any(len(tag) > MAX_TAG for tag in cleaned):
        problems.add("themeTags", "TAG_TOO_LONG", f"Theme tags are at most {MAX_TAG} characters.")
    problems.extend(check_single_lines(list(tags), ("input", "themeTags")))
    return cleaned


def _provenance(new: NewEntry, problems: _Problems) -> dict[str, Any]:
    if new.origin not in CREATED_ORIGINS:
        problems.add("origin", "UNKNOWN_ORIGIN", "Origin is HOMEBREW, IMPORTED or GENERATED.")
        return {}
    needed = {"imported": ("source", "license"), "generated": ("model", "generationId")}
    values = {
        "source": new.source,
        "license": new.license,
        "model": new.model,
        "generationId": new.generation_id,
    }
    for name in needed.get(new.origin, ()):
        if not (values[name] or "").strip():
            problems.add(name, "REQUIRED", f"A {new.origin} entry needs `{name}`.")
        problems.extend(check_single_line(values[name], ("input", name)))
    return {
        {"generationId": "generation_id"}.get(name, name): (values[name] or "").strip()
        for name in needed.get(new.origin, ())
        if values[name]
    }


def _mechanics(kind: str, data: object, problems: _Problems) -> dict[str, Any]:
    try:
        return check_mechanics(kind, data)
    except Rejected as exc:
        problems.found.extend(exc.problems)
        return {}


def _slug_part(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80].strip("-") or "entry"


async def _new_slug(repo: HomebrewRepository, author_id: uuid.UUID, kind: str, name: str) -> str:
    """``homebrew/<first 8 hex of the author>/<kind>/<name>``, numbered when already taken.

    Fixed at creation: renaming keeps the slug, so references never break.
    """
    base = f"{HOMEBREW_PREFIX}{author_id.hex[:8]}/{kind}/{_slug_part(name)}"
    taken = await repo.slugs_starting(base)
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


SLUG_ATTEMPTS = 5


class _InsertConflict(Exception):
    """A new entry's insert broke a unique constraint; ``slug`` is the slug it tried."""

    def __init__(self, slug: str, error: IntegrityError) -> None:
        super().__init__(f"inserting {slug!r} broke a unique constraint")
        self.slug, self.error = slug, error


async def _add_new(repo: HomebrewRepository, row: HomebrewEntryRow) -> HomebrewEntryRow:
    try:
        return await repo.add(row)
    except IntegrityError as exc:
        raise _InsertConflict(row.slug, exc) from exc


async def _retrying_slug_races(
    attempt: Callable[[], Awaitable[HomebrewEntryRow]],
) -> HomebrewEntryRow:
    """Run a create transaction again when a concurrent create took its slug first.

    Two creates of the same name can both find a slug free and both insert it; the unique
    constraint stops the second. Its transaction rolls back and the next attempt, in a fresh
    transaction, sees the winner's slug and numbers past it (or finds the winner's entry by
    the idempotency key, when the two were the same request). If an attempt fails on the very
    slug the previous one tried, the slug was free and another constraint broke: that error is
    raised as it is rather than retried.
    """
    tried: set[str] = set()
    for _ in range(SLUG_ATTEMPTS):
        try:
            return await attempt()
        except _InsertConflict as conflict:
            if conflict.slug in tried:
                raise conflict.error from None
            tried.add(conflict.slug)
    raise Rejected(
        Problem(
            ("input", "name"),
            "NAME_BUSY",
            "Entries with this name are being created at the same moment; try again.",
        )
    )


def event_payload(row: HomebrewEntryRow) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "slug": row.slug,
        "kind": row.kind,
        "name": row.name,
        "authorId": str(row.author_id),
        "origin": row.origin,
        "rootSlug": row.root_slug,
        "visibility": row.visibility,
        "sharedCampaignIds": list(row.shared_campaign_ids),
        "version": row.version,
    }


async def _check_references(session: AsyncSession, kind: str, mechanics: dict[str, Any]) -> None:
    """Catalog entries that mechanics name must exist: a background's feat is an Origin feat
    of the SRD (the mechanics reader already insists on an SRD slug, ``feat/...``)."""
    slug = mechanics.get("feat_slug") if kind == "background" else None
    if not slug:
        return
    statement = select(FeatRow.id).where(
        FeatRow.slug == slug, FeatRow.category == "origin", FeatRow.is_deleted.is_(False)
    )
    if (await session.execute(statement)).first() is None:
        raise Rejected(
            Problem(
                ("input", "mechanics", "feat_slug"),
                "NOT_FOUND",
                f"The SRD has no Origin feat {slug!r}; e.g. feat/alert.",
            )
        )


# --- use cases ----------------------------------------------------------------------------------


async def create_entry(
    uow: UnitOfWork, ids: ForeignIds, caller: Caller, new: NewEntry
) -> HomebrewEntryRow:
    author_id = caller.user_id
    problems = _Problems()
    if new.kind not in READERS:
        problems.add("kind", "UNKNOWN_KIND", f"Kinds: {', '.join(READERS)}.")
    _check_name(new.name, problems)
    _check_description(new.description, problems)
    tags = _clean_tags(new.theme_tags, problems)
    provenance = _provenance(new, problems)
    mechanics = _mechanics(new.kind, new.mechanics, problems) if new.kind in READERS else {}
    problems.raise_any()
    if new.origin == "generated" and new.generation_id:
        # "Generated by the llm service" is a claim about one of the author's generations.
        generation = parse_id(new.generation_id.strip(), "input", "generationId")
        await require_own_generation(ids, caller, generation, ("input", "generationId"))

    async def attempt() -> HomebrewEntryRow:
        async with uow:
            repo = HomebrewRepository(uow.session)
            if new.idempotency_key:
                earlier = await repo.by_idempotency_key(author_id, new.idempotency_key)
                if earlier is not None:
                    return earlier  # a retried request gets the entry it already created
            await _check_references(uow.session, new.kind, mechanics)
            row = await _add_new(
                repo,
                HomebrewEntryRow(
                    kind=new.kind,
                    slug=await _new_slug(repo, author_id, new.kind, new.name),
                    name=new.name.strip(),
                    description=new.description,
                    theme_tags=tags,
                    mechanics=mechanics,
                    author_id=author_id,
                    origin=new.origin,
                    provenance=provenance,
                    visibility="PRIVATE",
                    shared_campaign_ids=[],
                    balance=await balance_warnings(uow.session, new.kind, mechanics),
                    idempotency_key=new.idempotency_key,
                ),
            )
            uow.emit("homebrew.created", row.id, event_payload(row))
            await uow.commit()
            return row

    return await _retrying_slug_races(attempt)


async def _owned(
    repo: HomebrewRepository, author_id: uuid.UUID, id: uuid.UUID, expected_version: int
) -> HomebrewEntryRow:
    """The author's live entry at ``expected_version``; someone else's is ``NotFound`` (its
    existence is not revealed), one changed or deleted since is a ``ConcurrencyConflict``."""
    return await repo.require_for_change(
        id, expected_version, allowed=lambda row: row.author_id == author_id
    )


async def update_entry(
    uow: UnitOfWork, author_id: uuid.UUID, changes: EntryChanges
) -> HomebrewEntryRow:
    problems = _Problems()
    if changes.name is not None:
        _check_name(changes.name, problems)
    if changes.description is not None:
        _check_description(changes.description, problems)
    tags = None if changes.theme_tags is None else _clean_tags(changes.theme_tags, problems)
    problems.raise_any()
    async with uow:
        repo = HomebrewRepository(uow.session)
        row = await _owned(repo, author_id, changes.id, changes.expected_version)
        if changes.mechanics is not None:
            if row.origin == "adapted":
                raise Rejected(
                    Problem(
                        ("input", "mechanics"),
                        "MECHANICS_LOCKED",
                        "An adaptation keeps its root's mechanics; change its name, flavour "
                        "and theme, or create a new entry.",
                    )
                )
            mechanics = check_mechanics(row.kind, changes.mechanics)
            await _check_references(uow.session, row.kind, mechanics)
            # Read the SRD peers before touching the row: a query would flush a half change.
            balance = await balance_warnings(uow.session, row.kind, mechanics)
            row.mechanics, row.balance = mechanics, balance
        if changes.name is not None:
            row.name = changes.name.strip()
        if changes.description is not None:
            row.description = changes.description
        if tags is not None:
            row.theme_tags = tags
        await uow.session.flush()
        uow.emit("homebrew.updated", row.id, event_payload(row))
        await uow.commit()
        return row


async def delete_entry(
    uow: UnitOfWork, author_id: uuid.UUID, id: uuid.UUID, expected_version: int
) -> HomebrewEntryRow:
    async with uow:
        repo = HomebrewRepository(uow.session)
        row = await _owned(repo, author_id, id, expected_version)
        await repo.soft_delete(row)
        uow.emit("homebrew.deleted", row.id, event_payload(row))
        await uow.commit()
        return row


async def publish_entry(
    uow: UnitOfWork, author_id: uuid.UUID, id: uuid.UUID, expected_version: int
) -> HomebrewEntryRow:
    async with uow:
        repo = HomebrewRepository(uow.session)
        row = await _owned(repo, author_id, id, expected_version)
        row.visibility = "PUBLISHED"
        await uow.session.flush()
        uow.emit("homebrew.published", row.id, event_payload(row))
        await uow.commit()
        return row


async def share_entry(
    uow: UnitOfWork,
    ids: ForeignIds,
    caller: Caller,
    id: uuid.UUID,
    expected_version: int,
    campaign_ids: list[str],
) -> HomebrewEntryRow:
    """Set the campaigns an entry is shared with (an empty list stops sharing). The author may
    share only with campaigns they take part in now (the campaign service says so, through
    the graph); campaigns it is already shared with stay, so a list can shrink after leaving."""
    author_id = caller.user_id
    parsed = {
        str(parse_id(value, "input", "campaignIds", str(index)))
        for index, value in enumerate(campaign_ids)
    }
    cleaned = sorted(parsed)
    if len(cleaned) > MAX_CAMPAIGNS:
        raise Rejected(
            Problem(("input", "campaignIds"), "TOO_MANY", f"At most {MAX_CAMPAIGNS} campaigns.")
        )
    async with uow:
        current = await _owned(HomebrewRepository(uow.session), author_id, id, expected_version)
        added = [uuid.UUID(value) for value in cleaned if value not in current.shared_campaign_ids]
    theirs = await ids.campaigns_of_caller(caller, added)
    missing = [
        Problem(
            ("input", "campaignIds", str(index)),
            "NOT_FOUND",
            f"You take part in no campaign {value}.",
        )
        for index, value in enumerate(campaign_ids)
        if uuid.UUID(value) in added and uuid.UUID(value) not in theirs
    ]
    if missing:
        raise Rejected(*missing)
    async with uow:
        repo = HomebrewRepository(uow.session)
        row = await _owned(repo, author_id, id, expected_version)
        row.shared_campaign_ids = cleaned
        await uow.session.flush()
        uow.emit("homebrew.updated", row.id, event_payload(row))
        await uow.commit()
        return row


# --- adaptation (reskin) ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Root:
    kind: str
    slug: str
    mechanics: dict[str, Any]
    balance: list[dict[str, Any]]
    info: dict[str, Any]  # what provenance records about the root


def _source_missing(slug: str) -> Rejected:
    return Rejected(
        Problem(("input", "sourceSlug"), "SOURCE_NOT_FOUND", f"No entry {slug!r} you can read.")
    )


async def _srd_root(uow: UnitOfWork, slug: str) -> _Root:
    kind = slug.split("/", 1)[0]
    if kind not in READERS:
        raise Rejected(
            Problem(
                ("input", "sourceSlug"),
                "KIND_NOT_ADAPTABLE",
                f"Only these kinds can be adapted: {', '.join(READERS)}.",
            )
        )
    model: Any = SpellRow if kind == "spell" else ENTRY_MODELS[kind]
    statement = select(model).where(model.slug == slug, model.is_deleted.is_(False))
    row = (await uow.session.execute(statement)).scalar_one_or_none()
    if row is None:
        raise _source_missing(slug)
    source = await uow.session.execute(
        select(CatalogSourceRow).where(CatalogSourceRow.name == row.document)
    )
    document = source.scalars().first()
    return _Root(
        kind,
        slug,
        srd_mechanics(kind, row),
        [],  # SRD content is the yardstick itself
        {
            "slug": slug,
            "name": row.name,
            "origin": row.source.lower(),  # "srd"
            "document": row.document,
            "license": row.license,
            "attribution": None if document is None else document.attribution,
        },
    )


def _homebrew_root(row: HomebrewEntryRow) -> _Root:
    return _Root(
        row.kind,
        row.slug,
        dict(row.mechanics),
        list(row.balance),
        {"slug": row.slug, "name": row.name, "origin": row.origin, "authorId": str(row.author_id)},
    )


async def _find_root(uow: UnitOfWork, reader: Reader, slug: str) -> _Root:
    """The entry to branch from: ``slug`` itself, or, for an adaptation, its original root."""
    if not slug.startswith(HOMEBREW_PREFIX):
        return await _srd_root(uow, slug)
    repo = HomebrewRepository(uow.session)
    source = await repo.by_slug(slug)
    if source is None or not await readable(uow.session, source, reader):
        raise _source_missing(slug)
    if source.root_slug is None:
        return _homebrew_root(source)
    # An adaptation of an adaptation branches from the original root, never from the copy.
    if not source.root_slug.startswith(HOMEBREW_PREFIX):
        return await _srd_root(uow, source.root_slug)
    statement = select(HomebrewEntryRow).where(HomebrewEntryRow.slug == source.root_slug)
    root = (await uow.session.execute(statement)).scalar_one_or_none()
    if root is None:  # cannot happen (slugs are never reused), kept for safety
        raise _source_missing(source.root_slug)
    return _homebrew_root(root)


async def adapt_entry(
    uow: UnitOfWork, author_id: uuid.UUID, adaptation: Adaptation
) -> HomebrewEntryRow:
    """A reskin: new name, flavour and theme tags; the root's mechanics, unchanged."""
    problems = _Problems()
    _check_name(adaptation.name, problems)
    _check_description(adaptation.description, problems)
    tags = _clean_tags(adaptation.theme_tags, problems)
    theme = adaptation.theme.strip()
    if not theme or len(theme) > MAX_THEME:
        problems.add("theme", "THEME_REQUIRED", f"Name the theme in 1-{MAX_THEME} characters.")
    problems.extend(check_single_line(theme, ("input", "theme")))
    problems.raise_any()

    async def attempt() -> HomebrewEntryRow:
        async with uow:
            repo = HomebrewRepository(uow.session)
            if adaptation.idempotency_key:
                earlier = await repo.by_idempotency_key(author_id, adaptation.idempotency_key)
                if earlier is not None:
                    return earlier
            root = await _find_root(uow, Reader(str(author_id)), adaptation.source_slug.strip())
            row = await _add_new(
                repo,
                HomebrewEntryRow(
                    kind=root.kind,
                    slug=await _new_slug(repo, author_id, root.kind, adaptation.name),
                    name=adaptation.name.strip(),
                    description=adaptation.description,
                    theme_tags=tags,
                    mechanics=root.mechanics,
                    author_id=author_id,
                    origin="adapted",
                    provenance={
                        "theme": theme,
                        "root": root.info,
                        "adaptedFrom": adaptation.source_slug.strip(),
                    },
                    root_slug=root.slug,
                    visibility="PRIVATE",
                    shared_campaign_ids=[],
                    balance=root.balance,
                    idempotency_key=adaptation.idempotency_key,
                ),
            )
            uow.emit("homebrew.created", row.id, event_payload(row))
            await uow.commit()
            return row

    return await _retrying_slug_races(attempt)
