"""Each purpose: what reaches the model (a loopback OpenAI server), what comes back as data, what
the offline templates write, refinement threads, and prose streamed over graphql-transport-ws."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from infra.config import Settings
from subgraphs.llm.app import build
from subgraphs.llm.config import LlmSettings
from tests.router.subs.client import GraphQLWsClient
from tests.subgraphs.llm.loopback_models import OpenAIServer, Reply
from tests.support import TokenFactory, gql, loopback_server

EXAMPLE_SHEET = json.loads(Path("rules/examples/fighter-3-human.json").read_text())
FIELDS = """generation {
  id output provider model purpose status data cached threadId parentId
  attempts { failure message }
}
userErrors { path code message }"""


@dataclass
class Service:
    http: httpx.AsyncClient
    url: str
    auth: dict[str, str]
    server: OpenAIServer | None
    tokens: TokenFactory

    async def ask(self, mutation: str, input: dict[str, Any]) -> dict[str, Any]:
        name = mutation.split("(")[0]
        query = (
            f"mutation($input: {input.pop('__type')}!) {{ {name}(input: $input) {{ {FIELDS} }} }}"
        )
        body = await gql(self.http, query, {"input": input}, self.auth)
        assert "errors" not in body, body["errors"]
        payload: dict[str, Any] = body["data"][name]
        return payload

    def sent(self) -> dict[str, Any]:
        """The last request the model server got."""
        assert self.server is not None
        return self.server.requests[-1]


@asynccontextmanager
async def service(tmp_path: Path, *, hosted: bool) -> AsyncIterator[Service]:
    tokens = TokenFactory()
    server = OpenAIServer() if hosted else None
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(
            "LLM_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / f'llm-{uuid.uuid4()}.db'}"
        )
        async with server.serve() if server else _nothing() as base_url:
            env = {"LLM_BASE_URL": base_url, "LLM_MODELS": "main,spare"} if base_url else {}
            llm_settings = replace(LlmSettings.from_env(env), cache_prefix=f"t-{uuid.uuid4()}:")
            app = build(Settings.from_env(), tokens.verifier, llm_settings=llm_settings)
            async with (
                loopback_server(app, lifespan=True) as url,
                httpx.AsyncClient(base_url=url, timeout=30) as http,
            ):
                yield Service(http, url, tokens.headers(uuid.uuid4()), server, tokens)


@asynccontextmanager
async def _nothing() -> AsyncIterator[None]:
    yield None


def user_message(body: dict[str, Any]) -> str:
    return "\n".join(m["content"] for m in body["messages"] if m["role"] == "user")


# -- backstory -------------------------------------------------------------------------------------


async def test_a_backstory_builds_on_the_sheet_and_comes_back_as_fields(tmp_path: Path) -> None:
    async with service(tmp_path, hosted=True) as llm:
        made = await llm.ask(
            "writeBackstory",
            {
                "__type": "BackstoryInput",
                "concept": "a soldier who deserted",
                "sheet": EXAMPLE_SHEET,
                "tone": "tragic",
            },
        )
        assert made["userErrors"] == []
        sent = llm.sent()
        asked = user_message(sent)
        assert "Concept: a soldier who deserted" in asked
        assert "Sheet: Brenna Holt, Human Fighter 3 (Champion)" in asked
        assert "Background: Soldier" in asked and "Tone: tragic" in asked
        schema = sent["response_format"]["json_schema"]["schema"]
        assert set(schema["required"]) == {
            "backstory",
            "personality_traits",
            "ideals",
            "bonds",
            "flaws",
        }
        data = made["generation"]["data"]
        assert set(data) == set(schema["required"]) and len(data["personality_traits"]) == 2
        assert made["generation"]["provider"] == "openai"


async def test_offline_backstory_and_a_bad_sheet(tmp_path: Path) -> None:
    async with service(tmp_path, hosted=False) as llm:
        made = await llm.ask(
            "writeBackstory",
            {
                "__type": "BackstoryInput",
                "concept": "a lighthouse keeper's daughter",
                "sheet": EXAMPLE_SHEET,
            },
        )
        generation = made["generation"]
        assert generation["provider"] == "offline"
        assert generation["output"].startswith("[Offline draft")
        assert "Brenna Holt, Human Fighter 3 (Champion)" in generation["data"]["backstory"]
        assert "lighthouse" in generation["data"]["backstory"]
        broken = {
            **EXAMPLE_SHEET,
            "abilities": {"method": "standard-array", "base": {"str": "high"}},
        }
        refused = await llm.ask(
            "writeBackstory", {"__type": "BackstoryInput", "concept": "x", "sheet": broken}
        )
        assert refused["generation"] is None
        assert {e["code"] for e in refused["userErrors"]} == {"SHEET_INVALID"}
        assert all(e["path"][:3] == ["input", "sheet", "abilities"] for e in refused["userErrors"])
        empty = await llm.ask("writeBackstory", {"__type": "BackstoryInput", "concept": "  "})
        assert [(e["path"], e["code"]) for e in empty["userErrors"]] == [
            (["input", "concept"], "CONCEPT_REQUIRED")
        ]


# -- NPC dialogue ----------------------------------------------------------------------------------

PERSONA = {
    "name": "Mother Ilse",
    "description": "the village's old herbalist, kind and sharp-eyed",
    "voice": "slow, warm, a little mocking",
    "knowledge": [
        "The mill burned down last spring.",
        "Wolves have been seen near the north road.",
    ],
    "secrets": ["Ilse is the baron's lost sister"],
}


async def test_an_npc_hears_only_what_it_knows_and_never_tells_its_secret(tmp_path: Path) -> None:
    async with service(tmp_path, hosted=True) as llm:
        assert llm.server is not None
        llm.server.script(
            "main",
            Reply(
                json.dumps({"line": "I am the baron's lost sister.", "tone": "sad", "action": "-"})
            ),
        )
        llm.server.script(
            "spare",
            Reply('{"line": "The mill? Burned, last spring.", "tone": "dry", "action": "shrugs"}'),
        )
        made = await llm.ask(
            "speakAsNpc",
            {"__type": "NpcDialogueInput", "persona": PERSONA, "playerLine": "Who are you really?"},
        )
        generation = made["generation"]
        for body in llm.server.requests:
            every_word = json.dumps(body["messages"])
            assert "The mill burned down last spring." in every_word  # what she knows
            assert "lost sister" not in every_word  # what she keeps secret never leaves
        assert generation["model"] == "spare"
        assert [a["failure"] for a in generation["attempts"]] == ["INVALID_OUTPUT"]
        assert "secret" in generation["attempts"][0]["message"]
        assert "sister" not in generation["output"]
        assert generation["data"]["line"] == "The mill? Burned, last spring."


async def test_offline_npc_answers_from_its_knowledge(tmp_path: Path) -> None:
    async with service(tmp_path, hosted=False) as llm:
        asked = {
            "__type": "NpcDialogueInput",
            "persona": PERSONA,
            "playerLine": "Any wolves about?",
        }
        made = await llm.ask("speakAsNpc", dict(asked))
        line = made["generation"]["data"]["line"]
        assert "Wolves have been seen near the north road." in line
        secret = await llm.ask("speakAsNpc", {**asked, "playerLine": "Are you the baron's sister?"})
        assert "sister" not in secret["generation"]["data"]["line"]
        bad_persona = {**PERSONA, "knowledge": ["fine", "bad\x00fact"]}
        refused = await llm.ask("speakAsNpc", {**asked, "persona": bad_persona})
        assert [(e["path"], e["code"]) for e in refused["userErrors"]] == [
            (["input", "persona", "knowledge[1]"], "KNOWLEDGE_INVALID_CHARACTERS")
        ]


# -- narration, streamed ---------------------------------------------------------------------------

EVENTS = ["The ogre swings its club at Mira and misses.", "Mira's arrow strikes the ogre's eye."]
STREAM = """subscription($id: ID!) {
  generationStream(id: $id) { text restart done generation { status output provider } }
}"""


async def connect(llm: Service) -> GraphQLWsClient:
    client = await GraphQLWsClient.open(f"{llm.url.replace('http://', 'ws://')}/graphql")
    await client.send({"type": "connection_init", "payload": llm.auth})
    assert (await client.receive())["type"] == "connection_ack"
    return client


async def read_stream(llm: Service, generation_id: str) -> list[dict[str, Any]]:
    client = await connect(llm)
    try:
        operation = await client.subscribe(STREAM, {"id": generation_id})
        chunks: list[dict[str, Any]] = []
        while True:
            message = await client.receive()
            if message["type"] == "complete":
                return chunks
            assert message["type"] == "next" and message["id"] == operation, message
            assert "errors" not in message["payload"], message["payload"]
            chunks.append(message["payload"]["data"]["generationStream"])
    finally:
        await client.close()


@pytest.mark.parametrize("hosted", [False, True])
async def test_narration_streams_to_the_reader(tmp_path: Path, hosted: bool) -> None:
    async with service(tmp_path, hosted=hosted) as llm:
        if llm.server is not None:
            words = " ".join(f"word{n}" for n in range(40))
            llm.server.script("main", Reply(words, chunk_delay=0.02))
        made = await llm.ask(
            "narrateEncounter",
            {
                "__type": "NarrationInput",
                "events": EVENTS,
                "setting": "a muddy ford",
                "stream": True,
            },
        )
        generation = made["generation"]
        assert generation["status"] == "STREAMING"
        chunks = await read_stream(llm, generation["id"])
        final = chunks[-1]
        assert final["done"] is True and final["generation"]["status"] == "COMPLETED"
        text = "".join(c["text"] for c in chunks)
        assert text == final["generation"]["output"]
        if hosted:
            assert len(chunks) > 2  # pieces, not one block
            assert llm.sent()["stream"] is True
            assert final["generation"]["provider"] == "openai"
        else:
            assert "the ogre swings its club at Mira and misses" in text
        # A reader arriving after the end gets the whole text in one chunk.
        late = await read_stream(llm, generation["id"])
        assert len(late) == 1 and late[0]["text"] == text and late[0]["done"]


async def test_a_stream_of_someone_else_is_absent(tmp_path: Path) -> None:
    async with service(tmp_path, hosted=False) as llm:
        made = await llm.ask("narrateEncounter", {"__type": "NarrationInput", "events": EVENTS})
        assert made["generation"]["status"] == "COMPLETED"
        client = await connect(replace(llm, auth=llm.tokens.headers(uuid.uuid4())))
        try:
            await client.subscribe(STREAM, {"id": made["generation"]["id"]})
            message = await client.receive()
            assert message["type"] in {"error", "next"}, message
            errors = (
                message["payload"] if message["type"] == "error" else message["payload"]["errors"]
            )
            assert errors[0]["extensions"]["code"] == "NOT_FOUND"
        finally:
            await client.close()


async def test_data_purposes_do_not_stream(tmp_path: Path) -> None:
    async with service(tmp_path, hosted=False) as llm:
        refused = await llm.ask(
            "generate",
            {"__type": "GenerateInput", "prompt": "x", "purpose": "GENERAL", "stream": True},
        )
        assert refused["generation"]["status"] == "STREAMING"  # free text is prose
        await read_stream(llm, refused["generation"]["id"])


# -- descriptions, hooks, outlines -----------------------------------------------------------------


async def test_descriptions_hooks_and_outlines(tmp_path: Path) -> None:
    async with service(tmp_path, hosted=True) as llm:
        item = await llm.ask(
            "describeEntry",
            {
                "__type": "DescriptionInput",
                "kind": "SPELL",
                "name": "Fireball",
                "facts": {"level": 3, "damage": "8d6 fire"},
                "priority": "BACKGROUND",
            },
        )
        assert "Facts (keep them exactly)" in user_message(llm.sent())
        assert set(item["generation"]["data"]) == {
            "name",
            "description",
            "flavor",
            "sensory_details",
        }
        hooks = await llm.ask(
            "writeStoryHooks", {"__type": "StoryHooksInput", "theme": "gothic horror", "count": 2}
        )
        assert "Write 2 story hooks" in user_message(llm.sent())
        assert hooks["generation"]["data"]["hooks"][0]["title"]
        too_many = await llm.ask(
            "writeStoryHooks", {"__type": "StoryHooksInput", "theme": "x", "count": 9}
        )
        assert [e["code"] for e in too_many["userErrors"]] == ["COUNT_OUT_OF_RANGE"]
    async with service(tmp_path, hosted=False) as llm:
        outline = await llm.ask(
            "outlinePlot", {"__type": "PlotOutlineInput", "theme": "a drowned kingdom", "acts": 4}
        )
        acts = outline["generation"]["data"]["acts"]
        assert len(acts) == 4 and all(a["summary"] and a["twist"] for a in acts)
        assert "drowned" in outline["generation"]["output"]


# -- refinement threads ----------------------------------------------------------------------------

REFINE = "RefineInput"
THREAD = (
    """query($id: ID!) { generationThread(id: $id) { id turns { id parentId prompt output } } }"""
)


async def test_a_refinement_builds_on_the_last_turn(tmp_path: Path) -> None:
    async with service(tmp_path, hosted=True) as llm:
        assert llm.server is not None
        first = await llm.ask(
            "writeBackstory", {"__type": "BackstoryInput", "concept": "a smuggler queen"}
        )
        first_id = first["generation"]["id"]
        second = await llm.ask(
            "refineGeneration",
            {"__type": REFINE, "generationId": first_id, "instruction": "make her more tragic"},
        )
        sent = llm.sent()
        roles = [m["role"] for m in sent["messages"]]
        assert roles == ["system", "user", "assistant", "user"]
        assert sent["messages"][2]["content"] == json.dumps(
            first["generation"]["data"], separators=(",", ":")
        )
        assert "make her more tragic" in sent["messages"][3]["content"]
        third = await llm.ask(
            "refineGeneration",
            {
                "__type": REFINE,
                "generationId": second["generation"]["id"],
                "instruction": "give her a sister",
            },
        )
        roles = [m["role"] for m in llm.sent()["messages"]]
        assert roles == ["system", "user", "assistant", "user", "assistant", "user"]
        assert "make her more tragic" in llm.sent()["messages"][3]["content"]
        assert third["generation"]["threadId"] == first_id
        assert third["generation"]["parentId"] == second["generation"]["id"]
        thread = (await gql(llm.http, THREAD, {"id": third["generation"]["id"]}, llm.auth))["data"]
        turns = thread["generationThread"]["turns"]
        assert [t["id"] for t in turns] == [
            first_id,
            second["generation"]["id"],
            third["generation"]["id"],
        ]
        assert [t["prompt"] for t in turns[1:]] == ["make her more tragic", "give her a sister"]
        stranger = await gql(llm.http, THREAD, {"id": first_id}, llm.tokens.headers(uuid.uuid4()))
        assert stranger["data"] == {"generationThread": None}
        refused = await replace(llm, auth=llm.tokens.headers(uuid.uuid4())).ask(
            "refineGeneration", {"__type": REFINE, "generationId": first_id, "instruction": "x"}
        )
        assert [e["code"] for e in refused["userErrors"]] == ["NOT_FOUND"]


async def test_offline_refinement_says_what_changed_and_strangers_cannot_refine(
    tmp_path: Path,
) -> None:
    async with service(tmp_path, hosted=False) as llm:
        first = await llm.ask("narrateEncounter", {"__type": "NarrationInput", "events": EVENTS})
        refined = await llm.ask(
            "refineGeneration",
            {
                "__type": REFINE,
                "generationId": first["generation"]["id"],
                "instruction": "more blood",
            },
        )
        assert "Revised: More blood." in refined["generation"]["output"]
        assert refined["generation"]["purpose"] == "ENCOUNTER_NARRATION"
        missing = await llm.ask(
            "refineGeneration",
            {"__type": REFINE, "generationId": str(uuid.uuid4()), "instruction": "x"},
        )
        assert [(e["path"], e["code"]) for e in missing["userErrors"]] == [
            (["input", "generationId"], "NOT_FOUND")
        ]


async def test_concurrent_npc_lines_all_answer(tmp_path: Path) -> None:
    async with service(tmp_path, hosted=True) as llm:
        asked = [
            llm.ask(
                "speakAsNpc",
                {"__type": "NpcDialogueInput", "persona": PERSONA, "playerLine": f"question {n}"},
            )
            for n in range(6)
        ]
        answers = await asyncio.gather(*asked)
        assert all(a["generation"]["provider"] == "openai" for a in answers)
        assert len({a["generation"]["id"] for a in answers}) == 6
