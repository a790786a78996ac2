"""Write each operation's expected response by running it through Apollo Gateway.

Run from the project root, then review the changed JSON files by eye before committing them::

    uv run python -m tests.router.conformance.generate_expected            # every case
    uv run python -m tests.router.conformance.generate_expected CASE ...   # some cases

For each operation it also prints whether the router currently agrees, which is the list to keep
``known_failures.yaml`` in step with.
"""

from __future__ import annotations

import argparse
import json

from tests.router.conformance.compare import normalize, relaxations, router_reference
from tests.router.conformance.corpus import case_by_name, load_corpus
from tests.router.conformance.runtime import corpus_servers

STABLE_SUBGRAPHS_URL = "http://fake-subgraphs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", help="case names (default: all)")
    arguments = parser.parse_args()
    cases = tuple(case_by_name(n) for n in arguments.cases) if arguments.cases else load_corpus()
    agree = disagree = 0
    with corpus_servers(cases) as servers, servers.with_apollo(cases):
        for case in cases:
            (case.directory / "expected").mkdir(exist_ok=True)
            for operation in case.operations:
                expected = servers.run_apollo(case, operation)
                path = case.expected_path(operation.name)
                text = json.dumps(expected, indent=2, ensure_ascii=False) + "\n"
                # Subgraph URLs quoted in error extensions carry this run's port: make them stable.
                path.write_text(text.replace(servers.subgraphs_url, STABLE_SUBGRAPHS_URL))
                expected = router_reference(case.name, operation.name, expected)
                actual = servers.run_router(case, operation)
                ignore = relaxations(case.name, operation.name)
                same = normalize(expected, ignore) == normalize(actual, ignore)
                agree, disagree = agree + same, disagree + (not same)
                print(f"{'ok  ' if same else 'DIFF'} {case.name}/{operation.name}")
    print(f"{len(cases)} cases: router agrees on {agree}, differs on {disagree}")


if __name__ == "__main__":
    main()
