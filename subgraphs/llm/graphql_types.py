"""The llm service's GraphQL types: generations, their provenance, usage, inputs and payloads."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON

from subgraphs.kit.context import ContextInfo, require_viewer
from subgraphs.kit.errors import UserError
from subgraphs.kit.loaders import load_entity
from subgraphs.kit.references import User
from subgraphs.llm.catalog import ConsideredEntry
from subgraphs.llm.generator import Attempt
from subgraphs.llm.models import GenerationRow
from subgraphs.llm.repository import GenerationRepository


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
    CHARACTER_BACKSTORY = strawberry.enum_value(
        "CHARACTER_BACKSTORY",
        description="Backstory and personality from a sheet and a concept (`writeBackstory`).",
    )
    NPC_DIALOGUE = strawberry.enum_value(
        "NPC_DIALOGUE", description="A non-player character speaking in character (`speakAsNpc`)."
    )
    ENCOUNTER_NARRATION = strawberry.enum_value(
        "ENCOUNTER_NARRATION", description="Narration of encounter events (`narrateEncounter`)."
    )
    ENTRY_DESCRIPTION = strawberry.enum_value(
        "ENTRY_DESCRIPTION", description="A description of an item or spell (`describeEntry`)."
    )
    STORY_HOOKS = strawberry.enum_value(
        "STORY_HOOKS", description="Story hooks in a campaign's theme (`writeStoryHooks`)."
    )
    PLOT_OUTLINE = strawberry.enum_value(
        "PLOT_OUTLINE", description="A plot outline in acts (`outlinePlot`)."
    )
    BUILD_PROPOSALS = strawberry.enum_value(
        "BUILD_PROPOSALS", description="Legal character builds for a concept (`buildFromConcept`)."
    )


@strawberry.enum(description="How a generation ended.")
class GenerationStatus(Enum):
    COMPLETED = strawberry.enum_value("COMPLETED", description="The generator finished.")
    TRUNCATED = strawberry.enum_value(
        "TRUNCATED", description="The generator stopped at the token limit; the text is cut off."
    )
    STREAMING = strawberry.enum_value(
        "STREAMING", description="Still being written: follow it with `generationStream`."
    )
    FAILED = strawberry.enum_value(
        "FAILED", description="A streamed generation that no model could write; see `attempts`."
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
    thread_id: strawberry.ID = strawberry.field(
        description="The refinement thread it belongs to (the ID of the thread's first turn)."
    )
    parent_id: strawberry.ID | None = strawberry.field(
        description="The turn this one refines; null for a thread's first turn."
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
            thread_id=strawberry.ID(str(row.thread_id or row.id)),
            parent_id=None if row.parent_id is None else strawberry.ID(str(row.parent_id)),
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
    stream: bool = strawberry.field(
        default=False,
        description="Answer at once with a STREAMING generation and write it in the background; "
        "follow it with `subscription generationStream(id)`.",
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


KEY_DESCRIPTION = "Any unique string; retrying with the same key returns the same generation."


@strawberry.enum(description="Who is waiting: interactive work goes before background work.")
class GenerationPriority(Enum):
    INTERACTIVE = strawberry.enum_value("INTERACTIVE", description="A player is waiting.")
    BACKGROUND = strawberry.enum_value(
        "BACKGROUND", description="Batch work (descriptions for a catalog); waits its turn."
    )


@strawberry.enum(description="What kind of entry to describe.")
class DescribedKind(Enum):
    ITEM = strawberry.enum_value("ITEM", description="An item, mundane or magical.")
    SPELL = strawberry.enum_value("SPELL", description="A spell.")


@strawberry.input(description="A character's backstory and personality.")
class BackstoryInput:
    concept: str = strawberry.field(description="The idea of the character (1-1000 characters).")
    sheet: JSON | None = strawberry.field(
        default=None,
        description="The character in the rules format (`python -m rules schema`); its species, "
        "class and background shape the story.",
    )
    tone: str | None = strawberry.field(default=None, description='E.g. "tragic", "comic".')
    idempotency_key: str | None = strawberry.field(default=None, description=KEY_DESCRIPTION)


@strawberry.input(description="Who the NPC is, and what it knows; nothing else reaches a model.")
class PersonaInput:
    name: str = strawberry.field(description="The NPC's name.")
    description: str = strawberry.field(description="Who they are, as others see them.")
    knowledge: list[str] = strawberry.field(
        description="Everything the persona knows that may come up (at most 50 facts). The "
        "campaign passes only what this persona knows."
    )
    voice: str | None = strawberry.field(default=None, description="How they speak.")
    secrets: list[str] = strawberry.field(
        default_factory=list,
        description="What the persona must never say. Never sent to a model: an answer that "
        "gives one away is rejected and another model (or the offline template) answers.",
    )


@strawberry.input(description="An NPC's answer in character.")
class NpcDialogueInput:
    persona: PersonaInput = strawberry.field(description="Who speaks.")
    player_line: str = strawberry.field(description="What was said to them.")
    situation: str | None = strawberry.field(default=None, description="Where and when.")
    idempotency_key: str | None = strawberry.field(default=None, description=KEY_DESCRIPTION)


@strawberry.input(description="Narration of what happened in an encounter.")
class NarrationInput:
    events: list[str] = strawberry.field(
        description="What happened, in order, as the rules decided it (1-50 events)."
    )
    setting: str | None = strawberry.field(default=None, description="Where it happens.")
    tone: str | None = strawberry.field(default=None, description='E.g. "grim", "heroic".')
    stream: bool = strawberry.field(
        default=False, description="Stream it (`generationStream`) instead of waiting for it."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=KEY_DESCRIPTION)


@strawberry.input(description="A description of an item or a spell.")
class DescriptionInput:
    kind: DescribedKind = strawberry.field(description="Item or spell.")
    name: str = strawberry.field(description="Its name.")
    facts: JSON | None = strawberry.field(
        default=None, description="Facts to keep exactly (a JSON object: damage, school, ...)."
    )
    style: str | None = strawberry.field(default=None, description="How it should read.")
    priority: GenerationPriority = strawberry.field(
        default=GenerationPriority.INTERACTIVE,
        description="BACKGROUND for batches, so players waiting go first.",
    )
    idempotency_key: str | None = strawberry.field(default=None, description=KEY_DESCRIPTION)


@strawberry.input(description="Story hooks in a campaign's theme.")
class StoryHooksInput:
    theme: str = strawberry.field(description='The campaign\'s theme, e.g. "gothic horror".')
    premise: str | None = strawberry.field(default=None, description="The campaign's premise.")
    count: int = strawberry.field(default=3, description="How many hooks (1-6).")
    idempotency_key: str | None = strawberry.field(default=None, description=KEY_DESCRIPTION)


@strawberry.input(description="A plot outline in acts.")
class PlotOutlineInput:
    theme: str = strawberry.field(description="The campaign's theme.")
    premise: str | None = strawberry.field(default=None, description="The campaign's premise.")
    acts: int = strawberry.field(default=3, description="How many acts (3-5).")
    idempotency_key: str | None = strawberry.field(default=None, description=KEY_DESCRIPTION)


@strawberry.input(description="The next turn of a refinement thread.")
class RefineInput:
    generation_id: strawberry.ID = strawberry.field(description="The generation to build on.")
    instruction: str = strawberry.field(description='What to change: "make her more tragic".')
    stream: bool = strawberry.field(
        default=False, description="Stream the new turn (prose purposes only)."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=KEY_DESCRIPTION)


@strawberry.type(description="A generation and its refinements, turn by turn.")
class GenerationThread:
    id: strawberry.ID = strawberry.field(description="The thread's ID: its first turn's ID.")
    turns: list[Generation] = strawberry.field(
        description="Every turn, oldest first; each refines the one named by its `parentId`."
    )


@strawberry.type(description="A piece of a streamed generation.")
class GenerationChunk:
    text: str = strawberry.field(
        description="New text to append (the first chunk holds everything written so far)."
    )
    restart: bool = strawberry.field(
        description="Drop all text received so far: the model failed and another one took over."
    )
    done: bool = strawberry.field(description="The last chunk; `generation` is then set.")
    generation: Generation | None = strawberry.field(
        description="The finished generation, on the last chunk."
    )


@strawberry.enum(description="How ability scores are generated for a build.")
class AbilityMethod(Enum):
    STANDARD_ARRAY = strawberry.enum_value(
        "standard-array", description="15, 14, 13, 12, 10, 8, one per ability."
    )
    POINT_BUY = strawberry.enum_value("point-buy", description="27 points, scores 8 to 15.")


@strawberry.input(description="What a build must be, whatever the concept says.")
class BuildConstraintsInput:
    class_name: str | None = strawberry.field(
        default=None, description='The class, by name or slug ("Monk", "class/monk").'
    )
    species: str | None = strawberry.field(
        default=None, description="The species, by name or slug."
    )
    background: str | None = strawberry.field(
        default=None, description="The background, by name or slug."
    )
    ability_method: AbilityMethod = strawberry.field(
        default=AbilityMethod.STANDARD_ARRAY, description="How the scores are generated."
    )
    max_proposals: int = strawberry.field(default=3, description="At most this many (1-3).")


@strawberry.input(description="A character concept to turn into legal builds.")
class BuildFromConceptInput:
    concept: str = strawberry.field(
        description='Any idea, in plain words: "a fire-wielding monk raised by dragons" '
        "(1-500 characters)."
    )
    level: int = strawberry.field(default=1, description="The character level, 1-20.")
    constraints: BuildConstraintsInput | None = strawberry.field(
        default=None, description="Choices the build must keep."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=KEY_DESCRIPTION)


@strawberry.type(description="Why one part of a build is what it is.")
class BuildReason:
    part: str = strawberry.field(description='"class", "species", "lineage", "spells", ...')
    choice: str = strawberry.field(description='What was chosen, e.g. "Monk".')
    because: str = strawberry.field(description="Why, naming the concept's words it answers.")
    slug: str | None = strawberry.field(description='The catalog entry reused, e.g. "class/monk".')
    words: list[str] = strawberry.field(description="The concept's words this choice answers.")


@strawberry.enum(description="How a build covers what the SRD lacks.")
class AdaptationKind(Enum):
    RESKIN = strawberry.enum_value(
        "RESKIN",
        description="An SRD entry played under another name and look; the catalog's "
        "`adaptEntry` makes it, branching from `ofSlug`.",
    )
    HOMEBREW = strawberry.enum_value(
        "HOMEBREW", description="Something new, balance-checked by the rules engine."
    )


@strawberry.type(description="A part of a build the SRD does not have as such.")
class BuildAdaptation:
    part: str = strawberry.field(description='Which part: "species", "equipment", ...')
    kind: AdaptationKind = strawberry.field(description="Reskin or homebrew.")
    name: str = strawberry.field(description='What the concept calls it: "Clockwork Golem".')
    note: str = strawberry.field(description="How it is played.")
    of_slug: str | None = strawberry.field(description="The SRD entry a reskin branches from.")
    balance_warnings: list[str] = strawberry.field(
        description="The rules engine's balance warnings for homebrew (empty when in line)."
    )


@strawberry.type(
    description="A complete character in the rules format that `rules.validate` accepts; "
    "create it with the character service's `createCharacter` (its `document`)."
)
class BuildProposal:
    title: str = strawberry.field(description="A working name for the character.")
    summary: str = strawberry.field(description='E.g. "Dragonborn Monk 1" as the rules derive it.')
    document: JSON = strawberry.field(description="The character in the rules format.")
    spells: list[str] = strawberry.field(
        description="Spell slugs it knows or prepares (checked against class lists and levels)."
    )
    reasons: list[BuildReason] = strawberry.field(description="Why each part was chosen.")
    adaptations: list[BuildAdaptation] = strawberry.field(
        description="Reskins and homebrew the concept needs beyond the SRD."
    )
    source: str = strawberry.field(
        description='"planner" (the offline concept planner) or "model:<provider>:<model>".'
    )
    repairs: int = strawberry.field(
        description="Rounds of repair from the rules' errors it needed (model proposals)."
    )

    @classmethod
    def from_stored(cls, value: dict[str, Any]) -> BuildProposal:
        return cls(
            title=value["title"],
            summary=value["summary"],
            document=value["document"],
            spells=value["spells"],
            reasons=[BuildReason(**r) for r in value["reasons"]],
            adaptations=[
                BuildAdaptation(
                    part=a["part"],
                    kind=AdaptationKind(a["kind"]),
                    name=a["name"],
                    note=a["note"],
                    of_slug=a["ofSlug"],
                    balance_warnings=a["balance"],
                )
                for a in value["adaptations"]
            ],
            source=value["source"],
            repairs=value["repairs"],
        )


@strawberry.type(description="Build proposals for a concept.")
class BuildProposalsPayload:
    generation: Generation | None = strawberry.field(
        description="The proposals as kept (purpose BUILD_PROPOSALS), when it worked."
    )
    proposals: list[BuildProposal] = strawberry.field(
        description="Legal builds, best first; empty when the input was refused."
    )
    user_errors: list[UserError] = strawberry.field(description="What was wrong with the input.")
