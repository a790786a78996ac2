"""Use cases of the llm service. No GraphQL here: plain values in, rows or problems out.

Every generation follows one path (``produce``): admission (rate limit, quota), the catalog
lookup (reuse first, ``catalog.py``), the purpose's request, the pipeline (cache, models,
fallback), then one transaction that stores the row, adds the tokens to the user's usage and
emits ``content.generated``. Generation itself runs outside any transaction (a hosted model can
take seconds; a database connection must not wait on it).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from infra.db.unit_of_work import UnitOfWork
from subgraphs.kit.idempotency import check_idempotency_key, create_once
from subgraphs.kit.outcomes import Problem, Rejected
from subgraphs.llm import usage
from subgraphs.llm.catalog import NOT_CONSULTED, Consultation
from subgraphs.llm.generator import Completion, Message, Priority, TextGenerationFailed
from subgraphs.llm.models import GenerationRow, GenerationStatus, Purpose
from subgraphs.llm.pipeline import Generating, spent
from subgraphs.llm.purposes import PURPOSES
from subgraphs.llm.repository import GenerationRepository

MAX_PROMPT_CHARS = 4000
ALLOWED_CONTROL = frozenset("\n\r\t")


@dataclass(frozen=True)
class GenerationRequest:
    prompt: str
    purpose: Purpose = Purpose.GENERAL
    idempotency_key: str | None = None


@dataclass(frozen=True)
class Order:
    """One generation to produce: the purpose, its inputs, and what to keep with it."""

    purpose: Purpose
    inputs: Mapping[str, Any]
    prompt: str  # what the player asked, as shown in ``Generation.prompt``
    concept: str | None  # what to ask the catalog about; None: do not ask
    idempotency_key: str | None = None
    history: Sequence[Message] = ()
    thread_id: uuid.UUID | None = None
    parent_id: uuid.UUID | None = None
    priority: Priority = Priority.INTERACTIVE
    references: Sequence[str] = field(default_factory=tuple)  # known already (no lookup)


def _has_control_characters(text: str) -> bool:
    # NUL and friends: invisible, useless to a model, and PostgreSQL text cannot even hold NUL.
    return any((ord(ch) < 32 or ord(ch) == 127) and ch not in ALLOWED_CONTROL for ch in text)


def check_text(
    text: str, path: tuple[str, ...], *, limit: int = MAX_PROMPT_CHARS, code: str = "PROMPT"
) -> list[Problem]:
    """A free-text field: present, not too long, no control characters."""
    if not text:
        return [Problem(path, f"{code}_REQUIRED", f"Fill in {path[-1]}: it cannot be empty.")]
    if len(text) > limit:
        return [
            Problem(
                path,
                f"{code}_TOO_LONG",
                f"{path[-1]} is at most {limit} characters (this one has {len(text)}).",
            )
        ]
    if _has_control_characters(text):
        return [
            Problem(
                path,
                f"{code}_INVALID_CHARACTERS",
                f"{path[-1]} contains control characters; "
                "only text, line breaks and tabs are allowed.",
            )
        ]
    return []


def _event_payload(row: GenerationRow) -> dict[str, object]:
    # Token counts and provenance only: the prompt and text may be private and stay here.
    return {
        "id": str(row.id),
        "ownerId": str(row.owner_id),
        "purpose": row.purpose,
        "provider": row.provider,
        "model": row.model,
        "promptTokens": row.prompt_tokens,
        "completionTokens": row.completion_tokens,
        "status": row.status,
        "cached": row.cached,
        "catalogStatus": row.catalog_status,
        "catalogSlugs": [entry["slug"] for entry in row.catalog_entries],
    }


async def generate(
    uow: UnitOfWork, generating: Generating, owner_id: uuid.UUID, request: GenerationRequest
) -> GenerationRow:
    """Free text from a prompt."""
    prompt = request.prompt.strip()
    problems = check_text(prompt, ("input", "prompt")) + check_idempotency_key(
        request.idempotency_key
    )
    if problems:
        raise Rejected(*problems)
    order = Order(
        purpose=request.purpose,
        inputs={"prompt": prompt},
        prompt=prompt,
        concept=prompt,
        idempotency_key=request.idempotency_key,
    )
    return await produce(uow, generating, owner_id, order)


async def produce(
    uow: UnitOfWork, generating: Generating, owner_id: uuid.UUID, order: Order
) -> GenerationRow:
    async def generate_and_save() -> GenerationRow:
        await generating.admit(uow, owner_id, order.purpose.value)
        consultation = (
            await generating.catalog.consult(order.concept)  # never raises
            if order.concept is not None
            else NOT_CONSULTED
        )
        completion = await _complete(generating, order, consultation)
        row = _row(owner_id, order, consultation, completion)
        await save(uow, row, completion)
        return row

    # A retried request gets the text it already paid for.
    return await create_once(
        uow, GenerationRepository, owner_id, order.idempotency_key, generate_and_save
    )


def _references(order: Order, consultation: Consultation) -> list[str]:
    return [*order.references, *(entry.label for entry in consultation.entries)]


async def _complete(generating: Generating, order: Order, consultation: Consultation) -> Completion:
    request = PURPOSES[order.purpose.value].request(
        order.inputs,
        _references(order, consultation),
        history=order.history,
        priority=order.priority,
    )
    try:
        return await generating.complete(request)
    except TextGenerationFailed as exc:
        raise Rejected(
            Problem(("input",), "GENERATION_FAILED", f"Nothing was generated: {exc}")
        ) from None


def _row(
    owner_id: uuid.UUID, order: Order, consultation: Consultation, completion: Completion
) -> GenerationRow:
    status = GenerationStatus.TRUNCATED if completion.truncated else GenerationStatus.COMPLETED
    row_id = uuid.uuid4()
    return GenerationRow(
        id=row_id,
        prompt=order.prompt,
        purpose=order.purpose.value,
        output=completion.text,
        provider=completion.provider,
        model=completion.model,
        prompt_tokens=completion.prompt_tokens,
        completion_tokens=completion.completion_tokens,
        status=status.value,
        owner_id=owner_id,
        idempotency_key=order.idempotency_key,
        catalog_status=consultation.status.value,
        catalog_entries=[entry.as_json() for entry in consultation.entries],
        inputs=dict(order.inputs),
        data=completion.data,
        attempts=[attempt.as_json() for attempt in completion.attempts],
        cached=completion.cached,
        thread_id=order.thread_id or row_id,
        parent_id=order.parent_id,
    )


async def save(uow: UnitOfWork, row: GenerationRow, completion: Completion) -> None:
    """The row, its cost in the owner's usage and its event: one transaction."""
    async with uow:
        await GenerationRepository(uow.session).add(row)
        await usage.record(uow.session, row.owner_id, row.purpose, spent(completion))
        uow.emit("content.generated", row.id, _event_payload(row))
        await uow.commit()
