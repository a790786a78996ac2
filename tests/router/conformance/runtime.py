"""Everything a corpus run needs, started once: fake subgraphs, the routers, Apollo Gateway.

``CorpusServers`` serves all fake subgraphs from one uvicorn app and all routers (one per case,
mounted at ``/<case>``) from another. Apollo Gateway is started separately (``with_apollo``) since
only the differential test and the generator need it. ``run`` resets the case's mutable state
before each operation, so the router and Apollo Gateway see the same starting point.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.routing import Mount

from router.app import create_app
from tests.router.conformance.corpus import Case, Operation
from tests.router.conformance.fake_subgraph import FakeSubgraphs
from tests.router.conformance.servers import ApolloProcess, background_app
from tests.router.conformance.supergraphs import subgraph_urls, supergraph_sdl


@dataclass
class CorpusServers:
    subgraphs_url: str
    routers_url: str
    client: httpx.Client
    router_failures: dict[str, str] = field(default_factory=dict)  # case -> start-up error
    apollo_url: str | None = None
    apollo_process: ApolloProcess | None = None  # started by the session, if it needs one
    _apollo_answers: dict[tuple[str, str], Any] = field(default_factory=dict)

    def reset(self, case: Case) -> None:
        response = self.client.post(f"{self.subgraphs_url}/{case.name}/__reset")
        response.raise_for_status()

    def _post(self, url: str, operation: Operation) -> Any:
        response = self.client.post(url, json=operation.body(),
                                    headers={"accept": "application/json"})
        try:
            return response.json()
        except ValueError:
            return {"http_status": response.status_code, "body": response.text[:2000]}

    def run_router(self, case: Case, operation: Operation) -> Any:
        self.reset(case)
        return self._post(f"{self.routers_url}/{case.name}/graphql", operation)

    def run_apollo(self, case: Case, operation: Operation) -> Any:
        assert self.apollo_url is not None, "Apollo Gateway was not started"
        self.reset(case)
        return self._post(f"{self.apollo_url}/{case.name}/graphql", operation)

    def apollo_answer(self, case: Case, operation: Operation) -> Any:
        """Apollo Gateway's response, asked once per session (it is deterministic)."""
        key = (case.name, operation.name)
        if key not in self._apollo_answers:
            self._apollo_answers[key] = self.run_apollo(case, operation)
        return self._apollo_answers[key]

    def start_apollo(self, cases: tuple[Case, ...]) -> ApolloProcess:
        """Start Apollo Gateway for ``cases`` in the background (see ``use_apollo``)."""
        entries = [{"name": case.name, "supergraphSdl": supergraph_sdl(case),
                    "urls": subgraph_urls(case, self.subgraphs_url)} for case in cases]
        return ApolloProcess(entries)

    def use_apollo(self, process: ApolloProcess) -> None:
        """Wait for ``process`` to be ready and send ``run_apollo`` to it."""
        self.apollo_url = process.base_url()
        self._apollo_answers.clear()

    @contextlib.contextmanager
    def with_apollo(self, cases: tuple[Case, ...]) -> Iterator[CorpusServers]:
        process = self.start_apollo(cases)
        try:
            self.use_apollo(process)
            yield self
        finally:
            self.apollo_url = None
            process.stop()


def _routers(cases: tuple[Case, ...], subgraphs_url: str
             ) -> tuple[Starlette, dict[str, str], list[Starlette]]:
    mounts, failures, apps = [], {}, []
    for case in cases:
        try:
            app = create_app(supergraph_sdl(case),
                             subgraph_url_overrides=subgraph_urls(case, subgraphs_url))
        except Exception as error:  # reported by every test of the case, not fatal to others
            failures[case.name] = f"{type(error).__name__}: {error}"
            continue
        apps.append(app)
        mounts.append(Mount(f"/{case.name}", app=app))
    return Starlette(routes=mounts), failures, apps


@contextlib.contextmanager
def corpus_servers(cases: tuple[Case, ...]) -> Iterator[CorpusServers]:
    fakes = FakeSubgraphs(cases)
    with background_app(fakes.app()) as subgraphs_url:
        routers, failures, _apps = _routers(cases, subgraphs_url)
        with background_app(routers) as routers_url, httpx.Client(timeout=30) as client:
            yield CorpusServers(subgraphs_url, routers_url, client, failures)
