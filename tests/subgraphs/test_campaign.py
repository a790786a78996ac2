"""The campaign subgraph over HTTP, on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from infra.db.engine import create_engine, session_factory
from infra.db.migrations import upgrade
from subgraphs.campaign import services
from subgraphs.campaign.app import MIGRATIONS, build
from subgraphs.campaign.models import CampaignRow, MembershipRow, OutboxEvent
from tests.graph import BackgroundGraph
from tests.subgraphs.harness import serve_subgraph
from tests.support import TokenFactory, free_port, gql

CREATE = """
mutation($input: CreateCampaignInput!) {
  createCampaign(input: $input) {
    campaign { id name description type version gameMaster { id } members { role user { id } } }
    userErrors { path code message }
  }
}"""
JOIN = """
mutation($input: JoinCampaignInput!) {
  joinCampaign(input: $input) {
    campaign { id party { id } members { role user { id } character { id } } }
    userErrors { path code message }
  }
}"""
LEAVE = """
mutation($input: LeaveCampaignInput!) {
  leaveCampaign(input: $input) { campaignId userErrors { path code } }
}"""
UPDATE = """
mutation($input: UpdateCampaignInput!) {
  updateCampaign(input: $input) {
    campaign { name description version } userErrors { path code }
  }
}"""
DELETE = """
mutation($input: DeleteCampaignInput!) {
  deleteCampaign(input: $input) { campaign { id } userErrors { path code } }
}"""
ONE = """query($id: ID!) { campaign(id: $id) { name version party { id } } }"""
LIST = """query($first: Int!, $after: String) {
  campaigns(first: $first, after: $after) {
    edges { cursor node { name } } pageInfo { hasNextPage endCursor }
  }
}"""
CHARACTER_CAMPAIGNS = """query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Character { id campaigns { name } }
  }
}"""
CAMPAIGN_REFERENCE = """query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Campaign { id name } }
}"""

Client = tuple[httpx.AsyncClient, TokenFactory]


@pytest.fixture
async def client(database_url: str, graph: BackgroundGraph) -> AsyncIterator[Client]:
    env = {"CAMPAIGN_DATABASE_URL": database_url}
    async with serve_subgraph(build, env, graph=graph) as served:
        yield served


class Person:
    """A signed-in user of the test: their ID and the headers that carry their token."""

    def __init__(self, tokens: TokenFactory) -> None:
        self.id = uuid.uuid4()
        self.auth = tokens.headers(self.id)


async def hero(graph: BackgroundGraph, person: Person, name: str = "Hero") -> str:
    """A new character of ``person``'s, created at the character service; its ID."""
    return await graph.character(person.id, name)


async def create(
    http: httpx.AsyncClient, auth: dict[str, str], name: str, **fields: Any
) -> dict[str, Any]:
    result = await gql(
        http, CREATE, {"input": {"name": name, "type": "TRADITIONAL", **fields}}, auth
    )
    payload: dict[str, Any] = result["data"]["createCampaign"]
    assert payload["userErrors"] == []
    campaign: dict[str, Any] = payload["campaign"]
    return campaign


async def join(
    http: httpx.AsyncClient, auth: dict[str, str], campaign_id: str, character_id: str
) -> dict[str, Any]:
    result = await gql(
        http, JOIN, {"input": {"campaignId": campaign_id, "characterId": character_id}}, auth
    )
    payload: dict[str, Any] = result["data"]["joinCampaign"]
    return payload


def codes(payload: dict[str, Any]) -> set[tuple[tuple[str, ...], str]]:
    return {(tuple(e["path"]), e["code"]) for e in payload["userErrors"]}


def names(result: dict[str, Any]) -> list[str]:
    return [edge["node"]["name"] for edge in result["data"]["campaigns"]["edges"]]


async def test_create_join_and_see_the_party(client: Client, graph: BackgroundGraph) -> None:
    http, tokens = client
    gm_id, player_id = uuid.uuid4(), uuid.uuid4()
    gm, player, stranger = tokens.headers(gm_id), tokens.headers(player_id), tokens.headers()
    campaign = await create(
        http, gm, "  The Sunless Road ", type="ANTITHETICON", description=" Who is who? "
    )
    assert (campaign["name"], campaign["description"]) == ("The Sunless Road", "Who is who?")
    assert (campaign["type"], campaign["version"]) == ("ANTITHETICON", 1)
    assert campaign["gameMaster"] == {"id": str(gm_id)}
    assert campaign["members"] == [{"role": "GAME_MASTER", "user": {"id": str(gm_id)}}]

    character = await graph.character(player_id)
    joined = await join(http, player, campaign["id"], character)
    assert joined["userErrors"] == []
    assert joined["campaign"]["party"] == [{"id": character}]
    assert joined["campaign"]["members"] == [
        {"role": "GAME_MASTER", "user": {"id": str(gm_id)}, "character": None},
        {"role": "PLAYER", "user": {"id": str(player_id)}, "character": {"id": character}},
    ]

    for viewer in (gm, player):
        seen = await gql(http, ONE, {"id": campaign["id"]}, viewer)
        assert seen["data"]["campaign"] == {
            "name": "The Sunless Road",
            "version": 1,  # joining changes the party, not the campaign's own fields
            "party": [{"id": character}],
        }
        assert names(await gql(http, LIST, {"first": 10}, viewer)) == ["The Sunless Road"]
    assert (await gql(http, ONE, {"id": campaign["id"]}, stranger))["data"]["campaign"] is None
    assert names(await gql(http, LIST, {"first": 10}, stranger)) == []


async def test_duplicates_are_rejected_and_leaving_frees_the_seat(
    client: Client, graph: BackgroundGraph
) -> None:
    http, tokens = client
    gm, alice = Person(tokens), Person(tokens)
    campaign = await create(http, gm.auth, "Red Marches")
    sword, shield = await hero(graph, alice, "Sword"), await hero(graph, alice, "Shield")
    assert (await join(http, alice.auth, campaign["id"], sword))["userErrors"] == []

    twice = await join(http, alice.auth, campaign["id"], shield)
    assert codes(twice) == {(("input", "campaignId"), "ALREADY_A_MEMBER")}
    game_master = await join(http, gm.auth, campaign["id"], await hero(graph, gm))
    assert codes(game_master) == {(("input", "campaignId"), "ALREADY_A_MEMBER")}
    party = await gql(http, ONE, {"id": campaign["id"]}, gm.auth)
    assert party["data"]["campaign"]["party"] == [{"id": sword}]

    leave = {"input": {"campaignId": campaign["id"]}}
    gm_leaves = await gql(http, LEAVE, leave, gm.auth)
    assert gm_leaves["data"]["leaveCampaign"]["userErrors"] == [
        {"path": ["input", "campaignId"], "code": "GAME_MASTER_CANNOT_LEAVE"}
    ]
    left = await gql(http, LEAVE, leave, alice.auth)
    assert left["data"]["leaveCampaign"] == {"campaignId": campaign["id"], "userErrors": []}
    assert (await gql(http, ONE, {"id": campaign["id"]}, alice.auth))["data"]["campaign"] is None
    again = await gql(http, LEAVE, leave, alice.auth)
    assert codes(again["data"]["leaveCampaign"]) == {(("input", "campaignId"), "NOT_FOUND")}

    # The soft-deleted membership no longer holds the character's seat.
    rejoined = await join(http, alice.auth, campaign["id"], sword)
    assert rejoined["userErrors"] == []
    assert rejoined["campaign"]["party"] == [{"id": sword}]


async def test_only_a_character_of_ones_own_joins_and_the_refusal_reveals_nothing(
    client: Client, graph: BackgroundGraph
) -> None:
    """The IDOR of issue 9: joining with someone else's private character let the party read
    it. The character service decides, through the graph, and every way of not owning a
    character gets the same answer."""
    http, tokens = client
    gm, eve, bob = Person(tokens), Person(tokens), Person(tokens)
    campaign = await create(http, gm.auth, "Thieves' Guild")
    private = await hero(graph, bob, "Bob's secret rogue")
    public = await graph.character(bob.id, "Bob's famous bard", public=True)
    deleted = await hero(graph, eve, "Eve's retired fighter")
    await graph.delete_character(eve.id, deleted)

    characters = {
        "private": private,
        "public": public,
        "deleted": deleted,
        "never created": str(uuid.uuid4()),
    }
    answers = {
        case: await join(http, eve.auth, campaign["id"], character)
        for case, character in characters.items()
    }
    for case, answer in answers.items():
        assert answer["campaign"] is None, case
        [error] = answer["userErrors"]
        assert (error["path"], error["code"]) == (["input", "characterId"], "NOT_FOUND"), case
        assert "Bob" not in error["message"]
    messages = {
        case: answer["userErrors"][0]["message"].replace(characters[case], "<id>")
        for case, answer in answers.items()
    }
    assert len(set(messages.values())) == 1, messages  # no oracle: one answer for all
    seen = await gql(http, ONE, {"id": campaign["id"]}, gm.auth)
    assert seen["data"]["campaign"]["party"] == []

    # Its owner may bring it, the moment it exists.
    assert (await join(http, bob.auth, campaign["id"], private))["userErrors"] == []


async def test_a_join_is_refused_when_the_graph_cannot_answer(database_url: str) -> None:
    """No router to ask: the join is refused as SERVICE_UNAVAILABLE and nothing changes."""
    dead_router = f"http://127.0.0.1:{free_port()}/graphql"
    env = {"CAMPAIGN_DATABASE_URL": database_url, "ROUTER_URL": dead_router}
    async with serve_subgraph(build, env) as (http, tokens):
        gm, player = Person(tokens), Person(tokens)
        campaign = await create(http, gm.auth, "Cut Off")
        answer = await gql(
            http,
            JOIN,
            {"input": {"campaignId": campaign["id"], "characterId": str(uuid.uuid4())}},
            player.auth,
        )
        assert answer["data"] is None
        assert answer["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        assert "try again" in answer["errors"][0]["message"]
        seen = await gql(http, ONE, {"id": campaign["id"]}, gm.auth)
        assert seen["data"]["campaign"]["party"] == []


async def test_a_full_campaign_turns_players_away(
    client: Client, graph: BackgroundGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    http, tokens = client
    monkeypatch.setattr(services, "MAX_PLAYERS", 1)
    gm, first, second = Person(tokens), Person(tokens), Person(tokens)
    campaign = await create(http, gm.auth, "Small Table")
    seated = await join(http, first.auth, campaign["id"], await hero(graph, first))
    assert seated["userErrors"] == []
    full = await join(http, second.auth, campaign["id"], await hero(graph, second))
    assert codes(full) == {(("input", "campaignId"), "CAMPAIGN_FULL")}


async def test_character_entities_list_only_campaigns_the_viewer_shares(
    client: Client, graph: BackgroundGraph
) -> None:
    http, tokens = client
    people = [Person(tokens) for _ in range(4)]
    gm, player, other_player, stranger = (person.auth for person in people)
    north = await create(http, gm, "North")
    south = await create(http, gm, "South")
    # The player plays one character in each campaign; another player, a third in North.
    player_ids = (people[1], people[1], people[2])
    hero, sidekick, loner = [await graph.character(person.id) for person in player_ids]
    await join(http, player, north["id"], hero)
    await join(http, player, south["id"], sidekick)
    await join(http, other_player, north["id"], loner)

    representations = [
        {"__typename": "Character", "id": hero},
        {"__typename": "Character", "id": sidekick},
        {"__typename": "Character", "id": loner},
        {"__typename": "Character", "id": str(uuid.uuid4())},  # in no campaign at all
    ]
    as_gm = await gql(http, CHARACTER_CAMPAIGNS, {"representations": representations}, gm)
    assert "errors" not in as_gm, as_gm
    assert [e["campaigns"] for e in as_gm["data"]["_entities"]] == [
        [{"name": "North"}],
        [{"name": "South"}],
        [{"name": "North"}],
        [],
    ]
    assert as_gm["data"]["_entities"][0]["id"] == hero
    # other_player shares North with the hero, but not South with the sidekick.
    as_other = await gql(
        http, CHARACTER_CAMPAIGNS, {"representations": representations}, other_player
    )
    assert [e["campaigns"] for e in as_other["data"]["_entities"]] == [
        [{"name": "North"}],
        [],
        [{"name": "North"}],
        [],
    ]
    as_stranger = await gql(
        http, CHARACTER_CAMPAIGNS, {"representations": representations}, stranger
    )
    assert [e["campaigns"] for e in as_stranger["data"]["_entities"]] == [[], [], [], []]

    await gql(http, DELETE, {"input": {"id": south["id"], "expectedVersion": 1}}, gm)
    after_delete = await gql(
        http, CHARACTER_CAMPAIGNS, {"representations": representations[1:2]}, gm
    )
    assert after_delete["data"]["_entities"] == [{"id": sidekick, "campaigns": []}]


async def test_campaign_references_resolve_only_for_members(client: Client) -> None:
    http, tokens = client
    gm, stranger = tokens.headers(), tokens.headers()
    campaign = await create(http, gm, "Ashfall")
    representations = [
        {"__typename": "Campaign", "id": campaign["id"]},
        {"__typename": "Campaign", "id": "not-a-uuid"},
    ]
    mine = await gql(http, CAMPAIGN_REFERENCE, {"representations": representations}, gm)
    assert mine["data"]["_entities"] == [{"id": campaign["id"], "name": "Ashfall"}, None]
    theirs = await gql(http, CAMPAIGN_REFERENCE, {"representations": representations}, stranger)
    assert theirs["data"]["_entities"] == [None, None]


async def test_only_the_game_master_edits_and_versions_are_checked(
    client: Client, graph: BackgroundGraph
) -> None:
    http, tokens = client
    people = [Person(tokens) for _ in range(3)]
    gm, player, stranger = (person.auth for person in people)
    campaign = await create(http, gm, "Gloomwood", description="Old trees.")
    await join(http, player, campaign["id"], await hero(graph, people[1]))
    rename = {"id": campaign["id"], "expectedVersion": 1, "name": "Mine now"}

    by_player = await gql(http, UPDATE, {"input": rename}, player)
    assert by_player["data"] is None
    assert by_player["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    by_player_delete = await gql(
        http, DELETE, {"input": {"id": campaign["id"], "expectedVersion": 1}}, player
    )
    assert by_player_delete["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    by_stranger = await gql(http, UPDATE, {"input": rename}, stranger)
    assert codes(by_stranger["data"]["updateCampaign"]) == {(("input", "id"), "NOT_FOUND")}

    updated = await gql(
        http,
        UPDATE,
        {
            "input": {
                "id": campaign["id"],
                "expectedVersion": 1,
                "name": " Gloomwood II ",
                "description": "",
            }
        },
        gm,
    )
    assert updated["data"]["updateCampaign"] == {
        "campaign": {"name": "Gloomwood II", "description": None, "version": 2},
        "userErrors": [],
    }
    stale = await gql(http, UPDATE, {"input": {**rename, "name": "Late"}}, gm)
    assert codes(stale["data"]["updateCampaign"]) == {
        (("input", "expectedVersion"), "VERSION_CONFLICT")
    }
    stale_delete = await gql(
        http, DELETE, {"input": {"id": campaign["id"], "expectedVersion": 1}}, gm
    )
    assert codes(stale_delete["data"]["deleteCampaign"]) == {
        (("input", "expectedVersion"), "VERSION_CONFLICT")
    }
    current = await gql(http, ONE, {"id": campaign["id"]}, player)
    assert (current["data"]["campaign"]["name"], current["data"]["campaign"]["version"]) == (
        "Gloomwood II",
        2,
    )

    deleted = await gql(http, DELETE, {"input": {"id": campaign["id"], "expectedVersion": 2}}, gm)
    assert deleted["data"]["deleteCampaign"] == {
        "campaign": {"id": campaign["id"]},
        "userErrors": [],
    }
    for viewer in (gm, player):
        assert (await gql(http, ONE, {"id": campaign["id"]}, viewer))["data"]["campaign"] is None
        assert names(await gql(http, LIST, {"first": 10}, viewer)) == []
    late_join = await join(http, stranger, campaign["id"], await hero(graph, people[2]))
    assert codes(late_join) == {(("input", "campaignId"), "NOT_FOUND")}


async def test_bad_input_is_reported_and_changes_nothing(client: Client) -> None:
    http, tokens = client
    gm = tokens.headers()
    empty = await gql(
        http,
        CREATE,
        {"input": {"name": "   ", "type": "TRADITIONAL", "description": "x" * 4001}},
        gm,
    )
    assert empty["data"]["createCampaign"]["campaign"] is None
    assert codes(empty["data"]["createCampaign"]) == {
        (("input", "name"), "NAME_REQUIRED"),
        (("input", "description"), "DESCRIPTION_TOO_LONG"),
    }
    assert names(await gql(http, LIST, {"first": 10}, gm)) == []
    hidden_text = await gql(
        http,
        CREATE,
        {"input": {"name": "Crown\x00", "type": "TRADITIONAL", "description": "A\u202eB"}},
        gm,
    )
    assert codes(hidden_text["data"]["createCampaign"]) == {
        (("input", "name"), "INVALID_CHARACTERS"),
        (("input", "description"), "INVALID_CHARACTERS"),
    }
    two_lines = await gql(http, CREATE, {"input": {"name": "One\nTwo", "type": "TRADITIONAL"}}, gm)
    assert codes(two_lines["data"]["createCampaign"]) == {(("input", "name"), "INVALID_CHARACTERS")}
    assert names(await gql(http, LIST, {"first": 10}, gm)) == []
    long_key = await gql(
        http,
        CREATE,
        {"input": {"name": "X", "type": "TRADITIONAL", "idempotencyKey": "k" * 81}},
        gm,
    )
    assert codes(long_key["data"]["createCampaign"]) == {
        (("input", "idempotencyKey"), "INVALID_IDEMPOTENCY_KEY")
    }

    unknown_type = await gql(http, CREATE, {"input": {"name": "X", "type": "SANDBOX"}}, gm)
    assert unknown_type.get("data") is None
    assert "SANDBOX" in unknown_type["errors"][0]["message"]
    assert names(await gql(http, LIST, {"first": 10}, gm)) == []

    bad_ids = await join(http, gm, "nope", "also-nope")
    assert codes(bad_ids) == {
        (("input", "campaignId"), "INVALID_ID"),
        (("input", "characterId"), "INVALID_ID"),
    }
    bad_query = await gql(http, ONE, {"id": "nope"}, gm)
    assert bad_query["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    bad_update = await gql(http, UPDATE, {"input": {"id": "nope", "expectedVersion": 1}}, gm)
    assert codes(bad_update["data"]["updateCampaign"]) == {(("input", "id"), "INVALID_ID")}
    bad_cursor = await gql(http, LIST, {"first": 2, "after": "nonsense"}, gm)
    assert bad_cursor["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    too_many = await gql(http, LIST, {"first": 1000}, gm)
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

    campaign = await create(http, gm, "Keep")
    blank_rename = await gql(
        http, UPDATE, {"input": {"id": campaign["id"], "expectedVersion": 1, "name": ""}}, gm
    )
    assert codes(blank_rename["data"]["updateCampaign"]) == {(("input", "name"), "NAME_REQUIRED")}
    bidi_rename = await gql(
        http,
        UPDATE,
        {"input": {"id": campaign["id"], "expectedVersion": 1, "name": "Keep\u2066"}},
        gm,
    )
    assert codes(bidi_rename["data"]["updateCampaign"]) == {
        (("input", "name"), "INVALID_CHARACTERS")
    }
    paragraphs = await gql(
        http,
        UPDATE,
        {"input": {"id": campaign["id"], "expectedVersion": 1, "description": "One.\n\tTwo."}},
        gm,
    )
    assert paragraphs["data"]["updateCampaign"]["userErrors"] == []
    kept = await gql(http, ONE, {"id": campaign["id"]}, gm)
    assert (kept["data"]["campaign"]["name"], kept["data"]["campaign"]["version"]) == ("Keep", 2)


async def test_idempotency_key_returns_the_same_campaign(client: Client) -> None:
    http, tokens = client
    gm, other = tokens.headers(), tokens.headers()
    first = await create(http, gm, "Retry", idempotencyKey="create-1")
    second = await create(http, gm, "Retry", idempotencyKey="create-1")
    assert first["id"] == second["id"]
    assert names(await gql(http, LIST, {"first": 10}, gm)) == ["Retry"]
    # Keys belong to their game master: another user's identical key makes a new campaign.
    others = await create(http, other, "Retry", idempotencyKey="create-1")
    assert others["id"] != first["id"]


async def test_campaigns_page_in_creation_order(client: Client, graph: BackgroundGraph) -> None:
    http, tokens = client
    gm, someone = tokens.headers(), Person(tokens)
    player = someone.auth
    created = [await create(http, gm, name) for name in ["A", "B", "C"]]
    await join(http, player, created[1]["id"], await hero(graph, someone))
    page1 = (await gql(http, LIST, {"first": 2}, gm))["data"]["campaigns"]
    assert [e["node"]["name"] for e in page1["edges"]] == ["A", "B"]
    assert page1["pageInfo"]["hasNextPage"] is True
    page2 = await gql(http, LIST, {"first": 2, "after": page1["pageInfo"]["endCursor"]}, gm)
    assert names(page2) == ["C"]
    assert page2["data"]["campaigns"]["pageInfo"]["hasNextPage"] is False
    assert names(await gql(http, LIST, {"first": 10}, player)) == ["B"]


async def test_every_change_writes_an_event_to_the_outbox(
    client: Client, database_url: str, graph: BackgroundGraph
) -> None:
    http, tokens = client
    gm, someone = tokens.headers(), Person(tokens)
    player = someone.auth
    campaign = await create(http, gm, "Evented")
    character = await hero(graph, someone)
    await join(http, player, campaign["id"], character)
    await gql(http, LEAVE, {"input": {"campaignId": campaign["id"]}}, player)
    await gql(
        http, UPDATE, {"input": {"id": campaign["id"], "expectedVersion": 1, "name": "E2"}}, gm
    )
    await gql(http, DELETE, {"input": {"id": campaign["id"], "expectedVersion": 2}}, gm)
    await gql(http, CREATE, {"input": {"name": "", "type": "TRADITIONAL"}}, gm)  # rejected

    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            events = (
                (await session.execute(select(OutboxEvent).order_by(OutboxEvent.created_at)))
                .scalars()
                .all()
            )
    finally:
        await engine.dispose()
    assert [e.type for e in events] == [
        "campaign.created",
        "campaign.joined",
        "campaign.left",
        "campaign.updated",
        "campaign.deleted",
    ]
    assert {str(e.aggregate_id) for e in events} == {campaign["id"]}
    assert events[1].payload["characterId"] == character
    assert events[3].payload["name"] == "E2"


async def test_sign_in_is_required(client: Client) -> None:
    http, _ = client
    anonymous = await gql(http, LIST, {"first": 1})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    create_anonymously = await gql(http, CREATE, {"input": {"name": "X", "type": "TRADITIONAL"}})
    assert create_anonymously["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    forged = TokenFactory().headers()  # signed by a key the service does not trust
    assert (await gql(http, LIST, {"first": 1}, forged))["errors"][0]["extensions"][
        "code"
    ] == "UNAUTHENTICATED"


async def test_membership_uniqueness_ignores_rows_of_people_who_left(database_url: str) -> None:
    """The partial unique indexes themselves, below the service's own checks (which a race
    between two joins could slip past)."""
    engine = create_engine(database_url)
    try:
        await upgrade(engine, MIGRATIONS)
        sessions = session_factory(engine)
        gm, character = uuid.uuid4(), uuid.uuid4()
        async with sessions.begin() as session:
            campaign = CampaignRow(name="Raw", type="TRADITIONAL", game_master_id=gm)
            session.add(campaign)
            await session.flush()

        def player(user_id: uuid.UUID, character_id: uuid.UUID) -> MembershipRow:
            return MembershipRow(
                campaign_id=campaign.id, user_id=user_id, character_id=character_id, role="PLAYER"
            )

        first = player(uuid.uuid4(), character)
        async with sessions.begin() as session:
            session.add(first)
        with pytest.raises(IntegrityError):  # the same character twice
            async with sessions.begin() as session:
                session.add(player(uuid.uuid4(), character))
        with pytest.raises(IntegrityError):  # the same person twice
            async with sessions.begin() as session:
                session.add(player(first.user_id, uuid.uuid4()))
        async with sessions.begin() as session:
            stored = await session.get(MembershipRow, first.id)
            assert stored is not None
            stored.is_deleted = True
        async with sessions.begin() as session:  # once the first player left, the seat is free
            session.add(player(uuid.uuid4(), character))
        async with sessions() as session:
            rows = (
                (
                    await session.execute(
                        select(MembershipRow).where(MembershipRow.character_id == character)
                    )
                )
                .scalars()
                .all()
            )
        assert sorted(row.is_deleted for row in rows) == [False, True]
    finally:
        await engine.dispose()


async def test_health_answers_when_the_database_does(client: Client) -> None:
    http, _ = client
    response = await http.get("/health")
    assert response.status_code == 200
    assert response.json()["service"] == "campaign"
