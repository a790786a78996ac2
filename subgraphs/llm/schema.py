"""GraphQL face of the llm service. Resolvers stay thin: parse, authorize, call a use case."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import strawberry
from graphql import GraphQLError

from subgraphs.kit.context import ContextInfo, require_viewer
from subgraphs.kit.errors import ErrorCode, graphql_error
from subgraphs.kit.federation import subgraph_schema
from subgraphs.kit.outcomes import attempt, parse_id_or_error
from subgraphs.kit.references import User
from subgraphs.kit.relay import Connection, paged_connection
from subgraphs.llm import models, orders, services, usage
from subgraphs.llm.builds.service import BuildRequest, build_from_concept
from subgraphs.llm.generator import Priority
from subgraphs.llm.graphql_types import (
    BackstoryInput,
    BuildConstraintsInput,
    BuildFromConceptInput,
    BuildProposal,
    BuildProposalsPayload,
    DescriptionInput,
    GenerateInput,
    Generation,
    GenerationChunk,
    GenerationPayload,
    GenerationPurpose,
    GenerationThread,
    NarrationInput,
    NpcDialogueInput,
    PlotOutlineInput,
    RefineInput,
    StoryHooksInput,
    TokenUsage,
    UsageEntry,
)
from subgraphs.llm.limits import RateLimited
from subgraphs.llm.models import GenerationRow, GenerationStatus
from subgraphs.llm.pipeline import Generating, QuotaExceeded
from subgraphs.llm.repository import GenerationRepository
from subgraphs.llm.services import Order


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


async def ordered(info: ContextInfo, make_order: Callable[[], Order]) -> GenerationPayload:
    """Check the input (``orders``), then produce the generation it asks for."""
    viewer = require_viewer(info)

    async def work() -> GenerationRow:
        order = make_order()  # raises Rejected with every problem of the input
        uow = info.context.runtime.uow()
        return await services.produce(uow, generating(info), viewer.user_id, order)

    return await produced(work())


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

    @strawberry.field(
        description="A refinement thread, by the ID of any of its turns; null when you have none."
    )
    async def generation_thread(
        self, info: ContextInfo, id: strawberry.ID
    ) -> GenerationThread | None:
        viewer = require_viewer(info)
        key = parse_id_or_error(id, "id")
        async with info.context.runtime.sessions() as session:
            repository = GenerationRepository(session)
            row = await repository.get(key)
            if row is None or row.owner_id != viewer.user_id:
                return None
            turns = await repository.thread(row.thread_id or row.id)
        return GenerationThread(
            id=strawberry.ID(str(row.thread_id or row.id)),
            turns=[Generation.from_row(turn) for turn in turns],
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
            stream=input.stream,
        )
        return await produced(
            services.generate(info.context.runtime.uow(), generating(info), viewer.user_id, request)
        )

    @strawberry.mutation(
        description="A character's backstory and personality (traits, ideals, bonds, flaws) "
        "from its concept and, when given, its sheet; `data` holds them as fields."
    )
    async def write_backstory(self, info: ContextInfo, input: BackstoryInput) -> GenerationPayload:
        return await ordered(
            info,
            lambda: orders.backstory(input.concept, input.sheet, input.tone, input.idempotency_key),
        )

    @strawberry.mutation(
        description="An NPC's answer in character. Only the persona's `knowledge` reaches the "
        "model; an answer giving away one of its `secrets` is never returned."
    )
    async def speak_as_npc(self, info: ContextInfo, input: NpcDialogueInput) -> GenerationPayload:
        persona = orders.Persona(
            name=input.persona.name,
            description=input.persona.description,
            knowledge=input.persona.knowledge,
            voice=input.persona.voice,
            secrets=input.persona.secrets,
        )
        return await ordered(
            info,
            lambda: orders.npc_dialogue(
                persona, input.player_line, input.situation, input.idempotency_key
            ),
        )

    @strawberry.mutation(description="Narration of encounter events, as prose; can stream.")
    async def narrate_encounter(
        self, info: ContextInfo, input: NarrationInput
    ) -> GenerationPayload:
        def order() -> Order:
            made = orders.narration(input.events, input.setting, input.tone, input.idempotency_key)
            return replace(made, stream=input.stream)

        return await ordered(info, order)

    @strawberry.mutation(description="A description of an item or spell; `data` holds its parts.")
    async def describe_entry(self, info: ContextInfo, input: DescriptionInput) -> GenerationPayload:
        priority = Priority[input.priority.name]
        return await ordered(
            info,
            lambda: orders.description(
                input.kind.name,
                input.name,
                input.facts,
                input.style,
                input.idempotency_key,
                priority,
            ),
        )

    @strawberry.mutation(description="Story hooks in a campaign's theme; `data.hooks` lists them.")
    async def write_story_hooks(
        self, info: ContextInfo, input: StoryHooksInput
    ) -> GenerationPayload:
        return await ordered(
            info,
            lambda: orders.story_hooks(
                input.theme, input.premise, input.count, input.idempotency_key
            ),
        )

    @strawberry.mutation(description="A plot outline in acts; `data.acts` lists them.")
    async def outline_plot(self, info: ContextInfo, input: PlotOutlineInput) -> GenerationPayload:
        return await ordered(
            info,
            lambda: orders.plot_outline(
                input.theme, input.premise, input.acts, input.idempotency_key
            ),
        )

    @strawberry.mutation(
        description="Any concept to legal characters: up to three build proposals, each a "
        "complete rules-format document that `rules.validate` accepts, with reasons tying "
        "each choice to the concept's words and the catalog entries reused, and the reskins "
        "or homebrew the SRD lacks. Offline, a deterministic planner builds them; with a "
        "model configured, the model proposes and the rules dispose."
    )
    async def build_from_concept(
        self, info: ContextInfo, input: BuildFromConceptInput
    ) -> BuildProposalsPayload:
        viewer = require_viewer(info)
        constraints = input.constraints or BuildConstraintsInput()
        request = BuildRequest(
            concept=input.concept,
            level=input.level,
            class_name=constraints.class_name,
            species=constraints.species,
            background=constraints.background,
            method=str(constraints.ability_method.value),
            max_proposals=constraints.max_proposals,
            idempotency_key=input.idempotency_key,
        )
        payload = await produced(
            build_from_concept(
                info.context.runtime.uow(),
                generating(info),
                info.context.runtime.ports.get("build_facts"),
                viewer.user_id,
                request,
            )
        )
        data = payload.generation.data if payload.generation else None
        stored: dict[str, Any] = data if isinstance(data, dict) else {}
        return BuildProposalsPayload(
            generation=payload.generation,
            proposals=[BuildProposal.from_stored(p) for p in stored.get("proposals", [])],
            user_errors=payload.user_errors,
        )

    @strawberry.mutation(
        description="The next turn of a refinement thread: the same request with the thread so "
        'far and your instruction ("make her more tragic"); it builds on the last turn.'
    )
    async def refine_generation(self, info: ContextInfo, input: RefineInput) -> GenerationPayload:
        viewer = require_viewer(info)
        return await produced(
            services.refine(
                info.context.runtime.uow(),
                generating(info),
                viewer.user_id,
                parse_id_or_error(input.generation_id, "generationId"),
                input.instruction,
                input.idempotency_key,
                stream=input.stream,
            )
        )


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Follow a STREAMING generation as it is written: everything so far first, "
        "then each new piece, and a last chunk with the finished generation. A finished "
        "generation answers with one chunk."
    )
    async def generation_stream(
        self, info: ContextInfo, id: strawberry.ID
    ) -> AsyncGenerator[GenerationChunk, None]:
        viewer = require_viewer(info)
        key = parse_id_or_error(id, "id")
        runtime = info.context.runtime

        async def load() -> GenerationRow | None:
            async with runtime.sessions() as session:
                return await GenerationRepository(session).get(key)

        row = await load()
        if row is None or row.owner_id != viewer.user_id:
            raise GraphQLError(
                "You have no generation with this ID.", extensions={"code": "NOT_FOUND"}
            )

        async def finished() -> bool:
            current = await load()
            return current is not None and current.status != GenerationStatus.STREAMING.value

        async with generating(info).streams.reader(key) as reader:
            async for piece in reader.pieces(finished):
                if not piece.done:
                    yield GenerationChunk(
                        text=piece.text, restart=piece.restart, done=False, generation=None
                    )
                    continue
                final = await load()
                assert final is not None  # generations are never hard-deleted
                text = final.output if piece.seq == 0 else ""  # finished before we listened
                yield GenerationChunk(
                    text=text, restart=False, done=True, generation=Generation.from_row(final)
                )


schema = subgraph_schema(
    query=Query, mutation=Mutation, subscription=Subscription, types=[Generation, User]
)
