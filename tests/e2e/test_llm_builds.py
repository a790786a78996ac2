"""Any concept to a legal character, end to end: with no model configured, buildFromConcept
through the real router returns rules-valid builds that reuse the catalog's SRD entries."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from infra.stack import Stack
from rules.validation import validate_data
from tests.e2e.isolated import isolated_stack

pytestmark = pytest.mark.asyncio(loop_scope="module")
BUILD = """mutation($input: BuildFromConceptInput!) {
  buildFromConcept(input: $input) {
    generation { id purpose provider model output catalog { status } }
    proposals {
      title summary document spells source repairs
      reasons { part choice because slug words }
      adaptations { part kind name note ofSlug balanceWarnings }
    }
    userErrors { path code message }
  }
}"""
CREATE = """mutation($input: CreateCharacterInput!) {
  createCharacter(input: $input) {
    character { name level class { name } problems { code } }
    userErrors { path code message }
  }
}"""
REGISTER = """mutation($input: RegisterInput!) { register(input: $input) { accessToken } }"""
FIRE_SPELLS = {"spell/fire-bolt", "spell/burning-hands", "spell/produce-flame", "spell/fireball"}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[tuple[Stack, str]]:
    async with isolated_stack(tmp_path_factory.mktemp("var")) as running:
        account = {
            "email": "builder@example.org",
            "password": "a long passphrase 9",
            "displayName": "B",
        }
        data = await post(running, REGISTER, {"input": account})
        yield running, data["register"]["accessToken"]


async def post(
    stack: Stack, query: str, variables: dict[str, Any], token: str | None = None
) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(timeout=60) as http:
        response = await http.post(
            stack.router_url, json={"query": query, "variables": variables}, headers=headers
        )
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


async def build(stack: tuple[Stack, str], **input: Any) -> dict[str, Any]:
    running, token = stack
    data = await post(running, BUILD, {"input": input}, token)
    payload: dict[str, Any] = data["buildFromConcept"]
    return payload


@pytest.mark.parametrize("level", [1, 5])
async def test_the_fire_wielding_monk_raised_by_dragons(
    stack: tuple[Stack, str], level: int
) -> None:
    made = await build(stack, concept="a fire-wielding monk raised by dragons", level=level)
    assert made["userErrors"] == []
    generation = made["generation"]
    assert (generation["purpose"], generation["provider"]) == ("BUILD_PROPOSALS", "offline")
    assert generation["output"].startswith("[Built offline")  # says no model was used
    assert generation["catalog"]["status"] == "CONSULTED"
    best = made["proposals"][0]
    document = best["document"]
    assert validate_data(document) == []  # the rules engine itself accepts it
    assert document["classes"] == [
        {
            "class": "monk",
            "level": level,
            **({"subclass": "warrior-of-the-open-hand"} if level >= 3 else {}),
        }
    ]
    assert document["identity"]["species"] == "dragonborn"
    assert document["identity"]["lineage"] == "red"  # a fire ancestry
    assert FIRE_SPELLS & set(best["spells"]), best["spells"]
    reused = {r["slug"] for r in best["reasons"] if r["slug"]}
    assert {"class/monk", "species/dragonborn"} <= reused
    species = next(r for r in best["reasons"] if r["part"] == "species")
    assert "dragons" in species["because"]
    assert best["source"] == "planner"
    for proposal in made["proposals"]:
        assert validate_data(proposal["document"]) == []
        assert sum(c["level"] for c in proposal["document"]["classes"]) == level
    if level == 5:
        assert document["improvements"] == [
            {"kind": "asi", "class": "monk", "class_level": 4, "increases": {"dex": 2}}
        ]


async def test_a_concept_beyond_the_srd_is_a_reskin(stack: tuple[Stack, str]) -> None:
    made = await build(stack, concept="a clockwork golem bard")
    best = made["proposals"][0]
    assert validate_data(best["document"]) == []
    assert best["document"]["classes"][0]["class"] == "bard"
    [adaptation] = best["adaptations"]
    assert (adaptation["kind"], adaptation["name"], adaptation["part"]) == (
        "RESKIN",
        "Clockwork Golem",
        "species",
    )
    assert adaptation["ofSlug"] == f"species/{best['document']['identity']['species']}"


async def test_constraints_and_bad_input(stack: tuple[Stack, str]) -> None:
    made = await build(
        stack,
        concept="a fire-wielding monk raised by dragons",
        level=3,
        constraints={"className": "Wizard", "species": "tiefling", "abilityMethod": "POINT_BUY"},
    )
    for proposal in made["proposals"]:
        document = proposal["document"]
        assert validate_data(document) == []
        assert document["classes"][0]["class"] == "wizard"
        assert document["identity"]["species"] == "tiefling"
        assert document["abilities"]["method"] == "point-buy"
    refused = await build(
        stack, concept="  ", level=25, constraints={"className": "Astronaut", "maxProposals": 9}
    )
    assert refused["generation"] is None and refused["proposals"] == []
    assert {(tuple(e["path"]), e["code"]) for e in refused["userErrors"]} == {
        (("input", "concept"), "CONCEPT_REQUIRED"),
        (("input", "level"), "LEVEL_OUT_OF_RANGE"),
        (("input", "constraints", "maxProposals"), "MAX_PROPOSALS_OUT_OF_RANGE"),
    }
    unknown = await build(stack, concept="a monk", constraints={"className": "Astronaut"})
    assert [(e["path"], e["code"]) for e in unknown["userErrors"]] == [
        (["input", "constraints", "className"], "UNKNOWN_CLASS")
    ]
    assert "Monk" in unknown["userErrors"][0]["message"]  # it lists what exists


async def test_accepting_a_proposal_creates_the_character(stack: tuple[Stack, str]) -> None:
    """One sentence to a playable sheet in two operations, both through the router."""
    running, token = stack
    for level in (1, 5):
        made = await build(stack, concept="a fire-wielding monk raised by dragons", level=level)
        for proposal in made["proposals"]:
            data = await post(running, CREATE, {"input": {"document": proposal["document"]}}, token)
            created = data["createCharacter"]
            assert created["userErrors"] == [], created["userErrors"]
            character = created["character"]
            assert character["level"] == level and character["problems"] == []
        assert made["proposals"][0]["document"]["classes"][0]["class"] == "monk"
