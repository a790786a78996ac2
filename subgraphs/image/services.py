"""Use cases of the image service. No GraphQL here: plain values in, rows or problems out.

Generation happens outside any transaction (a slow provider must not hold a connection); what
it made is then stored with ``store.save_version``: objects and rows together or not at all.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass, replace

from infra.db.errors import ConcurrencyConflict, NotFound
from infra.db.unit_of_work import UnitOfWork
from infra.storage import ObjectStorage
from subgraphs.image import checks
from subgraphs.image.checks import MAX_ALT_TEXT, MAX_SEED
from subgraphs.image.domain import DomainReader
from subgraphs.image.generator import (
    GeneratedImage,
    ImageGenerationFailed,
    ImageGenerator,
    ImageRequest,
)
from subgraphs.image.inspection import ACCEPTED_CONTENT_TYPES, ImageRejected, inspect_image
from subgraphs.image.layout import MapStyle
from subgraphs.image.limits import ImageRateLimit, RateLimited
from subgraphs.image.looks import character_look
from subgraphs.image.models import AssetKind, AssetRow, AssetVersionRow, Operation
from subgraphs.image.offline.effect import MAX_FEET, AreaShape
from subgraphs.image.offline.item import ItemFacts
from subgraphs.image.offline.region import Place
from subgraphs.image.offline.tactical import MAX_SIDE, MIN_SIDE
from subgraphs.image.processing import strip_metadata
from subgraphs.image.repository import AssetRepository, VersionRepository
from subgraphs.image.specs import (
    EffectSpec,
    HandoutSpec,
    ItemSpec,
    LocationSpec,
    PortraitSpec,
    RegionSpec,
    Spec,
    TacticalSpec,
    TokenSpec,
    spec_from_json,
    spec_json,
)
from subgraphs.image.store import (
    Picture,
    event_payload,
    new_version,
    save_version,
    trash_objects,
    untrash_objects,
)
from subgraphs.kit.foreign_ids import Caller, ForeignIds, require_own_character
from subgraphs.kit.idempotency import check_idempotency_key, create_once, earlier_result
from subgraphs.kit.outcomes import Problem, Rejected

log = logging.getLogger("dndcreator.image")

MAX_NAME = 120
MAX_HANDOUT_TEXT = 3000
MAX_PLACES = 40
REUSABLE_KINDS = frozenset({AssetKind.ITEM, AssetKind.TOKEN})


@dataclass(frozen=True)
class ImagePorts:
    """The infrastructure the use cases need besides the database."""

    storage: ObjectStorage
    generator: ImageGenerator
    domain: DomainReader
    rate_limit: ImageRateLimit


@dataclass(frozen=True)
class GenerateRequest:
    """What to draw. Besides kind, prompt and seed, each kind reads its own fields."""

    kind: AssetKind
    prompt: str = ""
    seed: int | None = None  # None: pick one at random (it is recorded, so it can be reused)
    character_id: uuid.UUID | None = None  # PORTRAIT, TOKEN
    catalog_slug: str | None = None  # ITEM, TOKEN (creature), EFFECT (spell)
    encounter_id: uuid.UUID | None = None  # MAP_TACTICAL: the fight it is for
    name: str = ""  # a token's or location's name, a map's or handout's title
    text: str = ""  # HANDOUT
    side: str | None = None  # TOKEN: PLAYER_CHARACTER (a character's default), CREATURE, NPC
    map_style: MapStyle | None = None
    map_width: int = 24
    map_height: int = 16
    places: tuple[Place, ...] = ()
    area_shape: AreaShape | None = None
    area_feet: int | None = None
    line_width_feet: int = 5
    idempotency_key: str | None = None


@dataclass(frozen=True)
class Generated:
    asset: AssetRow
    reused: bool = False  # an existing picture of the catalog entry was handed back


@dataclass(frozen=True)
class Upload:
    kind: AssetKind
    content_type: str
    data_base64: str
    character_id: uuid.UUID | None = None
    alt_text: str | None = None
    idempotency_key: str | None = None


# -- checks ---------------------------------------------------------------------------------


def _within(
    value: int, low: int, high: int, path: tuple[str, ...], code: str, what: str
) -> list[Problem]:
    if low <= value <= high:
        return []
    return [Problem(path, code, f"{what} must be {low} to {high} (got {value}).")]


def _check_request(request: GenerateRequest) -> list[Problem]:
    kind = request.kind
    problems = (
        checks.check_prompt(request.prompt, required=kind is AssetKind.PORTRAIT)
        + checks.check_seed(request.seed)
        + check_idempotency_key(request.idempotency_key)
        + checks.check_text(
            request.name, ("input", "name"), required=False, limit=MAX_NAME, what="name"
        )
    )
    if kind is AssetKind.PORTRAIT and request.character_id is None:
        problems.append(
            Problem(("input", "characterId"), "CHARACTER_REQUIRED", "Say whose portrait it is.")
        )
    if (
        kind is AssetKind.TOKEN
        and request.character_id is None
        and not request.catalog_slug
        and not request.name
    ):
        problems.append(
            Problem(
                ("input", "characterId"),
                "SUBJECT_REQUIRED",
                "Give a characterId, a creature's catalogSlug or a name.",
            )
        )
    if kind is AssetKind.ITEM and not request.catalog_slug and not request.name:
        problems.append(
            Problem(
                ("input", "catalogSlug"),
                "SUBJECT_REQUIRED",
                "Give the item's catalogSlug or a name.",
            )
        )
    if kind is AssetKind.MAP_TACTICAL:
        problems += _within(
            request.map_width,
            MIN_SIDE,
            MAX_SIDE,
            ("input", "map", "width"),
            "MAP_SIZE_OUT_OF_RANGE",
            "A map's width in squares",
        )
        problems += _within(
            request.map_height,
            MIN_SIDE,
            MAX_SIDE,
            ("input", "map", "height"),
            "MAP_SIZE_OUT_OF_RANGE",
            "A map's height in squares",
        )
    if kind is AssetKind.MAP_CAMPAIGN:
        if not 1 <= len(request.places) <= MAX_PLACES:
            problems.append(
                Problem(("input", "places"), "PLACES_REQUIRED", f"Give 1 to {MAX_PLACES} places.")
            )
        for index, place in enumerate(request.places):
            at = ("input", "places", str(index))
            problems += checks.check_text(
                place.name, (*at, "name"), required=True, limit=MAX_NAME, what="place's name"
            )
            for axis, value in (("x", place.x), ("y", place.y)):
                if value is not None and not 0 <= value <= 1:
                    problems.append(
                        Problem(
                            (*at, axis),
                            "POSITION_OUT_OF_RANGE",
                            f"{axis} runs from 0 (left/top) to 1.",
                        )
                    )
    if kind is AssetKind.EFFECT and not request.catalog_slug:
        if request.area_shape is None:
            problems.append(
                Problem(
                    ("input", "area", "shape"),
                    "AREA_REQUIRED",
                    "Give a spell's catalogSlug or an area shape and size.",
                )
            )
        if request.area_feet is None or not 5 <= request.area_feet <= MAX_FEET:
            problems.append(
                Problem(
                    ("input", "area", "sizeFeet"),
                    "AREA_SIZE_OUT_OF_RANGE",
                    f"An area is 5 to {MAX_FEET} feet.",
                )
            )
    if kind is AssetKind.EFFECT:
        problems += _within(
            request.line_width_feet,
            5,
            60,
            ("input", "area", "widthFeet"),
            "AREA_SIZE_OUT_OF_RANGE",
            "A line's width in feet",
        )
    if kind is AssetKind.HANDOUT:
        problems += checks.check_text(
            request.text,
            ("input", "text"),
            multi_line=True,
            required=True,
            limit=MAX_HANDOUT_TEXT,
            what="handout's text",
        )
    return problems


# -- specs from domain data ----------------------------------------------------------------------


async def _spec(ports: ImagePorts, caller: Caller, request: GenerateRequest) -> Spec:
    """What to draw, from the request and what other domains know (sheet, catalog entry)."""
    kind, prompt = request.kind, request.prompt
    if kind in (AssetKind.PORTRAIT, AssetKind.TOKEN) and request.character_id is not None:
        sheet = await ports.domain.sheet(caller.token, str(request.character_id))
        look = character_look(prompt, sheet)
        if not look.name and request.name:
            look = replace(look, name=request.name)
        if kind is AssetKind.PORTRAIT:
            return PortraitSpec(look)
        return TokenSpec(side=request.side or "PLAYER_CHARACTER", look=look)
    entry = await ports.domain.catalog_entry(request.catalog_slug) if request.catalog_slug else None
    if kind is AssetKind.TOKEN:
        if entry is None and request.catalog_slug and not request.name:
            raise Rejected(
                Problem(
                    ("input", "catalogSlug"),
                    "UNKNOWN_CATALOG_ENTRY",
                    f"No creature {request.catalog_slug!r} in the catalog.",
                )
            )
        name = entry.name if entry else request.name
        return TokenSpec(
            side=request.side or "CREATURE",
            creature_name=name,
            creature_type=entry.category if entry else prompt,
        )
    if kind is AssetKind.ITEM:
        if entry is None and not request.name:
            raise Rejected(
                Problem(
                    ("input", "catalogSlug"),
                    "UNKNOWN_CATALOG_ENTRY",
                    f"No item {request.catalog_slug!r} in the catalog.",
                )
            )
        facts = (
            ItemFacts(entry.name, entry.category, entry.rarity)
            if entry
            else ItemFacts(request.name)
        )
        return ItemSpec(facts)
    if kind is AssetKind.EFFECT:
        if request.catalog_slug:
            if entry is None or entry.area_shape is None or not entry.area_feet:
                raise Rejected(
                    Problem(
                        ("input", "catalogSlug"),
                        "SPELL_HAS_NO_AREA",
                        f"{request.catalog_slug!r} is not a spell with an area in the catalog.",
                    )
                )
            return EffectSpec(
                AreaShape(entry.area_shape), entry.area_feet, request.line_width_feet, entry.name
            )
        assert request.area_shape is not None and request.area_feet is not None
        return EffectSpec(
            request.area_shape, request.area_feet, request.line_width_feet, request.name
        )
    if kind is AssetKind.MAP_TACTICAL:
        return TacticalSpec(request.map_style, request.map_width, request.map_height)
    if kind is AssetKind.MAP_CAMPAIGN:
        return RegionSpec(request.name, request.places)
    if kind is AssetKind.LOCATION:
        return LocationSpec(request.name)
    return HandoutSpec(request.name, request.text)


# -- running the generator -------------------------------------------------------------------


async def _run(work: Awaitable[GeneratedImage]) -> GeneratedImage:
    try:
        return await work
    except ImageGenerationFailed as exc:
        raise Rejected(
            Problem(("input",), "GENERATION_FAILED", f"No image was made: {exc}")
        ) from None


async def _take_quota(ports: ImagePorts, caller: Caller) -> None:
    try:
        await ports.rate_limit.take(caller.user_id)
    except RateLimited as exc:
        raise Rejected(Problem(("input",), "RATE_LIMITED", str(exc))) from None


def _picture(image: GeneratedImage) -> Picture:
    return Picture(image.data, image.content_type, image.width, image.height)


def _version_fields(
    image: GeneratedImage, prompt: str, seed: int | None, spec: Spec | None
) -> dict[str, object]:
    return {
        "generator": image.generator,
        "prompt": prompt or None,
        "seed": seed,
        "alt_text": image.description[:MAX_ALT_TEXT],
        "spec": None if spec is None else spec_json(spec),
        "layout": image.layout,
        "derivatives": {},
    }


# -- use cases ------------------------------------------------------------------------------


async def _require_character(
    ids: ForeignIds, caller: Caller, character_id: uuid.UUID | None
) -> None:
    """A picture may belong only to a live character of the caller's own: the character service
    says so through the graph (``subgraphs.kit.foreign_ids``)."""
    if character_id is not None:
        await require_own_character(ids, caller, character_id, ("input", "characterId"))


async def generate_image(
    uow: UnitOfWork, ports: ImagePorts, ids: ForeignIds, caller: Caller, request: GenerateRequest
) -> Generated:
    request = _normalised(request)
    problems = _check_request(request)
    if problems:
        raise Rejected(*problems)
    if request.catalog_slug and request.kind in REUSABLE_KINDS and not request.prompt:
        async with uow:
            found = await AssetRepository(uow.session).reusable(
                caller.user_id, request.kind, request.catalog_slug
            )
        if found is not None:
            return Generated(found, reused=True)
    # A retry gets what its first attempt made, without checks or quota.
    earlier = await earlier_result(uow, AssetRepository, caller.user_id, request.idempotency_key)
    if earlier is None and request.kind is AssetKind.PORTRAIT:
        earlier = await _portrait_of(uow, caller.user_id, request)
    if earlier is not None:
        return Generated(earlier)
    await _require_character(ids, caller, request.character_id)
    await _take_quota(ports, caller)
    return Generated(
        await create_once(
            uow,
            AssetRepository,
            caller.user_id,
            request.idempotency_key,
            lambda: _generate_new(uow, ports, caller, request),
        )
    )


def _normalised(request: GenerateRequest) -> GenerateRequest:
    return replace(
        request,
        prompt=" ".join(request.prompt.split()),
        name=" ".join(request.name.split()),
        catalog_slug=(request.catalog_slug or "").strip() or None,
        places=tuple(
            replace(place, name=" ".join(place.name.split()), kind=place.kind.strip().lower())
            for place in request.places
        ),
    )


async def _current_portrait(
    assets: AssetRepository, owner_id: uuid.UUID, character_id: uuid.UUID
) -> AssetRow | None:
    found = await assets.newest_portraits([(character_id, owner_id)])
    return found.get((character_id, owner_id))


async def _portrait_of(
    uow: UnitOfWork, owner_id: uuid.UUID, request: GenerateRequest
) -> AssetRow | None:
    """A retried portrait request's earlier result, if its key was used for a version."""
    if not request.idempotency_key or request.character_id is None:
        return None
    async with uow:
        assets = AssetRepository(uow.session)
        earlier = await assets.by_idempotency_key(owner_id, request.idempotency_key)
        if earlier is not None:
            return earlier
        current = await _current_portrait(assets, owner_id, request.character_id)
        if current is None:
            return None
        versions = await VersionRepository(uow.session).of_asset(current.id)
        return (
            current if any(v.idempotency_key == request.idempotency_key for v in versions) else None
        )


PORTRAIT_ATTEMPTS = 3


async def _add_portrait_version(
    uow: UnitOfWork,
    ports: ImagePorts,
    caller: Caller,
    request: GenerateRequest,
    image: GeneratedImage,
    seed: int,
    spec: Spec,
) -> AssetRow | None:
    """A character has one portrait asset: drawing it again adds a version. None when it has no
    portrait yet. Two drawings at once both land, one after the other (the loser re-reads)."""
    assert request.character_id is not None
    for _ in range(PORTRAIT_ATTEMPTS):
        async with uow:
            assets = AssetRepository(uow.session)
            current = await _current_portrait(assets, caller.user_id, request.character_id)
            if current is None:
                return None
            if request.idempotency_key is not None:
                versions = await VersionRepository(uow.session).of_asset(current.id)
                if any(v.idempotency_key == request.idempotency_key for v in versions):
                    return current  # a concurrent retry of this very request won
        version = new_version(
            current.current_version + 1,
            current.current_version,
            Operation.GENERATED.value,
            **_version_fields(image, request.prompt, seed, spec),
        )
        version.idempotency_key = request.idempotency_key
        try:
            asset, _ = await save_version(
                uow,
                ports.storage,
                current,
                version,
                _picture(image),
                new_asset=False,
                expected_version=current.version,
            )
        except ConcurrencyConflict:
            continue
        return asset
    raise ConcurrencyConflict("Asset", request.character_id)


async def _generate_new(
    uow: UnitOfWork, ports: ImagePorts, caller: Caller, request: GenerateRequest
) -> AssetRow:
    spec = await _spec(ports, caller, request)
    seed = secrets.randbelow(MAX_SEED + 1) if request.seed is None else request.seed
    image = await _run(
        ports.generator.generate(ImageRequest(request.kind, request.prompt, seed, spec))
    )
    if request.kind is AssetKind.PORTRAIT:
        assert request.character_id is not None  # checked with the request
        added = await _add_portrait_version(uow, ports, caller, request, image, seed, spec)
        if added is not None:
            return added
    shared = bool(request.catalog_slug) and not request.prompt and request.kind in REUSABLE_KINDS
    asset = AssetRow(
        id=uuid.uuid4(),
        kind=request.kind.value,
        owner_id=caller.user_id,
        character_id=request.character_id,
        catalog_slug=request.catalog_slug,
        shared=shared,
        encounter_id=request.encounter_id,
        idempotency_key=request.idempotency_key,
    )
    version = new_version(
        1, None, Operation.GENERATED.value, **_version_fields(image, request.prompt, seed, spec)
    )
    asset, _ = await save_version(
        uow, ports.storage, asset, version, _picture(image), new_asset=True
    )
    return asset


@dataclass(frozen=True)
class Revision:
    """A new version of an existing asset: regenerated, edited, face-fixed or upscaled."""

    asset_id: uuid.UUID
    expected_version: int
    operation: Operation
    prompt: str | None = None  # None: keep the current one
    seed: int | None = None  # REGENERATE: None picks a new one; EDIT keeps the current one
    strength: float = 0.5
    scale: int = 2


async def _owned(
    uow: UnitOfWork, owner_id: uuid.UUID, asset_id: uuid.UUID, expected_version: int
) -> tuple[AssetRow, AssetVersionRow]:
    """The caller's live asset as of ``expected_version``, with its current version."""
    async with uow:
        asset = await AssetRepository(uow.session).require_for_change(
            asset_id, expected_version, allowed=lambda row: row.owner_id == owner_id
        )
        version = await VersionRepository(uow.session).number(asset.id, asset.current_version)
        assert version is not None  # an asset always has its current version
        return asset, version


async def revise(
    uow: UnitOfWork, ports: ImagePorts, caller: Caller, revision: Revision
) -> AssetRow:
    prompt = None if revision.prompt is None else " ".join(revision.prompt.split())
    problems = checks.check_seed(revision.seed)
    if prompt is not None:
        problems += checks.check_prompt(prompt, required=revision.operation is Operation.EDITED)
    if not 0.05 <= revision.strength <= 1:
        problems.append(
            Problem(("input", "strength"), "STRENGTH_OUT_OF_RANGE", "Strength runs from 0.05 to 1.")
        )
    if revision.scale not in (2, 4):
        problems.append(Problem(("input", "scale"), "SCALE_UNSUPPORTED", "Upscale by 2 or 4."))
    if problems:
        raise Rejected(*problems)
    asset, current = await _owned(uow, caller.user_id, revision.asset_id, revision.expected_version)
    if current.spec is None and revision.operation in (Operation.GENERATED, Operation.EDITED):
        raise Rejected(
            Problem(
                ("input", "id"),
                "NOT_GENERATED",
                "Only generated images can be regenerated or edited; upload a new file instead.",
            )
        )
    await _take_quota(ports, caller)
    kind = AssetKind(asset.kind)
    next_prompt = current.prompt or "" if prompt is None else prompt
    seed = current.seed
    if revision.operation is Operation.GENERATED:
        seed = secrets.randbelow(MAX_SEED + 1) if revision.seed is None else revision.seed
    spec = None if current.spec is None else spec_from_json(kind, current.spec)
    source = (await ports.storage.get(current.storage_key)).data
    generator = ports.generator
    if revision.operation is Operation.GENERATED:
        assert spec is not None and seed is not None
        work = generator.generate(ImageRequest(kind, next_prompt, seed, spec))
    elif revision.operation is Operation.EDITED:
        assert spec is not None and seed is not None
        work = generator.edit(
            ImageRequest(kind, next_prompt, seed, spec), source, revision.strength
        )
    elif revision.operation is Operation.FACE_FIXED:
        work = generator.fix_face(source)
    else:
        work = generator.upscale(source, revision.scale)
    image = await _run(work)
    fields = _version_fields(image, next_prompt, seed, spec)
    if revision.operation in (Operation.FACE_FIXED, Operation.UPSCALED):
        fields["layout"] = current.layout if revision.operation is Operation.FACE_FIXED else None
        fields["alt_text"] = (current.alt_text or "")[:MAX_ALT_TEXT] or fields["alt_text"]
    version = new_version(
        asset.current_version + 1, current.number, revision.operation.value, **fields
    )
    saved, _ = await save_version(
        uow,
        ports.storage,
        asset,
        version,
        _picture(image),
        new_asset=False,
        expected_version=revision.expected_version,
    )
    return saved


async def upload_asset(
    uow: UnitOfWork, ports: ImagePorts, ids: ForeignIds, caller: Caller, upload: Upload
) -> AssetRow:
    owner_id = caller.user_id
    content_type = checks.normalise_content_type(upload.content_type)
    problems = check_idempotency_key(upload.idempotency_key) + checks.check_alt_text(
        upload.alt_text
    )
    if content_type not in ACCEPTED_CONTENT_TYPES:
        problems.append(
            Problem(
                ("input", "contentType"),
                "UNSUPPORTED_CONTENT_TYPE",
                (
                    f"{upload.content_type!r} is not accepted: use image/png, image/jpeg or "
                    f"image/webp."
                ),
            )
        )
    if problems:
        raise Rejected(*problems)
    data = checks.decode_upload(upload.data_base64)
    try:
        facts = await asyncio.to_thread(inspect_image, data)
    except ImageRejected as exc:
        raise Rejected(Problem(("input", "dataBase64"), exc.code, str(exc))) from None
    if facts.content_type != content_type:
        raise Rejected(
            Problem(
                ("input", "contentType"),
                "CONTENT_TYPE_MISMATCH",
                f"The file is {facts.content_type}, not {content_type} as declared.",
            )
        )
    cleaned = await asyncio.to_thread(strip_metadata, data)
    if cleaned is not data:  # re-encoded: an EXIF rotation may have swapped the sides
        facts = await asyncio.to_thread(inspect_image, cleaned)
    asset = AssetRow(
        id=uuid.uuid4(),
        kind=upload.kind.value,
        owner_id=owner_id,
        character_id=upload.character_id,
        idempotency_key=upload.idempotency_key,
    )
    version = new_version(
        1,
        None,
        Operation.UPLOADED.value,
        alt_text=(upload.alt_text or "").strip() or None,
        derivatives={},
    )
    picture = Picture(cleaned, facts.content_type, facts.width, facts.height)

    async def save() -> AssetRow:
        # Checked when the asset is made, not on a retry that returns the one already made.
        await _require_character(ids, caller, upload.character_id)
        saved, _ = await save_version(uow, ports.storage, asset, version, picture, new_asset=True)
        return saved

    return await create_once(uow, AssetRepository, owner_id, upload.idempotency_key, save)


async def delete_asset(
    uow: UnitOfWork,
    storage: ObjectStorage,
    owner_id: uuid.UUID,
    id: uuid.UUID,
    expected_version: int,
) -> AssetRow:
    """Soft delete: the record stays (restorable), its objects move to the trash prefix and the
    asset stops being served at once; the purge job removes the objects after the retention."""
    async with uow:
        assets = AssetRepository(uow.session)
        # Someone else's asset is NotFound (its existence is not revealed); one deleted since
        # the caller read it is a VERSION_CONFLICT like any other change.
        row = await assets.require_for_change(
            id, expected_version, allowed=lambda asset: asset.owner_id == owner_id
        )
        versions = await VersionRepository(uow.session).of_asset(row.id)
        current = next(v for v in versions if v.number == row.current_version)
        await assets.soft_delete(row)
        uow.emit("asset.deleted", row.id, event_payload(row, current))
        await uow.commit()
    # After the commit: a failure here leaves objects in place, but nothing serves them and the
    # purge job removes them from either place.
    await trash_objects(storage, versions)
    return row


async def restore_asset(
    uow: UnitOfWork,
    storage: ObjectStorage,
    owner_id: uuid.UUID,
    id: uuid.UUID,
    expected_version: int,
) -> AssetRow:
    """Undo a deletion while the objects are still in the trash."""
    async with uow:
        assets = AssetRepository(uow.session)
        row = await assets.get(id, including_deleted=True)
        if row is None or row.owner_id != owner_id:
            raise NotFound("Asset", id)
        if not row.is_deleted:
            return row
        if row.purged_at is not None:
            raise Rejected(
                Problem(
                    ("input", "id"),
                    "ALREADY_PURGED",
                    "The asset was deleted too long ago; its files are gone.",
                )
            )
        versions = await VersionRepository(uow.session).of_asset(row.id)
    await untrash_objects(storage, versions)
    async with uow:
        assets = AssetRepository(uow.session)
        row = await assets.require(id, including_deleted=True)
        await assets.restore(row, expected_version=expected_version)
        current = next(v for v in versions if v.number == row.current_version)
        uow.emit("asset.restored", row.id, event_payload(row, current))
        await uow.commit()
        return row
