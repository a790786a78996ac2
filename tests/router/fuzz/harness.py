"""One generated world, end to end: compose it, serve it, ask three gateways, compare.

``Harness`` owns what lives for a whole run: the fake subgraph server (uvicorn in a thread,
cases added and removed as they come), the node process with Apollo Gateway, Hive Gateway and
the composer, and an event loop for this router, which runs in-process (``router.gateway``).

A *case* is one operation on one generated supergraph. Its outcome:

* ``agreed``: both references give the same answer (data equal, errors present or not alike)
  and so does the router;
* ``disagreed``: the references agree and the router does not (or it raised, or one of its
  fetch documents is invalid against its subgraph's schema);
* ``references_disagree``: Apollo Gateway and Hive Gateway answer differently; the router is
  not judged.

Worlds that do not compose, and operations that do not validate, are counted apart and are not
cases. Every disagreement is written out as a corpus case (``case.yaml``, see
``tests/router/conformance/README.md``) with the three answers beside it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from graphql import parse, validate
from hypothesis import strategies as st

from router.gateway import Gateway, GraphQLRequest
from router.subgraph_schema import subgraph_schema
from tests.router.conformance.compare import normalize
from tests.router.conformance.corpus import Operation
from tests.router.conformance.fake_subgraph import FakeSubgraphs
from tests.router.conformance.servers import ReferenceProcess, background_app
from tests.router.fuzz.model import World, case_yaml
from tests.router.fuzz.operations import operations
from tests.router.fuzz.render import render

OPERATIONS_PER_WORLD = 8
OUTCOMES = ("agreed", "disagreed", "references_disagree")


def loose(response: Any) -> dict[str, Any]:
    """What must match between gateways: the data, and whether there are errors."""
    normalized = normalize(response)
    if "not a GraphQL response" in normalized:
        return normalized
    return {"data": normalized.get("data"), "errors": bool(normalized.get("errors"))}


@dataclass
class Disagreement:
    world: World
    operation: Operation
    answers: dict[str, Any]
    reason: str
    supergraph: str = ""


@dataclass
class Tally:
    counts: Counter[str] = field(default_factory=Counter)
    disagreements: list[Disagreement] = field(default_factory=list)

    @property
    def cases(self) -> int:
        return sum(self.counts[o] for o in OUTCOMES)

    def summary(self) -> str:
        parts = [f"{self.cases} cases: agreed {self.counts['agreed']}, disagreed "
                 f"{self.counts['disagreed']}, references disagree "
                 f"{self.counts['references_disagree']}"]
        extra = {k: v for k, v in sorted(self.counts.items()) if k not in OUTCOMES}
        if extra:
            parts.append("(" + ", ".join(f"{k} {v}" for k, v in extra.items()) + ")")
        return " ".join(parts)


class Harness:
    def __init__(self, fakes: FakeSubgraphs, fakes_url: str, references: ReferenceProcess,
                 out: Path | None = None) -> None:
        self.fakes, self.fakes_url, self.references = fakes, fakes_url, references
        self.out = out
        self.client = httpx.Client(timeout=60)
        self.loop = asyncio.new_event_loop()
        self.tally = Tally()
        self.worlds = 0

    def close(self) -> None:
        self.client.close()
        self.loop.close()

    def ask(self, gateway: str, name: str, operation: Operation) -> Any:
        response = self.client.post(f"{self.references.base_url()}/{gateway}/{name}/graphql",
                                    json=operation.body())
        try:
            return response.json()
        except ValueError:
            return {"http_status": response.status_code, "body": response.text[:2000]}

    def ask_router(self, router: Gateway, operation: Operation) -> Any:
        request = GraphQLRequest(operation.query, operation.variables or {},
                                 operation.operation_name)
        return self.loop.run_until_complete(router.execute(request)).body

    def invalid_fetches(self, router: Gateway, operation: Operation,
                        schemas: dict[str, Any]) -> list[str]:
        """Messages for every fetch of the router's plan its subgraph would reject."""
        try:
            plan = router.prepare(operation.query, operation.operation_name).plan
        except Exception:  # a request error: answered, compared like any answer
            return []
        problems = []
        for fetch in plan.fetches():
            for error in validate(schemas[fetch.graph], parse(fetch.operation)):
                problems.append(f"{fetch.service}: {error.message}")
        return problems

    def run_world(self, world: World, data: st.DataObject) -> None:
        """Compose, serve and compare ``OPERATIONS_PER_WORLD`` operations on ``world``."""
        self.worlds += 1
        name = f"w{self.worlds}"
        render(world)
        case = world.case(name)
        urls = {spec.name: f"{self.fakes_url}/{name}/{spec.name}" for spec in case.subgraphs}
        composed = self.references.compose(
            [{"name": s.name, "url": urls[s.name], "sdl": s.sdl} for s in case.subgraphs])
        if "supergraphSdl" not in composed:
            self.tally.counts["worlds_not_composing"] += 1
            return
        sdl = composed["supergraphSdl"]
        self.fakes.add(case)
        try:
            started = self.references.load(name, sdl, urls)
            if any(v != "ok" for v in started.values()):
                self.tally.counts["worlds_a_reference_refused"] += 1
                return
            with self.router(sdl) as router:
                self.tally.counts["worlds"] += 1
                schemas = {g: subgraph_schema(router.supergraph, router.planner.schema, g)
                           for g in router.supergraph.subgraphs}
                ids = sorted({i for e in world.entities.values() for i in e.ids})
                for _ in range(OPERATIONS_PER_WORLD):
                    operation = data.draw(operations(router.schema, ids))
                    if operation is None:
                        self.tally.counts["operations_not_validating"] += 1
                        continue
                    self.compare(world, name, router, operation, schemas, sdl)
        finally:
            self.references.unload(name)
            self.fakes.remove(case)

    @contextlib.contextmanager
    def router(self, sdl: str) -> Iterator[Gateway]:
        router = Gateway(sdl)
        try:
            yield router
        finally:
            self.loop.run_until_complete(router.aclose())

    def compare(self, world: World, name: str, router: Gateway, operation: Operation,
                schemas: dict[str, Any], sdl: str) -> None:
        apollo = self.ask("apollo", name, operation)
        hive = self.ask("hive", name, operation)
        try:
            mine = self.ask_router(router, operation)
            problem = ""
        except Exception as error:
            mine, problem = {"raised": f"{type(error).__name__}: {error}"}, "router raised"
        invalid = self.invalid_fetches(router, operation, schemas)
        answers = {"apollo": apollo, "hive": hive, "router": mine}
        if invalid:
            problem = "invalid fetch documents: " + "; ".join(invalid)
        if loose(apollo) != loose(hive):
            self.tally.counts["references_disagree"] += 1
            if problem:
                self.record(Disagreement(world, operation, answers, problem, sdl))
            elif self.out is not None and self.tally.counts["references_disagree"] <= 200:
                folder = self.out / f"references-{self.tally.counts['references_disagree']}"
                folder.mkdir(parents=True, exist_ok=True)
                write_disagreement(Disagreement(world, operation, answers, "references", sdl),
                                   folder)
            return
        if not problem and loose(mine) == loose(apollo):
            self.tally.counts["agreed"] += 1
            return
        self.tally.counts["disagreed"] += 1
        self.record(Disagreement(world, operation, answers,
                                 problem or "router answers differently", sdl))

    def record(self, found: Disagreement) -> None:
        self.tally.disagreements.append(found)
        if self.out is None:
            return
        folder = self.out / f"disagreement-{len(self.tally.disagreements)}"
        folder.mkdir(parents=True, exist_ok=True)
        write_disagreement(found, folder)


def write_disagreement(found: Disagreement, folder: Path) -> None:
    case = found.world.case(folder.name, (Operation("op", found.operation.query,
                                                   found.operation.variables),))
    (folder / "case.yaml").write_text(case_yaml(case))
    (folder / "supergraph.graphql").write_text(found.supergraph)
    (folder / "answers.json").write_text(json.dumps(
        {"reason": found.reason, **found.answers}, indent=2, ensure_ascii=False) + "\n")


@contextlib.contextmanager
def harness(out: Path | None = None) -> Iterator[Harness]:
    """Start the fake subgraph server and the reference gateways for a run."""
    fakes = FakeSubgraphs(())
    references = ReferenceProcess([])
    try:
        with background_app(fakes.app()) as fakes_url:
            running = Harness(fakes, fakes_url, references, out)
            try:
                yield running
            finally:
                running.close()
    finally:
        references.stop()


def describe(found: Disagreement) -> str:
    case = found.world.case("found", (Operation("op", found.operation.query,
                                                found.operation.variables),))
    return (f"{found.reason}\n--- case.yaml\n{case_yaml(case)}--- answers\n"
            + json.dumps(found.answers, indent=2, ensure_ascii=False))
