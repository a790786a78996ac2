"""Everything a corpus run needs, started once: fake subgraphs, the routers, the references.

``CorpusServers`` serves all fake subgraphs from one uvicorn app and all routers (one per case,
mounted at ``/<case>``) from another. The reference gateways (Apollo Gateway and Hive Gateway, one
node process) are started separately (``with_references``) since only the differential tests and the
generator need them. ``run`` resets the case's mutable state before each operation, so the
router and the references see the same starting point.
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
from tests.router.conformance.servers import ReferenceProcess, background_app
from tests.router.conformance.supergraphs import subgraph_urls, supergraph_sdl


@dataclass
class CorpusServers:
    subgraphs_url: str
    routers_url: str
    client: httpx.Client
    router_failures: dict[str, str] = field(default_factory=dict)  # case -> start-up error
    references_url: str | None = None
    references_process: ReferenceProcess | None = None  # started by the session, if it needs one
    _answers: dict[tuple[str, str, str], Any] = field(default_factory=dict)

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

    def run_reference(self, gateway: str, case: Case, operation: Operation) -> Any:
        """Run ``operation`` on reference ``gateway``: ``apollo`` or ``hive``."""
        assert self.references_url is not None, "the reference gateways were not started"
        self.reset(case)
        return self._post(f"{self.references_url}/{gateway}/{case.name}/graphql", operation)

    def run_apollo(self, case: Case, operation: Operation) -> Any:
        return self.run_reference("apollo", case, operation)

    def reference_answer(self, gateway: str, case: Case, operation: Operation) -> Any:
        """A reference gateway's response, asked once per session (it is deterministic)."""
        key = (gateway, case.name, operation.name)
        if key not in self._answers:
            self._answers[key] = self.run_reference(gateway, case, operation)
        return self._answers[key]

    def apollo_answer(self, case: Case, operation: Operation) -> Any:
        return self.reference_answer("apollo", case, operation)

    def hive_answer(self, case: Case, operation: Operation) -> Any:
        return self.reference_answer("hive", case, operation)

    def start_references(self, cases: tuple[Case, ...]) -> ReferenceProcess:
        """Start the reference gateways for ``cases`` in the background (see ``use_references``)."""
        entries = [{"name": case.name, "supergraphSdl": supergraph_sdl(case),
                    "urls": subgraph_urls(case, self.subgraphs_url)} for case in cases]
        return ReferenceProcess(entries)

    def use_references(self, process: ReferenceProcess) -> None:
        """Wait for ``process`` to be ready and send ``run_apollo`` to it."""
        self.references_url = process.base_url()
        self._answers.clear()

    @contextlib.contextmanager
    def with_references(self, cases: tuple[Case, ...]) -> Iterator[CorpusServers]:
        process = self.start_references(cases)
        try:
            self.use_references(process)
            yield self
        finally:
            self.references_url = None
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
