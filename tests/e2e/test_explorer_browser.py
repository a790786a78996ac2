"""The explorer in a real browser (issue 9, hole 9): headless Chromium, offline, README flows.

The page must load everything from the router (every request to another host is refused and
counted), run the README's query, and run the README's live-combat flow as a newcomer would:
sign in as the demo game master in the explorer, find the demo encounter, paste the token into
the Headers tab, subscribe, and see a change made elsewhere arrive.

Needs Chromium (Debian's ``chromium``, at ``/usr/bin/chromium`` or ``$CHROMIUM``): skipped
without it locally, required in CI (``.ci/run`` installs it).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import pytest_asyncio

from infra.demo import DEMO_PASSWORD, GAME_MASTER
from infra.stack import Stack
from tests.conftest import IN_CI
from tests.e2e.isolated import isolated_stack, post_graphql
from tests.e2e.test_combat_live import readme_subscription
from tests.e2e.test_stack import readme_sample_query

pytestmark = pytest.mark.asyncio(loop_scope="module")

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
WAIT_MS = 20_000
EDIT_SETTLE_MS = 600
LOGIN = """mutation SignIn($i: LoginInput!) {
  login(input: $i) { accessToken userErrors { code } } }"""
ENCOUNTERS = """query Fights {
  campaigns(first: 5) { edges { node { name encounters(first: 5) {
    edges { node { id version combatants { id name } } } } } } } }"""
DAMAGE = """mutation($i: HitPointsInput!) {
  applyDamage(input: $i) { encounter { version } userErrors { code } } }"""


def chromium() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if Path(path).exists():
        return path
    if IN_CI:
        pytest.fail("Chromium is not installed, and CI=true requires it (apt-get install chromium)")
    pytest.skip("Chromium is not installed (apt-get install chromium)")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    chromium()
    async with isolated_stack(tmp_path_factory.mktemp("var"), demo=True) as running:
        yield running


class Explorer:
    """The explorer page, driven as a person would: type into its editors, press Run."""

    def __init__(self, page: Any) -> None:
        self.page = page

    async def set_editor(self, selector: str, text: str, index: int = 0) -> None:
        await self.page.evaluate(
            "([selector, index, text]) => "
            "document.querySelectorAll(selector)[index].CodeMirror.setValue(text)",
            [selector, index, text],
        )

    async def result(self) -> str:
        text: str = await self.page.evaluate(
            "() => document.querySelector('.result-window .CodeMirror').CodeMirror.getValue()"
        )
        return text

    async def run(self, query: str, variables: dict[str, Any] | None = None,
                  headers: dict[str, str] | None = None) -> dict[str, Any]:
        await self.set_editor(".graphiql-query-editor .CodeMirror", query)
        await self.set_editor(".graphiql-editor-tool .CodeMirror", json.dumps(variables or {}), 0)
        await self.set_editor(".graphiql-editor-tool .CodeMirror", json.dumps(headers or {}), 1)
        # GraphiQL reads the edited document (its operation name) after a short debounce; a
        # person pauses that long between typing and pressing Run.
        await self.page.wait_for_timeout(EDIT_SETTLE_MS)
        before = await self.result()
        await self.page.click(".graphiql-execute-button")
        return await self.next_result(before)

    async def next_result(self, before: str) -> dict[str, Any]:
        """The result pane once it shows something other than ``before``."""
        await self.page.wait_for_function(
            "(before) => { const text = document.querySelector('.result-window .CodeMirror')"
            ".CodeMirror.getValue(); return text.trim().startsWith('{') && text !== before; }",
            arg=before, timeout=WAIT_MS,
        )
        shown: dict[str, Any] = json.loads(await self.result())
        return shown


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def explorer(stack: Stack) -> AsyncIterator[tuple[Explorer, list[str]]]:
    from playwright.async_api import async_playwright

    foreign: list[str] = []  # every request the page tried to send off this machine

    async def only_loopback(route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            await route.continue_()
        else:
            foreign.append(route.request.url)
            await route.abort()

    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch_persistent_context(
                profile, executable_path=chromium(), headless=True, args=CHROMIUM_FLAGS,
            )
            try:
                page = await browser.new_page()
                await page.route("**/*", only_loopback)
                await page.goto(stack.router_url)
                await page.wait_for_selector(".graphiql-execute-button", timeout=WAIT_MS)
                yield Explorer(page), foreign
            finally:
                await browser.close()


async def test_the_page_loads_from_the_router_alone(
    explorer: tuple[Explorer, list[str]],
) -> None:
    page, foreign = explorer[0].page, explorer[1]
    assert foreign == []
    assert await page.evaluate("() => typeof GraphiQL === 'function' && typeof graphqlWs")


async def test_the_readme_query_runs_in_the_explorer(
    explorer: tuple[Explorer, list[str]],
) -> None:
    shown = await explorer[0].run(readme_sample_query())
    assert "errors" not in shown, shown
    node = shown["data"]["publicCharacters"]["edges"][0]["node"]
    assert node["name"] == "Seraphine Vael"
    assert node["class"] == {"name": "Wizard", "hitDie": 6}
    assert node["portrait"]["contentType"] == "image/png"


async def test_the_readme_subscription_streams_in_the_explorer(
    stack: Stack, explorer: tuple[Explorer, list[str]],
) -> None:
    page = explorer[0]
    signed_in = await page.run(
        LOGIN, {"i": {"email": GAME_MASTER["email"], "password": DEMO_PASSWORD}}
    )
    assert "data" in signed_in, signed_in
    token = signed_in["data"]["login"]["accessToken"]
    headers = {"Authorization": f"Bearer {token}"}
    fights = await page.run(ENCOUNTERS, headers=headers)
    assert "data" in fights, fights
    court = next(edge["node"] for edge in fights["data"]["campaigns"]["edges"]
                 if edge["node"]["name"] == "The Mirror Court")
    encounter = court["encounters"]["edges"][0]["node"]

    first = await page.run(readme_subscription(), {"id": encounter["id"]}, headers)
    state = first["data"]["combatState"]
    names = [combatant["name"] for combatant in state["combatants"]]
    assert "The Mirror Double" in names  # the game master sees the hidden combatant

    # A change made elsewhere (a second tab) arrives in the open subscription.
    target = next(c for c in state["combatants"] if c["name"] == "Goblin Sneak")
    before = await page.result()
    hit = (await post_graphql(stack.router_url, DAMAGE, {"i": {
        "encounterId": encounter["id"], "expectedVersion": encounter["version"],
        "combatantId": next(c["id"] for c in encounter["combatants"]
                            if c["name"] == "Goblin Sneak"),
        "amount": 1,
    }}, token)).json()
    assert hit["data"]["applyDamage"]["userErrors"] == []
    update = (await page.next_result(before))["data"]["combatState"]
    hurt = next(c for c in update["combatants"] if c["name"] == "Goblin Sneak")
    assert hurt["currentHp"] == target["currentHp"] - 1
    assert explorer[1] == []  # still nothing sent off this machine
