"""GraphQL face of the llm service. Resolvers stay thin: parse, authorize, call a use case."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON

from subgraphs.kit.context import ContextInfo, require_viewer
from subgraphs.kit.errors import ErrorCode, UserError, graphql_error
from subgraphs.kit.federation import subgraph_schema
from subgraphs.kit.loaders import load_entity
from subgraphs.kit.outcomes import attempt, parse_id_or_error
from subgraphs.kit.references import User
from subgraphs.kit.relay import Connection, paged_connection
from subgraphs.llm import models, services, usage
from subgraphs.llm.catalog import ConsideredEntry
from subgraphs.llm.generator import Attempt
from subgraphs.llm.limits import RateLimited
from subgraphs.llm.models import GenerationRow
from subgraphs.llm.pipeline import Generating, QuotaExceeded
from subgraphs.llm.repository import GenerationRepository


def generating(info: ContextInfo) -> Generating:
    ports: Generating = info.context.runtime.ports["generating"]
    return ports


async def produced(work: Awaitable[GenerationRow]) -> GenerationPayload:
    """A generation use case's outcome as a payload; limits and quotas as GraphQL errors."""
    try:
        row, errors = await attempt(work)
    except (RateLimited, QuotaExceeded) as exc:
        raise exc.as_graphql() from None
    return GenerationPayload(
        generation=None if row is None else Generation.from_row(row), user_errors=errors
    )


@strawberry.enum(description="What generated text is for.")
class GenerationPurpose(Enum):
    GENERAL = strawberry.enum_value("GENERAL", description="Anything.")
    CHARACTER_CONCEPT = strawberry.enum_value(
        "CHARACTER_CONCEPT", description="The idea of a character."
    )
    BACKSTORY = strawberry.enum_value("BACKSTORY", description="A character's history.")
    NPC = strawberry.enum_value("NPC", description="A non-player character.")
    LOCATION = strawberry.enum_value("LOCATION", description="A place.")
    ITEM = strawberry.enum_value("ITEM", description="An object, magical or not.")


@strawberry.enum(description="How a generation ended.")
class GenerationStatus(Enum):
    COMPLETED = strawberry.enum_value("COMPLETED", description="The generator finished.")
    TRUNCATED = strawberry.enum_value(
        "TRUNCATED", description="The generator stopped at the token limit; the text is cut off."
    )


@strawberry.enum(description="Whether the catalog was asked what already exists before generating.")
class CatalogConsultationStatus(Enum):
    CONSULTED = strawberry.enum_value(
        "CONSULTED", description="The catalog answered; `entries` is what it offered (maybe none)."
    )
    NOT_CONSULTED = strawberry.enum_value(
        "NOT_CONSULTED",
        description="No router is configured for the llm service (or the text predates the "
        "lookup): the catalog was not asked.",
    )
    UNAVAILABLE = strawberry.enum_value(
        "UNAVAILABLE",
        description="The catalog could not be reached; the text was generated without it.",
    )


@strawberry.type(description="An existing catalog entry that fits the prompt.")
class ConsideredCatalogEntry:
    kind: str = strawberry.field(description='The kind of entry, e.g. "spell" or "class".')
    slug: str = strawberry.field(description='Its stable key, e.g. "class/monk".')
    name: str = strawberry.field(description="Its name.")
    score: float = strawberry.field(description="How well it fits the prompt, 0 to 1.")

    @classmethod
    def from_stored(cls, value: dict[str, Any]) -> ConsideredCatalogEntry:
        entry = ConsideredEntry.from_json(value)
        return cls(kind=entry.kind, slug=entry.slug, name=entry.name, score=entry.score)


@strawberry.type(
    description="Reuse first: what the catalog (asked through the router) offered for the prompt "
    "before anything was generated."
)
class CatalogConsultation:
    status: CatalogConsultationStatus = strawberry.field(
        description="Whether the catalog was asked, and whether it answered."
    )
    entries: list[ConsideredCatalogEntry] = strawberry.field(
        description="The entries that fit best, best first (at most 10); empty unless CONSULTED."
    )


@strawberry.enum(description="Why a try at generating did not give the answer.")
class AttemptFailure(Enum):
    TIMEOUT = strawberry.enum_value("TIMEOUT", description="The model did not answer in time.")
    RATE_LIMITED = strawberry.enum_value(
        "RATE_LIMITED", description="The provider said 429 Too Many Requests."
    )
    SERVER_ERROR = strawberry.enum_value(
        "SERVER_ERROR", description="The provider failed (5xx) or could not be reached."
    )
    INVALID_OUTPUT = strawberry.enum_value(
        "INVALID_OUTPUT", description="The answer was not the JSON the purpose's schema asks for."
    )
    REFUSED = strawberry.enum_value(
        "REFUSED", description="The provider rejected the request (bad key, unknown model...)."
    )
    CIRCUIT_OPEN = strawberry.enum_value(
        "CIRCUIT_OPEN", description="The provider failed repeatedly just before; not tried."
    )
    DEADLINE = strawberry.enum_value(
        "DEADLINE", description="The request's deadline left no time to try this model."
    )


@strawberry.type(description="One failed try before a generation's answer.")
class GenerationAttempt:
    provider: str = strawberry.field(description='The provider tried, e.g. "openai".')
    model: str = strawberry.field(description="The model tried.")
    failure: AttemptFailure = strawberry.field(description="Why it did not answer.")
    message: str = strawberry.field(description="What went wrong, in words.")

    @classmethod
    def from_stored(cls, value: dict[str, Any]) -> GenerationAttempt:
        attempt = Attempt.from_json(value)
        return cls(
            provider=attempt.provider,
            model=attempt.model,
            failure=AttemptFailure(attempt.kind.value),
            message=attempt.message,
        )


@strawberry.federation.type(keys=["id"], description="A piece of generated text and its origin.")
class Generation:
    id: strawberry.ID = strawberry.field(description="The generation's ID.")
    prompt: str = strawberry.field(description="What was asked for.")
    purpose: GenerationPurpose = strawberry.field(description="What the text is for.")
    output: str = strawberry.field(description="The generated text.")
    provider: str = strawberry.field(
        description=(
            "Who wrote it: `offline` means a built-in template filled with the prompt's words, "
            "no language model involved; otherwise the hosted provider's name."
        )
    )
    model: str = strawberry.field(description="The model (or template set) used.")
    prompt_tokens: int = strawberry.field(
        description=(
            "Tokens in the prompt. The offline provider counts words and punctuation marks; "
            "a hosted model reports its own tokenizer's count."
        )
    )
    completion_tokens: int = strawberry.field(
        description="Tokens in the output, counted the same way as `promptTokens`."
    )
    status: GenerationStatus = strawberry.field(description="How the generation ended.")
    created_at: datetime = strawberry.field(description="When the text was generated.")
    version: int = strawberry.field(description="Changes on every write.")
    catalog: CatalogConsultation = strawberry.field(
        description="Which existing catalog entries were considered before generating."
    )
    data: JSON | None = strawberry.field(
        description="The answer as data, for purposes that answer with data (its shape is the "
        "purpose's schema); null for prose."
    )
    attempts: list[GenerationAttempt] = strawberry.field(
        description="The failed tries before the answer (timeouts, rate limits, invalid output, "
        "open circuits), in order; empty when the first candidate answered."
    )
    cached: bool = strawberry.field(
        description="True when an identical earlier request was answered from the cache: no "
        "model was called and no tokens were spent."
    )
    owner_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="The user who asked for it.")
    def owner(self) -> User:
        return User.of(self.owner_id)

    @classmethod
    def from_row(cls, row: GenerationRow) -> Generation:
        return cls(
            id=strawberry.ID(str(row.id)),
            prompt=row.prompt,
            purpose=GenerationPurpose(row.purpose),
            output=row.output,
            provider=row.provider,
            model=row.model,
            prompt_tokens=row.prompt_tokens,
            completion_tokens=row.completion_tokens,
            status=GenerationStatus(row.status),
            created_at=row.created_at,
            version=row.version,
            catalog=CatalogConsultation(
                status=CatalogConsultationStatus(row.catalog_status),
                entries=[ConsideredCatalogEntry.from_stored(e) for e in row.catalog_entries],
            ),
            data=row.data,
            attempts=[GenerationAttempt.from_stored(a) for a in row.attempts],
            cached=row.cached,
            owner_id=row.owner_id,
        )

    @classmethod
    async def resolve_reference(cls, info: ContextInfo, id: strawberry.ID) -> Generation | None:
        # Prompts and drafts are private: even through a reference, only the owner sees one.
        viewer = require_viewer(info)
        row = await load_entity(info.context, GenerationRepository, id)
        if row is None or viewer.is_service or row.owner_id != viewer.user_id:
            return None
        return cls.from_row(row)


@strawberry.input(description="Ask for generated text.")
class GenerateInput:
    prompt: str = strawberry.field(description="What to write about (1-4000 characters).")
    purpose: GenerationPurpose = strawberry.field(
        default=GenerationPurpose.GENERAL, description="What the text is for."
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Any unique string; retrying with the same key returns the same generation.",
    )


@strawberry.type(description="The result of a generation request.")
class GenerationPayload:
    generation: Generation | None = strawberry.field(description="The text, when it worked.")
    user_errors: list[UserError] = strawberry.field(description="What was wrong with the input.")


@strawberry.type(description="Tokens one purpose used on one day.")
class UsageEntry:
    day: date = strawberry.field(description="The day (UTC).")
    purpose: GenerationPurpose = strawberry.field(description="What the generations were for.")
    requests: int = strawberry.field(description="Generations asked for, cache hits included.")
    prompt_tokens: int = strawberry.field(description="Tokens read by models.")
    completion_tokens: int = strawberry.field(description="Tokens written by models.")


@strawberry.type(description="What you spent on generation, and what is left today.")
class TokenUsage:
    quota_tokens: int | None = strawberry.field(
        description="Tokens you may use per day; null when there is no quota."
    )
    used_today: int = strawberry.field(description="Tokens used today (UTC), all purposes.")
    remaining_today: int | None = strawberry.field(
        description="Tokens left today; null when there is no quota. At 0, generation is "
        "refused with QUOTA_EXCEEDED until midnight UTC."
    )
    resets_at: datetime = strawberry.field(description="When today's count starts over.")
    entries: list[UsageEntry] = strawberry.field(
        description="Per day and purpose, newest day first."
    )


@strawberry.type
class Query:
    @strawberry.field(description="Your token usage over the last `days` days (1-90).")
    async def my_usage(self, info: ContextInfo, days: int = 7) -> TokenUsage:
        viewer = require_viewer(info)
        if not 1 <= days <= 90:
            raise graphql_error(ErrorCode.BAD_USER_INPUT, "days must be between 1 and 90.")
        quota = generating(info).daily_token_quota or None
        today = usage.today()
        async with info.context.runtime.sessions() as session:
            rows = await usage.usage_since(session, viewer.user_id, today - timedelta(days - 1))
        used = sum(r.prompt_tokens + r.completion_tokens for r in rows if r.day == today)
        return TokenUsage(
            quota_tokens=quota,
            used_today=used,
            remaining_today=None if quota is None else max(quota - used, 0),
            resets_at=usage.next_midnight(),
            entries=[
                UsageEntry(
                    day=r.day,
                    purpose=GenerationPurpose(r.purpose),
                    requests=r.requests,
                    prompt_tokens=r.prompt_tokens,
                    completion_tokens=r.completion_tokens,
                )
                for r in rows
            ],
        )

    @strawberry.field(description="One of your generations by ID; null when there is none.")
    async def generation(self, info: ContextInfo, id: strawberry.ID) -> Generation | None:
        viewer = require_viewer(info)
        key = parse_id_or_error(id, "id")
        async with info.context.runtime.sessions() as session:
            row = await GenerationRepository(session).get(key)
        if row is None or row.owner_id != viewer.user_id:
            return None
        return Generation.from_row(row)

    @strawberry.field(description="Your generations, oldest first.")
    async def generations(
        self, info: ContextInfo, first: int = 20, after: str | None = None
    ) -> Connection[Generation]:
        viewer = require_viewer(info)
        return await paged_connection(
            info.context.runtime,
            first,
            lambda session: GenerationRepository(session).page_owned_by(
                viewer.user_id, first, after
            ),
            Generation.from_row,
        )


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description=(
            "Generate text from a prompt and keep it. Reuse first: the catalog is asked which "
            "existing entries fit the prompt, and they are kept with the text "
            "(`Generation.catalog`). Without a configured model this uses the offline provider "
            "(see `Generation.provider`), which fills a template and says so."
        )
    )
    async def generate(self, info: ContextInfo, input: GenerateInput) -> GenerationPayload:
        viewer = require_viewer(info)
        request = services.GenerationRequest(
            prompt=input.prompt,
            purpose=models.Purpose(input.purpose.name),
            idempotency_key=input.idempotency_key,
        )
        return await produced(
            services.generate(info.context.runtime.uow(), generating(info), viewer.user_id, request)
        )


schema = subgraph_schema(query=Query, mutation=Mutation, types=[Generation, User])
