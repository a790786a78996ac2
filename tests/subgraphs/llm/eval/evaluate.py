"""``make eval-builds``: how often buildFromConcept's proposals are legal, and how well they fit.

    uv run python -m tests.subgraphs.llm.eval.evaluate [--cases FILE] [--verbose]

Starts an embedded stack of its own (free ports, a throw-away ``VAR_DIR``, no model
configured: the offline planner), registers a user, and asks the router for
``buildFromConcept`` on every concept of ``concepts.yaml`` (or ``--cases holdout.yaml``, the set
never inspected while tuning). For each proposal it runs ``rules.validate`` itself on the
returned document, and for the first proposal it counts the expected class, species and
background the case names (recall of each, and overall).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from rules.validation import validate_data
from tests.e2e.isolated import isolated_stack

EVALUATION_SET = Path(__file__).with_name("concepts.yaml")
BUILD = """mutation($input: BuildFromConceptInput!) {
  buildFromConcept(input: $input) {
    proposals { summary document spells reasons { part choice slug } source }
    userErrors { path code message }
  }
}"""
REGISTER = """mutation($input: RegisterInput!) { register(input: $input) { accessToken } }"""
FIELDS = ("class", "species", "background")


@dataclass
class Tally:
    proposals: int = 0
    valid: int = 0
    refused: list[str] = field(default_factory=list)
    expected: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    found: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    misses: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


def chosen(proposal: dict[str, Any]) -> dict[str, str]:
    document = proposal["document"]
    return {
        "class": document["classes"][0]["class"],
        "species": document["identity"]["species"],
        "background": document["background"]["name"].lower(),
    }


async def evaluate(cases: list[dict[str, Any]], verbose: bool) -> Tally:
    tally = Tally()
    with tempfile.TemporaryDirectory() as var_dir:
        async with isolated_stack(Path(var_dir)) as stack, httpx.AsyncClient(timeout=60) as http:

            async def post(query: str, variables: dict[str, Any], token: str | None = None) -> Any:
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                response = await http.post(
                    stack.router_url, json={"query": query, "variables": variables}, headers=headers
                )
                body = response.json()
                if "errors" in body:
                    raise RuntimeError(body["errors"])
                return body["data"]

            account = {
                "email": f"eval-{uuid.uuid4().hex[:8]}@example.org",
                "password": "an evaluation passphrase 42",
                "displayName": "Evaluator",
            }
            token = (await post(REGISTER, {"input": account}))["register"]["accessToken"]
            for case in cases:
                started = time.perf_counter()
                level = int(case.get("level", 1))
                answer = (
                    await post(
                        BUILD, {"input": {"concept": case["concept"], "level": level}}, token
                    )
                )["buildFromConcept"]
                tally.seconds.append(time.perf_counter() - started)
                if answer["userErrors"] or not answer["proposals"]:
                    tally.refused.append(f"{case['concept']}: {answer['userErrors']}")
                    continue
                for proposal in answer["proposals"]:
                    tally.proposals += 1
                    errors = validate_data(proposal["document"])
                    tally.valid += not errors
                    levels = sum(c["level"] for c in proposal["document"]["classes"])
                    if errors or levels != level:
                        tally.misses.append(f"INVALID {case['concept']}: {errors or levels}")
                got = chosen(answer["proposals"][0])
                for name, wanted in (case.get("expect") or {}).items():
                    tally.expected[name] += 1
                    if got[name] == wanted:
                        tally.found[name] += 1
                    else:
                        tally.misses.append(
                            f"{name}: {case['concept']!r} -> {got[name]} (want {wanted})"
                        )
                if verbose:
                    print(f"{case['concept']!r} L{level}: {answer['proposals'][0]['summary']}")
    return tally


def report(tally: Tally, cases: int) -> str:
    lines = [f"concepts: {cases}, proposals: {tally.proposals}, refused: {len(tally.refused)}"]
    share = tally.valid / tally.proposals if tally.proposals else 0.0
    lines.append(f"valid (rules.validate accepts): {tally.valid}/{tally.proposals} = {share:.3f}")
    for name in FIELDS:
        expected, found = tally.expected[name], tally.found[name]
        if expected:
            lines.append(f"recall {name}: {found}/{expected} = {found / expected:.3f}")
    total_expected, total_found = sum(tally.expected.values()), sum(tally.found.values())
    if total_expected:
        lines.append(
            f"recall overall: {total_found}/{total_expected} = {total_found / total_expected:.3f}"
        )
    if tally.seconds:
        ordered = sorted(tally.seconds)
        p50, p95 = ordered[len(ordered) // 2], ordered[int(len(ordered) * 0.95) - 1]
        lines.append(
            "latency per buildFromConcept through the router: "
            f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=EVALUATION_SET)
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument(
        "--summary", action="store_true", help="figures only, no misses (for the held-out set)"
    )
    arguments = parser.parse_args()
    logging.disable(logging.WARNING)  # the catalog's data-gap notes and access logs
    cases = yaml.safe_load(arguments.cases.read_text())
    tally = asyncio.run(evaluate(cases, arguments.verbose))
    print(f"evaluation set: {arguments.cases.name}")
    print(report(tally, len(cases)))
    if not arguments.summary:
        for miss in tally.misses + tally.refused:
            print(f"  {miss}")
    return 0 if tally.proposals and tally.valid == tally.proposals else 1


if __name__ == "__main__":
    sys.exit(main())
