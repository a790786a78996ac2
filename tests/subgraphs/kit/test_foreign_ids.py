"""The kit's foreign-ID checks against the real graph (router and every service, on loopback):
each question is asked as the caller, so the answer is what the caller may see."""

from __future__ import annotations

import uuid

import pytest

from subgraphs.kit.foreign_ids import Caller, ForeignIds, require_own_character
from subgraphs.kit.outcomes import Rejected, Unavailable
from tests.catalog.srd_files import real_srd_dir
from tests.graph import BackgroundGraph
from tests.support import TokenFactory, free_port


def caller(graph: BackgroundGraph, user_id: uuid.UUID | None = None) -> Caller:
    user_id = user_id or uuid.uuid4()
    return Caller(user_id, graph.tokens.mint(user_id))


async def test_a_characters_owner_is_told_only_to_whom_it_is_visible(
    graph: BackgroundGraph,
) -> None:
    ids = ForeignIds(graph.router_url)
    alice, bob = caller(graph), caller(graph)
    private = await graph.character(alice.user_id)
    public = await graph.character(alice.user_id, public=True)
    gone = await graph.character(alice.user_id)
    await graph.delete_character(alice.user_id, gone)

    assert await ids.character_owner(alice, uuid.UUID(private)) == alice.user_id
    assert await ids.character_owner(bob, uuid.UUID(private)) is None
    assert await ids.character_owner(bob, uuid.UUID(public)) == alice.user_id
    assert await ids.character_owner(alice, uuid.UUID(gone)) is None
    assert await ids.character_owner(alice, uuid.uuid4()) is None

    await require_own_character(ids, alice, uuid.UUID(public), ("input", "characterId"))
    with pytest.raises(Rejected) as caught:
        await require_own_character(ids, bob, uuid.UUID(public), ("input", "characterId"))
    [problem] = caught.value.problems
    assert (problem.path, problem.code) == (("input", "characterId"), "NOT_FOUND")


async def test_campaign_membership_users_and_generations(graph: BackgroundGraph) -> None:
    ids = ForeignIds(graph.router_url)
    gm, stranger = caller(graph), caller(graph)
    created = await graph.ask(
        """mutation($i: CreateCampaignInput!) {
          createCampaign(input: $i) { campaign { id } } }""",
        {"i": {"name": "Far Shore", "type": "TRADITIONAL"}},
        as_user=gm.user_id,
    )
    campaign = uuid.UUID(created["createCampaign"]["campaign"]["id"])
    assert await ids.is_campaign_member(gm, campaign)
    assert not await ids.is_campaign_member(stranger, campaign)
    unknown = uuid.uuid4()
    assert await ids.campaigns_of_caller(gm, [campaign, unknown, campaign]) == {campaign}
    assert await ids.campaigns_of_caller(stranger, [campaign]) == set()
    assert await ids.campaigns_of_caller(stranger, []) == set()

    user = await graph.user()
    assert await ids.user_exists(stranger, user)
    assert not await ids.user_exists(stranger, uuid.uuid4())

    made = await graph.ask(
        "mutation($i: GenerateInput!) { generate(input: $i) { generation { id } } }",
        {"i": {"prompt": "a lighthouse keeper"}},
        as_user=gm.user_id,
    )
    generation = uuid.UUID(made["generate"]["generation"]["id"])
    assert await ids.generation_is_callers(gm, generation)
    assert not await ids.generation_is_callers(stranger, generation)


async def test_creatures_of_the_srd_and_readable_homebrew(graph: BackgroundGraph) -> None:
    real_srd_dir()  # the background catalog imported it (skips locally without it)
    ids = ForeignIds(graph.router_url)
    author, other = caller(graph), caller(graph)
    assert await ids.creature_readable(other, "creature/goblin-warrior")
    assert not await ids.creature_readable(other, "creature/no-such-beast")
    brewed = await graph.ask(
        """mutation($i: CreateHomebrewInput!) {
          createHomebrew(input: $i) { entry { slug } userErrors { path code } } }""",
        {
            "i": {
                "kind": "FEAT",
                "name": "Not A Beast",
                "mechanics": {"category": "general", "minimum_level": 4},
            }
        },
        as_user=author.user_id,
    )
    feat = brewed["createHomebrew"]["entry"]["slug"]
    assert not await ids.creature_readable(author, feat)  # readable, but not a creature


async def test_an_unreachable_or_refusing_graph_is_unavailable(graph: BackgroundGraph) -> None:
    nowhere = ForeignIds(f"http://127.0.0.1:{free_port()}/graphql")
    with pytest.raises(Unavailable, match="try again"):
        await nowhere.character_owner(caller(graph), uuid.uuid4())
    # A token the router does not trust is refused at its edge (401).
    forged = Caller(uuid.uuid4(), TokenFactory().mint())
    with pytest.raises(Unavailable, match="sign in again"):
        await ForeignIds(graph.router_url).character_owner(forged, uuid.uuid4())
