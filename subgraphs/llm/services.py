"""Use cases of the llm service. No GraphQL here: plain values in, rows or problems out.

Generation runs outside any transaction (a hosted model can take seconds; a database connection
must not wait on it); the record and its ``content.generated`` event are then committed together.
Before generating, the catalog is asked what already exists (reuse first, ``catalog.py``); the
entries it offered are kept with the generation.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from infra.db.unit_of_work import UnitOfWork
from subgraphs.kit.idempotency import check_idempotency_key, create_once
from subgraphs.kit.outcomes import Problem, Rejected
from subgraphs.kit.text import check_multi_line
from subgraphs.llm.catalog import CatalogLookup, Consultation
from subgraphs.llm.generator import TextGenerationFailed, TextGenerator
from subgraphs.llm.models import GenerationRow, GenerationStatus, Purpose
from subgraphs.llm.repository import GenerationRepository

MAX_PROMPT_CHARS = 4000
MAX_COMPLETION_TOKENS = 400


@dataclass(frozen=True)
class GenerationRequest:
    prompt: str
    purpose: Purpose = Purpose.GENERAL
    idempotency_key: str | None = None


def _check_prompt(prompt: str) -> list[Problem]:
    path = ("input", "prompt")
    if not prompt:
        return [Problem(path, "PROMPT_REQUIRED", "Write a prompt: what should be generated?")]
    if len(prompt) > MAX_PROMPT_CHARS:
        return [
            Problem(
                path,
                "PROMPT_TOO_LONG",
                f"Prompts are at most {MAX_PROMPT_CHARS} characters (this one has {len(prompt)}).",
            )
        ]
    return check_multi_line(prompt, path, code="PROMPT_INVALID_CHARACTERS")


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
        "catalogStatus": row.catalog_status,
        "catalogSlugs": [entry["slug"] for entry in row.catalog_entries],
    }


async def generate(
    uow: UnitOfWork,
    generator: TextGenerator,
    catalog: CatalogLookup,
    owner_id: uuid.UUID,
    request: GenerationRequest,
) -> GenerationRow:
    prompt = request.prompt.strip()
    problems = _check_prompt(prompt) + check_idempotency_key(request.idempotency_key)
    if problems:
        raise Rejected(*problems)

    async def generate_and_save() -> GenerationRow:
        consultation = await catalog.consult(prompt)  # never raises: it reports its outcome
        row = await _generate(generator, owner_id, prompt, request, consultation)
        async with uow:
            await GenerationRepository(uow.session).add(row)
            uow.emit("content.generated", row.id, _event_payload(row))
            await uow.commit()
        return row

    # A retried request gets the text it already paid for.
    return await create_once(
        uow, GenerationRepository, owner_id, request.idempotency_key, generate_and_save
    )


async def _generate(
    generator: TextGenerator,
    owner_id: uuid.UUID,
    prompt: str,
    request: GenerationRequest,
    consultation: Consultation,
) -> GenerationRow:
    """The generated text as an unsaved row; runs outside any transaction (see the module doc)."""
    try:
        completion = await generator.generate(
            prompt,
            max_tokens=MAX_COMPLETION_TOKENS,
            purpose=request.purpose.value,
            references=[entry.label for entry in consultation.entries],
        )
    except TextGenerationFailed as exc:
        raise Rejected(
            Problem(("input", "prompt"), "GENERATION_FAILED", f"Nothing was generated: {exc}")
        ) from None
    status = GenerationStatus.TRUNCATED if completion.truncated else GenerationStatus.COMPLETED
    return GenerationRow(
        id=uuid.uuid4(),
        prompt=prompt,
        purpose=request.purpose.value,
        output=completion.text,
        provider=completion.provider,
        model=completion.model,
        prompt_tokens=completion.prompt_tokens,
        completion_tokens=completion.completion_tokens,
        status=status.value,
        owner_id=owner_id,
        idempotency_key=request.idempotency_key,
        catalog_status=consultation.status.value,
        catalog_entries=[entry.as_json() for entry in consultation.entries],
    )
