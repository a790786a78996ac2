"""Use cases of the image service. No GraphQL here: plain values in, rows or problems out.

Bytes go to object storage, the record to the database. The object is written first and the
transaction committed second; if the commit fails the object is removed again, so a failed
request leaves neither a row nor a file behind (and an invisible orphan at worst if even that
clean-up fails, never a row pointing at missing bytes).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass

from infra.db.unit_of_work import UnitOfWork
from infra.storage import ObjectStorage
from subgraphs.image.generator import ImageGenerationFailed, ImageGenerator, ImageRequest
from subgraphs.image.inspection import ACCEPTED_CONTENT_TYPES, ImageRejected, inspect_image
from subgraphs.image.models import AssetKind, AssetRow
from subgraphs.image.repository import AssetRepository
from subgraphs.kit.foreign_ids import Caller, ForeignIds, require_own_character
from subgraphs.kit.idempotency import check_idempotency_key, create_once
from subgraphs.kit.outcomes import Problem, Rejected
from subgraphs.kit.text import check_single_line

log = logging.getLogger("dndcreator.image")

MAX_PROMPT = 1000
MAX_ALT_TEXT = 500
MAX_SEED = 2**31 - 1  # seeds travel as GraphQL Int (32-bit signed)
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Base64 turns every 3 bytes into 4 characters: anything longer cannot be within the limit.
MAX_UPLOAD_BASE64 = 4 * -(-MAX_UPLOAD_BYTES // 3)
CONTENT_TYPE_ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg"}
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}


@dataclass(frozen=True)
class ImagePorts:
    """The infrastructure the use cases need besides the database."""

    storage: ObjectStorage
    generator: ImageGenerator


@dataclass(frozen=True)
class PortraitRequest:
    character_id: uuid.UUID
    prompt: str
    seed: int | None = None  # None: pick one at random (it is recorded, so it can be reused)
    idempotency_key: str | None = None


@dataclass(frozen=True)
class Upload:
    kind: AssetKind
    content_type: str
    data_base64: str
    character_id: uuid.UUID | None = None
    alt_text: str | None = None
    idempotency_key: str | None = None


# -- input checks ---------------------------------------------------------------------------------


def _check_prompt(prompt: str) -> list[Problem]:
    if not prompt:
        return [Problem(("input", "prompt"), "PROMPT_REQUIRED", "Describe the portrait you want.")]
    invalid = check_single_line(prompt, ("input", "prompt"), code="PROMPT_INVALID_CHARACTERS")
    if invalid:
        return invalid
    if len(prompt) > MAX_PROMPT:
        return [
            Problem(
                ("input", "prompt"),
                "PROMPT_TOO_LONG",
                f"Prompts are at most {MAX_PROMPT} characters (this one has {len(prompt)}).",
            )
        ]
    return []


def _check_seed(seed: int | None) -> list[Problem]:
    if seed is not None and not 0 <= seed <= MAX_SEED:
        return [
            Problem(("input", "seed"), "SEED_OUT_OF_RANGE", f"The seed must be 0 to {MAX_SEED}.")
        ]
    return []


def _check_alt_text(alt_text: str | None) -> list[Problem]:
    if alt_text is not None and len(alt_text) > MAX_ALT_TEXT:
        return [
            Problem(
                ("input", "altText"),
                "ALT_TEXT_TOO_LONG",
                f"Alt text is at most {MAX_ALT_TEXT} characters.",
            )
        ]
    return check_single_line(alt_text, ("input", "altText"), code="ALT_TEXT_INVALID_CHARACTERS")


def normalise_content_type(declared: str) -> str:
    cleaned = declared.strip().lower()
    return CONTENT_TYPE_ALIASES.get(cleaned, cleaned)


def _too_large() -> Problem:
    return Problem(
        ("input", "dataBase64"),
        "FILE_TOO_LARGE",
        f"Files are at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.",
    )


def decode_upload(data_base64: str) -> bytes:
    """The uploaded bytes, or ``Rejected`` saying what is wrong with the base64 text."""
    compact = "".join(data_base64.split())  # line breaks from base64 tools are fine
    if not compact:
        raise Rejected(Problem(("input", "dataBase64"), "DATA_REQUIRED", "The file is empty."))
    if len(compact) > MAX_UPLOAD_BASE64:
        raise Rejected(_too_large())  # refuse before spending memory on decoding it
    try:
        data = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise Rejected(
            Problem(
                ("input", "dataBase64"),
                "INVALID_BASE64",
                "dataBase64 is not valid base64 (standard alphabet, with padding).",
            )
        ) from None
    if len(data) > MAX_UPLOAD_BYTES:
        raise Rejected(_too_large())
    return data


# -- storing --------------------------------------------------------------------------------------


def _storage_key(row: AssetRow) -> str:
    return f"{row.kind.lower()}s/{row.id}.{EXTENSIONS.get(row.content_type, 'bin')}"


def _event_payload(row: AssetRow) -> dict[str, object]:
    return {
        "id": str(row.id),
        "ownerId": str(row.owner_id),
        "characterId": None if row.character_id is None else str(row.character_id),
        "kind": row.kind,
        "contentType": row.content_type,
        "byteSize": row.byte_size,
        "sha256": row.sha256,
        "generator": row.generator,
    }


async def _discard(storage: ObjectStorage, key: str) -> None:
    try:
        await storage.delete(key)
    except Exception:  # the original failure matters more; an orphaned object is harmless
        log.exception("could not remove object %s after a failed save", key)


async def _save(uow: UnitOfWork, storage: ObjectStorage, row: AssetRow, data: bytes) -> AssetRow:
    """Store ``data`` and commit ``row`` with its ``asset.created`` event: both or neither."""
    row.byte_size = len(data)
    row.sha256 = hashlib.sha256(data).hexdigest()
    row.storage_key = _storage_key(row)
    async with uow:
        await AssetRepository(uow.session).add(row)
        uow.emit("asset.created", row.id, _event_payload(row))
        await storage.put(row.storage_key, data, row.content_type)
        try:
            await uow.commit()
        except BaseException:
            await _discard(storage, row.storage_key)
            raise
    return row


# -- the character an asset belongs to ------------------------------------------------------------


async def _require_character(
    ids: ForeignIds, caller: Caller, character_id: uuid.UUID | None
) -> None:
    """An asset may belong only to a character of the caller's own, one that exists now: the
    character service says so through the graph (``subgraphs.kit.foreign_ids``). Checked when
    the asset is made, not on a retry that returns the one already made."""
    if character_id is not None:
        await require_own_character(ids, caller, character_id, ("input", "characterId"))


# -- use cases ------------------------------------------------------------------------------------


async def generate_portrait(
    uow: UnitOfWork, ports: ImagePorts, ids: ForeignIds, caller: Caller, request: PortraitRequest
) -> AssetRow:
    owner_id = caller.user_id
    prompt = " ".join(request.prompt.split())
    problems = (
        _check_prompt(prompt)
        + _check_seed(request.seed)
        + check_idempotency_key(request.idempotency_key)
    )
    if problems:
        raise Rejected(*problems)
    # A retried request gets the portrait it already made.
    return await create_once(
        uow,
        AssetRepository,
        owner_id,
        request.idempotency_key,
        lambda: _generate_and_save(uow, ports, ids, caller, prompt, request),
    )


async def _generate_and_save(
    uow: UnitOfWork,
    ports: ImagePorts,
    ids: ForeignIds,
    caller: Caller,
    prompt: str,
    request: PortraitRequest,
) -> AssetRow:
    await _require_character(ids, caller, request.character_id)
    owner_id = caller.user_id
    seed = secrets.randbelow(MAX_SEED + 1) if request.seed is None else request.seed
    # Generation happens outside any transaction: a slow provider must not hold a connection.
    try:
        image = await ports.generator.generate(ImageRequest(prompt=prompt, seed=seed))
    except ImageGenerationFailed as exc:
        raise Rejected(
            Problem(("input", "prompt"), "GENERATION_FAILED", f"No image was made: {exc}")
        ) from None
    row = AssetRow(
        id=uuid.uuid4(),
        kind=AssetKind.PORTRAIT.value,
        content_type=image.content_type,
        width=image.width,
        height=image.height,
        owner_id=owner_id,
        character_id=request.character_id,
        generator=ports.generator.name,
        prompt=prompt,
        seed=seed,
        alt_text=image.description[:MAX_ALT_TEXT],
        idempotency_key=request.idempotency_key,
    )
    return await _save(uow, ports.storage, row, image.data)


async def upload_asset(
    uow: UnitOfWork, ports: ImagePorts, ids: ForeignIds, caller: Caller, upload: Upload
) -> AssetRow:
    owner_id = caller.user_id
    content_type = normalise_content_type(upload.content_type)
    problems = check_idempotency_key(upload.idempotency_key) + _check_alt_text(upload.alt_text)
    if content_type not in ACCEPTED_CONTENT_TYPES:
        problems.append(
            Problem(
                ("input", "contentType"),
                "UNSUPPORTED_CONTENT_TYPE",
                f"{upload.content_type!r} is not accepted: "
                "use image/png, image/jpeg or image/webp.",
            )
        )
    if problems:
        raise Rejected(*problems)
    data = decode_upload(upload.data_base64)
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
    row = AssetRow(
        id=uuid.uuid4(),
        kind=upload.kind.value,
        content_type=facts.content_type,
        width=facts.width,
        height=facts.height,
        owner_id=owner_id,
        character_id=upload.character_id,
        alt_text=(upload.alt_text or "").strip() or None,
        idempotency_key=upload.idempotency_key,
    )

    async def check_and_save() -> AssetRow:
        await _require_character(ids, caller, upload.character_id)
        return await _save(uow, ports.storage, row, data)

    return await create_once(uow, AssetRepository, owner_id, upload.idempotency_key, check_and_save)


async def delete_asset(
    uow: UnitOfWork, owner_id: uuid.UUID, id: uuid.UUID, expected_version: int
) -> AssetRow:
    """Soft delete: the record and the bytes stay (restorable); the asset stops being served."""
    async with uow:
        assets = AssetRepository(uow.session)
        # Someone else's asset is NotFound: its existence is not revealed.
        row = await assets.require_for_change(
            id, expected_version, allowed=lambda asset: asset.owner_id == owner_id
        )
        await assets.soft_delete(row)
        uow.emit("asset.deleted", row.id, _event_payload(row))
        await uow.commit()
        return row
