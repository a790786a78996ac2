"""Session fixtures for the conformance corpus: servers started once for every test.

``corpus`` serves the fake subgraphs and one router per case. ``references`` adds the reference
gateways, Apollo Gateway and Hive Gateway (one node process for all cases); without node/npm it
skips locally and fails when CI=true. When the session will need them, their start begins
together with ``corpus`` so that the seconds it takes overlap with the tests that do not.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.router.conformance.corpus import load_corpus
from tests.router.conformance.runtime import CorpusServers, corpus_servers
from tests.router.conformance.servers import ReferenceProcess, ReferencesUnavailable

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
_NEEDS_REFERENCES = pytest.StashKey[bool]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    config.stash[_NEEDS_REFERENCES] = any(
        "references" in getattr(item, "fixturenames", ()) for item in items)


@pytest.fixture(scope="session")
def corpus(request: pytest.FixtureRequest) -> Iterator[CorpusServers]:
    with corpus_servers(load_corpus()) as servers:
        process = None
        if request.config.stash.get(_NEEDS_REFERENCES, False):
            process = servers.start_references(load_corpus())
        servers.references_process = process
        try:
            yield servers
        finally:
            if process is not None:
                process.stop()


@pytest.fixture(scope="session")
def references(corpus: CorpusServers) -> CorpusServers:
    process: ReferenceProcess | None = corpus.references_process
    try:
        if process is None:
            raise ReferencesUnavailable("the reference gateways were not started for this session")
        corpus.use_references(process)
    except ReferencesUnavailable as problem:
        if IN_CI:
            pytest.fail(f"{problem}; CI=true requires the differential test to run")
        pytest.skip(str(problem))
    return corpus
