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
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from infra.db.unit_of_work import UnitOfWork
from subgraphs.kit.idempotency import check_idempotency_key, create_once
from subgraphs.kit.outcomes import Problem, Rejected
from subgraphs.kit.text import check_multi_line, check_single_line
from subgraphs.llm import usage
from subgraphs.llm.catalog import NOT_CONSULTED, ConsideredEntry, Consultation
from subgraphs.llm.generator import (
    Completion,
    Delta,
    Message,
    Priority,
    Restart,
    TextGenerationFailed,
    TextRequest,
)
from subgraphs.llm.models import GenerationRow, GenerationStatus, Purpose
from subgraphs.llm.pipeline import Generating, spent
from subgraphs.llm.purposes import PURPOSES
from subgraphs.llm.purposes.base import REVISE
from subgraphs.llm.repository import GenerationRepository

MAX_PROMPT_CHARS = 4000


@dataclass(frozen=True)
class GenerationRequest:
    prompt: str
    purpose: Purpose = Purpose.GENERAL
    idempotency_key: str | None = None
    stream: bool = False


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
    revise: str | None = None  # a refinement's instruction (``history`` holds the thread)
    stream: bool = False  # answer at once with a STREAMING generation (``streams.py``)


def check_text(
    text: str,
    path: tuple[str, ...],
    *,
    limit: int = MAX_PROMPT_CHARS,
    code: str = "PROMPT",
    single_line: bool = False,
) -> list[Problem]:
    """A free-text field: present, not too long, only the characters the kit's text rules allow
    (``subgraphs.kit.text``: names are single-line, the rest may have line breaks)."""
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
    check = check_single_line if single_line else check_multi_line
    return check(text, path, code=f"{code}_INVALID_CHARACTERS")


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
        stream=request.stream,
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
        if order.stream:
            return await _start_stream(uow, generating, owner_id, order, consultation)
        completion = await _complete(generating, order, consultation)
        row = new_row(owner_id, order, consultation, completion)
        await save(uow, row, completion)
        return row

    # A retried request gets the text it already paid for.
    return await create_once(
        uow, GenerationRepository, owner_id, order.idempotency_key, generate_and_save
    )


def _references(order: Order, consultation: Consultation) -> list[str]:
    return [*order.references, *(entry.label for entry in consultation.entries)]


def _request(order: Order, consultation: Consultation) -> TextRequest:
    return PURPOSES[order.purpose.value].request(
        order.inputs,
        _references(order, consultation),
        history=order.history,
        revise=order.revise,
        priority=order.priority,
    )


async def _complete(generating: Generating, order: Order, consultation: Consultation) -> Completion:
    request = _request(order, consultation)
    try:
        return await generating.complete(request)
    except TextGenerationFailed as exc:
        raise Rejected(
            Problem(("input",), "GENERATION_FAILED", f"Nothing was generated: {exc}")
        ) from None


def _status(completion: Completion) -> GenerationStatus:
    return GenerationStatus.TRUNCATED if completion.truncated else GenerationStatus.COMPLETED


def new_row(
    owner_id: uuid.UUID, order: Order, consultation: Consultation, completion: Completion
) -> GenerationRow:
    row_id = uuid.uuid4()
    row = GenerationRow(
        id=row_id,
        prompt=order.prompt,
        purpose=order.purpose.value,
        owner_id=owner_id,
        idempotency_key=order.idempotency_key,
        catalog_status=consultation.status.value,
        catalog_entries=[entry.as_json() for entry in consultation.entries],
        inputs=dict(order.inputs),
        thread_id=order.thread_id or row_id,
        parent_id=order.parent_id,
    )
    _fill(row, completion, _status(completion))
    return row


def _fill(row: GenerationRow, completion: Completion, status: GenerationStatus) -> None:
    row.output = completion.text
    row.provider = completion.provider
    row.model = completion.model
    row.prompt_tokens = completion.prompt_tokens
    row.completion_tokens = completion.completion_tokens
    row.status = status.value
    row.data = completion.data
    row.attempts = [attempt.as_json() for attempt in completion.attempts]
    row.cached = completion.cached


# -- streamed prose ------------------------------------------------------------------------------

PENDING = Completion(
    text="", provider="pending", model="pending", prompt_tokens=0, completion_tokens=0
)


async def _start_stream(
    uow: UnitOfWork,
    generating: Generating,
    owner_id: uuid.UUID,
    order: Order,
    consultation: Consultation,
) -> GenerationRow:
    """Store the generation as STREAMING and write it in the background (``streams.py``)."""
    if not PURPOSES[order.purpose.value].streams:
        raise Rejected(
            Problem(("input", "stream"), "STREAM_NOT_SUPPORTED", "Only prose can stream.")
        )
    request = _request(order, consultation)
    row = new_row(owner_id, order, consultation, PENDING)
    row.status = GenerationStatus.STREAMING.value
    async with uow:
        await GenerationRepository(uow.session).add(row)
        await uow.commit()
    generating.streams.start(_write_stream(uow, generating, row.id, request))
    return row


async def _write_stream(
    uow: UnitOfWork, generating: Generating, generation_id: uuid.UUID, request: TextRequest
) -> None:
    writer = generating.streams.writer(generation_id)
    completion: Completion | None = None
    failure: TextGenerationFailed | None = None
    try:
        async for event in generating.stream(request):
            if isinstance(event, Delta):
                await writer.delta(event.text)
            elif isinstance(event, Restart):
                await writer.restart()
            else:
                completion = event
    except TextGenerationFailed as exc:
        failure = exc
    async with uow:
        row = await GenerationRepository(uow.session).require(generation_id)
        if completion is not None:
            _fill(row, completion, _status(completion))
            await usage.record(uow.session, row.owner_id, row.purpose, spent(completion))
            uow.emit("content.generated", row.id, _event_payload(row))
        else:
            attempts = failure.attempts if failure else ()
            _fill(row, replace(PENDING, attempts=attempts), GenerationStatus.FAILED)
        await uow.commit()
    await writer.done()


async def save(uow: UnitOfWork, row: GenerationRow, completion: Completion) -> None:
    """The row, its cost in the owner's usage and its event: one transaction."""
    async with uow:
        await GenerationRepository(uow.session).add(row)
        await usage.record(uow.session, row.owner_id, row.purpose, spent(completion))
        uow.emit("content.generated", row.id, _event_payload(row))
        await uow.commit()


# -- refinement threads ----------------------------------------------------------------------------


def _answer_text(row: GenerationRow) -> str:
    """A turn as the model said it: the data as JSON for data purposes, else the text."""
    return orjson.dumps(row.data).decode() if row.data is not None else row.output


def _lineage(turns: Sequence[GenerationRow], last: GenerationRow) -> list[GenerationRow]:
    """The turns from the thread's first to ``last``, following parents (threads may branch)."""
    by_id = {turn.id: turn for turn in turns}
    chain = [last]
    while chain[-1].parent_id is not None and chain[-1].parent_id in by_id:
        chain.append(by_id[chain[-1].parent_id])
    return chain[::-1]


async def refine(
    uow: UnitOfWork,
    generating: Generating,
    owner_id: uuid.UUID,
    generation_id: uuid.UUID,
    instruction: str,
    idempotency_key: str | None = None,
    *,
    stream: bool = False,
) -> GenerationRow:
    """The next turn of a thread: the same purpose and inputs, the thread so far as the
    conversation, and the player's instruction last ("make her more tragic")."""
    instruction = instruction.strip()
    problems = check_text(instruction, ("input", "instruction"), limit=1000, code="INSTRUCTION")
    problems += check_idempotency_key(idempotency_key)
    if problems:
        raise Rejected(*problems)
    async with uow:
        repository = GenerationRepository(uow.session)
        parent = await repository.get(generation_id)
        if parent is None or parent.owner_id != owner_id:
            raise Rejected(
                Problem(
                    ("input", "generationId"), "NOT_FOUND", "You have no generation with this ID."
                )
            )
        turns = await repository.thread(parent.thread_id or parent.id)
    if parent.status not in {GenerationStatus.COMPLETED.value, GenerationStatus.TRUNCATED.value}:
        raise Rejected(
            Problem(
                ("input", "generationId"),
                "GENERATION_NOT_FINISHED",
                "Only a finished generation can be refined.",
            )
        )
    if parent.purpose not in PURPOSES or parent.purpose == Purpose.BUILD_PROPOSALS.value:
        raise Rejected(
            Problem(
                ("input", "generationId"), "NOT_REFINABLE", "This generation cannot be refined."
            )
        )
    purpose = PURPOSES[parent.purpose]
    lineage = _lineage(turns, parent)
    history = [Message("user", purpose.render(lineage[0].inputs))]
    for turn in lineage:
        if turn.parent_id is not None:
            history.append(Message("user", REVISE.format(instruction=turn.prompt)))
        history.append(Message("assistant", _answer_text(turn)))
    order = Order(
        purpose=Purpose(parent.purpose),
        inputs={
            **parent.inputs,
            "refinements": [*parent.inputs.get("refinements", []), instruction],
        },
        prompt=instruction,
        concept=None,
        idempotency_key=idempotency_key,
        history=history,
        thread_id=parent.thread_id or parent.id,
        parent_id=parent.id,
        references=[ConsideredEntry.from_json(e).label for e in parent.catalog_entries],
        revise=instruction,
        stream=stream,
    )
    return await produce(uow, generating, owner_id, order)
