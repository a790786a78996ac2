"""Session fixtures for the conformance corpus: servers started once for every test.

``corpus`` serves the fake subgraphs and one router per case. ``apollo`` adds Apollo Gateway
(one node process for all cases); without node/npm it skips locally and fails when CI=true.
When the session will need Apollo Gateway, its start begins together with ``corpus`` so that
the seconds it takes overlap with the tests that do not need it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.router.conformance.corpus import load_corpus
from tests.router.conformance.runtime import CorpusServers, corpus_servers
from tests.router.conformance.servers import ApolloProcess, ApolloUnavailable

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
_NEEDS_APOLLO = pytest.StashKey[bool]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    config.stash[_NEEDS_APOLLO] = any(
        "apollo" in getattr(item, "fixturenames", ()) for item in items)


@pytest.fixture(scope="session")
def corpus(request: pytest.FixtureRequest) -> Iterator[CorpusServers]:
    with corpus_servers(load_corpus()) as servers:
        process = None
        if request.config.stash.get(_NEEDS_APOLLO, False):
            process = servers.start_apollo(load_corpus())
        servers.apollo_process = process
        try:
            yield servers
        finally:
            if process is not None:
                process.stop()


@pytest.fixture(scope="session")
def apollo(corpus: CorpusServers) -> CorpusServers:
    process: ApolloProcess | None = corpus.apollo_process
    try:
        if process is None:
            raise ApolloUnavailable("Apollo Gateway was not started for this session")
        corpus.use_apollo(process)
    except ApolloUnavailable as problem:
        if IN_CI:
            pytest.fail(f"{problem}; CI=true requires the differential test to run")
        pytest.skip(str(problem))
    return corpus
