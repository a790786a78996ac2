"""``renderEncounter``: an encounter's combatants as tokens on its battle map, per viewer.

The encounter is read through the router *as the caller*, so the campaign service's knowledge
policy decides what is drawn: a player never gets hidden combatants (they are simply absent),
the game master gets them and sees them as ghosts. Each viewer has a render asset of their own
for the encounter; rendering again after a change adds a version, and rendering when nothing
drawn has changed returns the current one (``unchanged``), so clients may call it on every
``combatState`` update.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from dataclasses import asdict, dataclass

from infra.db.errors import NotFound
from infra.db.unit_of_work import UnitOfWork
from infra.storage import ObjectNotFoundError
from subgraphs.image.domain import DomainUnavailable, EncounterView
from subgraphs.image.layout import TacticalLayout
from subgraphs.image.models import AssetKind, AssetRow, AssetVersionRow, Operation
from subgraphs.image.offline.canvas import encode_png
from subgraphs.image.offline.encounter import SQUARES, Figure, Placement, draw_encounter
from subgraphs.image.repository import AssetRepository, VersionRepository
from subgraphs.image.services import ImagePorts
from subgraphs.image.store import Picture, new_version, save_version
from subgraphs.kit.foreign_ids import Caller
from subgraphs.kit.outcomes import Problem, Rejected

RENDERER = "offline"


@dataclass(frozen=True)
class Rendered:
    asset: AssetRow
    placements: tuple[Placement, ...]
    unchanged: bool
    portraits: dict[str, str]  # combatant ID -> the portrait asset its token was cut from


async def _view(ports: ImagePorts, caller: Caller, encounter_id: uuid.UUID) -> EncounterView:
    try:
        view = await ports.domain.encounter(caller.token, str(encounter_id))
    except DomainUnavailable as exc:
        raise Rejected(
            Problem(
                ("input", "encounterId"),
                "ENCOUNTER_UNAVAILABLE",
                f"The encounter could not be read: {exc}",
            )
        ) from None
    if view is None:
        raise NotFound("Encounter", encounter_id)  # absent for this caller: say no more
    return view


async def _map(
    uow: UnitOfWork,
    caller: Caller,
    view: EncounterView,
    encounter_id: uuid.UUID,
    wanted: uuid.UUID | None,
) -> tuple[AssetRow, AssetVersionRow]:
    named_by_encounter = uuid.UUID(view.map_asset_id) if view.map_asset_id else None
    named = wanted or named_by_encounter
    async with uow:
        assets = AssetRepository(uow.session)
        if named is not None:
            row = await assets.get(named)
            # A map serves this encounter if it is the caller's, was made for the encounter, or
            # the encounter itself names it (then whoever sees the encounter sees the map).
            usable = (
                row is not None
                and row.kind == AssetKind.MAP_TACTICAL.value
                and row.source_asset_id is None
                and (
                    row.owner_id == caller.user_id
                    or row.encounter_id == encounter_id
                    or named == named_by_encounter
                )
            )
            if not usable:
                raise Rejected(
                    Problem(
                        ("input", "mapAssetId"),
                        "MAP_NOT_FOUND",
                        "No battle map with that ID for this encounter.",
                    )
                )
        else:
            row = await assets.newest_map_of(encounter_id)
            if row is None:
                raise Rejected(
                    Problem(
                        ("input", "encounterId"),
                        "MAP_REQUIRED",
                        (
                            "The encounter has no battle map yet: generate a MAP_TACTICAL image "
                            "with map.encounterId."
                        ),
                    )
                )
        assert row is not None
        version = await VersionRepository(uow.session).number(row.id, row.current_version)
        if version is None or version.layout is None:
            raise Rejected(
                Problem(
                    ("input", "mapAssetId"),
                    "MAP_HAS_NO_LAYOUT",
                    "That image is not a generated battle map.",
                )
            )
        return row, version


async def _faces(
    uow: UnitOfWork, ports: ImagePorts, portraits: dict[str, str]
) -> dict[str, tuple[str, bytes]]:
    """Character ID -> (fingerprint, bytes) of the portrait its token is cut from. The router
    handed out each portrait ID to the caller, so the caller may see it."""
    found: dict[str, tuple[str, bytes]] = {}
    for character_id, asset_id in portraits.items():
        async with uow:
            asset = await AssetRepository(uow.session).get(uuid.UUID(asset_id))
            version = (
                None
                if asset is None
                else await VersionRepository(uow.session).number(asset.id, asset.current_version)
            )
        if version is None:
            continue
        thumb = version.derivatives.get("thumb-512")  # smaller to decode than the original
        key = thumb["key"] if thumb else version.storage_key
        try:
            found[character_id] = (version.sha256, (await ports.storage.get(key)).data)
        except ObjectNotFoundError:
            continue  # a token drawn from the sheet instead
    return found


async def _figures(
    uow: UnitOfWork, ports: ImagePorts, caller: Caller, view: EncounterView
) -> tuple[list[Figure], dict[str, bytes]]:
    slugs = sorted({c.creature_slug for c in view.combatants if c.creature_slug})
    entries = dict(
        zip(
            slugs,
            await asyncio.gather(*(ports.domain.catalog_entry(s) for s in slugs)),
            strict=True,
        )
    )
    characters = sorted({c.character_id for c in view.combatants if c.character_id})
    sheets = dict(
        zip(
            characters,
            await asyncio.gather(*(ports.domain.sheet(caller.token, c) for c in characters)),
            strict=True,
        )
    )
    portraits = {c: sheet.portrait_id for c, sheet in sheets.items() if sheet and sheet.portrait_id}
    faces = await _faces(uow, ports, portraits)
    figures, figure_faces = [], {}
    for combatant in view.combatants:
        entry = entries.get(combatant.creature_slug or "")
        face = faces.get(combatant.character_id or "")
        if face is not None:
            figure_faces[combatant.id] = face[1]
        figures.append(
            Figure(
                id=combatant.id,
                name=combatant.name,
                kind=combatant.kind,
                squares=SQUARES.get((entry.size if entry else "").upper(), 1),
                position=combatant.position,
                conditions=combatant.conditions,
                down=combatant.down,
                hidden=combatant.hidden,
                current=combatant.id == view.current_combatant_id,
                hp=(combatant.current_hp, combatant.max_hp),
                creature_type=entry.category if entry else "",
                sheet=sheets.get(combatant.character_id or ""),
                face="" if face is None else face[0],
            )
        )
    return figures, figure_faces


def _fingerprint(view: EncounterView, figures: list[Figure], map_asset: AssetRow) -> str:
    drawn = {
        "map": [str(map_asset.id), map_asset.current_version],
        "name": view.name,
        "figures": [asdict(figure) for figure in figures],
    }
    return hashlib.sha256(json.dumps(drawn, sort_keys=True, default=str).encode()).hexdigest()


def _placements(spec: dict[str, object] | None) -> tuple[Placement, ...]:
    stored = (spec or {}).get("placements") or []
    assert isinstance(stored, list)
    return tuple(Placement(**p) for p in stored)


def _portraits(spec: dict[str, object] | None) -> dict[str, str]:
    stored = (spec or {}).get("portraits") or {}
    assert isinstance(stored, dict)
    return {str(k): str(v) for k, v in stored.items()}


async def render_encounter(
    uow: UnitOfWork,
    ports: ImagePorts,
    caller: Caller,
    encounter_id: uuid.UUID,
    map_asset_id: uuid.UUID | None = None,
) -> Rendered:
    view = await _view(ports, caller, encounter_id)
    map_asset, map_version = await _map(uow, caller, view, encounter_id, map_asset_id)
    figures, faces = await _figures(uow, ports, caller, view)
    portraits = {
        f.id: f.sheet.portrait_id
        for f in figures
        if f.id in faces and f.sheet and f.sheet.portrait_id
    }
    fingerprint = _fingerprint(view, figures, map_asset)
    async with uow:
        earlier = await AssetRepository(uow.session).render_of(caller.user_id, encounter_id)
        current = (
            None
            if earlier is None
            else await VersionRepository(uow.session).number(earlier.id, earlier.current_version)
        )
    if (
        earlier is not None
        and current is not None
        and (current.spec or {}).get("fingerprint") == fingerprint
    ):
        return Rendered(
            earlier, _placements(current.spec), unchanged=True, portraits=_portraits(current.spec)
        )
    map_png = (await ports.storage.get(map_version.storage_key)).data
    layout = TacticalLayout.from_json(map_version.layout or {})
    title = f"{view.name} - round {view.round}" if view.round else view.name

    def draw() -> tuple[bytes, int, int, list[Placement]]:
        image, placements = draw_encounter(map_png, layout, figures, title, faces)
        return encode_png(image), image.width, image.height, placements

    data, width, height, placements = await asyncio.to_thread(draw)
    shown = sum(1 for f in figures if not f.hidden)
    fields = {
        "generator": RENDERER,
        "prompt": None,
        "seed": None,
        "alt_text": f"{view.name}: {shown} combatants on the battle map (drawn by code).",
        "spec": {
            "fingerprint": fingerprint,
            "encounterVersion": view.version,
            "placements": [asdict(p) for p in placements],
            "portraits": portraits,
        },
        "layout": map_version.layout,
        "derivatives": {},
    }
    picture = Picture(data, "image/png", width, height)
    if earlier is None:
        asset = AssetRow(
            id=uuid.uuid4(),
            kind=AssetKind.MAP_TACTICAL.value,
            owner_id=caller.user_id,
            encounter_id=encounter_id,
            source_asset_id=map_asset.id,
        )
        version = new_version(1, None, Operation.RENDERED.value, **fields)
        saved, _ = await save_version(uow, ports.storage, asset, version, picture, new_asset=True)
    else:
        version = new_version(
            earlier.current_version + 1, earlier.current_version, Operation.RENDERED.value, **fields
        )
        saved, _ = await save_version(
            uow,
            ports.storage,
            earlier,
            version,
            picture,
            new_asset=False,
            expected_version=earlier.version,
        )
    return Rendered(saved, tuple(placements), unchanged=False, portraits=portraits)
