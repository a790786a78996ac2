"""Write each operation's expected responses by running it through both reference gateways.

Run from the project root, then review the changed JSON files by eye before committing them::

    uv run python -m tests.router.conformance.generate_expected            # every case
    uv run python -m tests.router.conformance.generate_expected CASE ...   # some cases

For each operation it also prints whether the references agree with each other and whether the
router passes (``compare.mismatches``), which is the list to keep ``known_failures.yaml`` and
``differences.yaml`` in step with.
"""

from __future__ import annotations

import argparse
import json

from tests.router.conformance.compare import REFERENCES, loose, mismatches
from tests.router.conformance.corpus import case_by_name, load_corpus
from tests.router.conformance.runtime import corpus_servers

STABLE_SUBGRAPHS_URL = "http://fake-subgraphs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", help="case names (default: all)")
    arguments = parser.parse_args()
    cases = tuple(case_by_name(n) for n in arguments.cases) if arguments.cases else load_corpus()
    agree = disagree = 0
    with corpus_servers(cases) as servers, servers.with_references(cases):
        for case in cases:
            (case.directory / "expected").mkdir(exist_ok=True)
            for operation in case.operations:
                answers = {}
                for gateway in REFERENCES:
                    text = json.dumps(servers.run_reference(gateway, case, operation), indent=2,
                                      ensure_ascii=False) + "\n"
                    # Subgraph URLs in error extensions carry this run's port: make them stable.
                    text = text.replace(servers.subgraphs_url, STABLE_SUBGRAPHS_URL)
                    case.expected_path(operation.name, gateway).write_text(text)
                    answers[gateway] = json.loads(text)
                actual = servers.run_router(case, operation)
                same = not mismatches(case.name, operation.name, answers, actual)
                agree, disagree = agree + same, disagree + (not same)
                references = "" if loose(answers["apollo"]) == loose(answers["hive"]) \
                    else "  (the references differ)"
                print(f"{'ok  ' if same else 'DIFF'} {case.name}/{operation.name}{references}")
    print(f"{len(cases)} cases: router agrees on {agree}, differs on {disagree}")


if __name__ == "__main__":
    main()
