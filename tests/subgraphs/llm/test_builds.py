"""buildFromConcept with the real catalog (in process, reached like a router) and, for the model
path, a loopback OpenAI server: the model proposes, the rules dispose (repair rounds, or drop)."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from infra.config import Settings
from rules.enums import Skill
from rules.validation import validate_data
from subgraphs.catalog.app import build as build_catalog
from subgraphs.kit.hub import RouterClient
from subgraphs.llm.app import build as build_llm
from subgraphs.llm.builds.facts import RouterFacts, skill_choices
from subgraphs.llm.builds.planner import Concept, plan
from subgraphs.llm.config import LlmSettings
from tests.subgraphs.harness import build_app
from tests.subgraphs.llm.loopback_models import OpenAIServer, Reply
from tests.subgraphs.llm.test_reuse_first import service_tokens
from tests.support import TokenFactory, asgi_client, gql

pytestmark = pytest.mark.asyncio(loop_scope="module")
BUILD = """mutation($input: BuildFromConceptInput!) {
  buildFromConcept(input: $input) {
    generation { provider model attempts { failure } }
    proposals { document spells source repairs reasons { part choice because } }
    userErrors { path code message }
  }
}"""
MONK = "a fire-wielding monk raised by dragons"


@dataclass
class Catalog:
    tokens: TokenFactory
    router: RouterClient  # the catalog app answers what the router would route to it


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def catalog(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Catalog]:
    tokens = TokenFactory()
    database = tmp_path_factory.mktemp("catalog") / "catalog.db"
    app = build_app(
        build_catalog, {"CATALOG_DATABASE_URL": f"sqlite+aiosqlite:///{database}"}, tokens
    )
    async with asgi_client(app, "http://router") as http:
        yield Catalog(
            tokens, RouterClient("http://router/graphql", service_tokens(tokens), http=http)
        )


def legal_answer(**changes: Any) -> dict[str, Any]:
    answer = {
        "class": "class/monk",
        "species": "species/dragonborn",
        "lineage": "draconic-ancestor-red",
        "background": "background/sage",
        "skills": ["acrobatics", "stealth"],
        "spells": ["spell/fire-bolt", "spell/acid-splash", "spell/burning-hands"],
        "reasons": [{"part": "class", "choice": "Monk", "because": '"monk" names it'}],
        "name": "Ember",
        "signature_weapon": None,
    }
    return {**answer, **changes}


async def test_the_planner_reads_skill_choices_from_the_catalog_text() -> None:
    assert skill_choices(
        ["Choose 2: Acrobatics, Athletics, History, Insight, Religion, or Stealth"]
    ) == (
        2,
        (
            Skill.ACROBATICS,
            Skill.ATHLETICS,
            Skill.HISTORY,
            Skill.INSIGHT,
            Skill.RELIGION,
            Skill.STEALTH,
        ),
    )
    assert skill_choices(["Choose any 3 skills", "Three musical instruments"]) == (3, ())


async def test_every_level_gives_a_legal_build(catalog: Catalog) -> None:
    facts_source = RouterFacts(catalog.router)
    facts = await facts_source.facts()
    options = await facts_source.concept("a storm sorcerer crackling with lightning")
    for level in range(1, 21):
        [best, *_] = plan(
            Concept("a storm sorcerer crackling with lightning", level, options), facts
        )
        assert best.valid, (level, best.problems)
        assert validate_data(best.document) == []
        assert best.document["classes"][0]["level"] == level
        assert len(best.spells) == len(set(best.spells))


async def test_the_model_proposes_and_the_rules_repair_or_drop(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLM_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'llm.db'}")
    server = OpenAIServer()
    async with server.serve() as base_url:
        settings = replace(
            LlmSettings.from_env({"LLM_BASE_URL": base_url, "LLM_MODELS": "main"}),
            cache_prefix=f"t-{uuid.uuid4()}:",
        )
        app = build_llm(
            Settings.from_env(),
            catalog.tokens.verifier,
            router=catalog.router,
            llm_settings=settings,
        )
        async with asgi_client(app) as http:
            auth = catalog.tokens.headers(uuid.uuid4())

            async def ask(concept: str = MONK) -> dict[str, Any]:
                body = await gql(http, BUILD, {"input": {"concept": concept}}, auth)
                assert "errors" not in body, body
                return body["data"]["buildFromConcept"]  # type: ignore[no-any-return]

            # A monk does not choose Arcana: the rules say so, the model fixes it.
            wrong = legal_answer(skills=["arcana", "stealth"])
            server.script("main", Reply(json.dumps({"proposals": [wrong]})))
            server.script("main", Reply(json.dumps({"proposals": [legal_answer()]})))
            made = await ask()
            first = made["proposals"][0]
            assert first["source"] == "model:openai:main" and first["repairs"] == 1
            assert validate_data(first["document"]) == []
            assert first["document"]["identity"] == {
                "name": "Ember",
                "species": "dragonborn",
                "lineage": "red",
                "size": "medium",
            }
            assert first["reasons"][0]["because"] == '"monk" names it'
            repair = server.requests[-1]["messages"][-1]["content"]
            assert "does not offer arcana" in repair
            assert made["proposals"][1]["source"] == "planner"  # the planner's come after
            schema = server.requests[-1]["response_format"]["json_schema"]["schema"]
            build_schema = schema["properties"]["proposals"]["items"]
            assert "class/monk" in build_schema["properties"]["class"]["enum"]

            # Still wrong after every repair round: dropped; the planner's builds remain.
            hopeless = legal_answer(spells=["spell/wish"])
            server.script("main", *[Reply(json.dumps({"proposals": [hopeless]}))] * 3)
            calls = server.calls_to("main")
            kept = await ask("a fire-wielding monk raised by dragons, again")
            assert server.calls_to("main") == calls + 3  # one answer and two repairs
            assert kept["proposals"] and all(p["source"] == "planner" for p in kept["proposals"])
            assert all(validate_data(p["document"]) == [] for p in kept["proposals"])


async def test_homebrew_from_a_model_is_balance_checked(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLM_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'llm.db'}")
    server = OpenAIServer()
    async with server.serve() as base_url:
        settings = LlmSettings.from_env({"LLM_BASE_URL": base_url, "LLM_MODELS": "main"})
        app = build_llm(
            Settings.from_env(),
            catalog.tokens.verifier,
            router=catalog.router,
            llm_settings=settings,
        )
        async with asgi_client(app) as http:
            fair = {"name": "Ember Chain", "category": "simple", "damage_dice": "1d6",
                    "damage_type": "fire", "ranged": False}  # fmt: skip
            mighty = {**fair, "name": "Sunbreaker", "damage_dice": "4d12"}
            answers = [legal_answer(signature_weapon=fair), legal_answer(signature_weapon=mighty)]
            server.script("main", Reply(json.dumps({"proposals": answers})))
            query = BUILD.replace(
                "source repairs", "source repairs adaptations { kind name note balanceWarnings }"
            )
            body = await gql(
                http, query, {"input": {"concept": MONK}}, catalog.tokens.headers(uuid.uuid4())
            )
            modelled = [
                p for p in body["data"]["buildFromConcept"]["proposals"] if p["source"] != "planner"
            ]
            assert len(modelled) == 2
            fair_one, mighty_one = (
                next(a for a in p["adaptations"] if a["kind"] == "HOMEBREW") for p in modelled
            )
            assert fair_one["name"] == "Ember Chain" and fair_one["balanceWarnings"] == []
            assert "in line with" in fair_one["note"]
            assert mighty_one["name"] == "Sunbreaker"
            assert any("above the strongest" in w for w in mighty_one["balanceWarnings"])
            for proposal in modelled:
                assert validate_data(proposal["document"]) == []
                weapon = proposal["document"]["equipment"][0]
                assert weapon["weapon"]["damage_type"] == "fire"
