"""A long generative differential run: ``python -m tests.router.fuzz --cases 20000``.

Prints how many cases (operations on generated supergraphs) agreed, disagreed, and how many the
two references themselves answered differently; every disagreement is written under ``--out``
as a corpus case with the three answers (``answers.json``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from tests.router.fuzz.blocks import worlds
from tests.router.fuzz.harness import Harness, harness
from tests.router.fuzz.model import World

WORLDS_PER_ROUND = 50


def run_round(running: Harness, round_seed: int, count: int) -> None:
    """Generate ``count`` worlds from ``round_seed`` (hypothesis: generation only, no shrinking:
    a long run reports every finding instead of stopping at the first)."""

    @seed(round_seed)
    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(world=worlds(), data=st.data())
    def one(world: World, data: st.DataObject) -> None:
        running.run_world(world, data)

    one()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000, help="stop after this many cases")
    parser.add_argument("--seed", type=int, default=1, help="seed of the first round")
    parser.add_argument("--out", type=Path, default=Path("var/fuzz"),
                        help="where disagreements are written (default: var/fuzz)")
    arguments = parser.parse_args()
    started = time.monotonic()
    with harness(arguments.out) as running:
        round_seed = arguments.seed
        while running.tally.cases < arguments.cases:
            run_round(running, round_seed, WORLDS_PER_ROUND)
            round_seed += 1
            print(f"[{time.monotonic() - started:.0f} s, {running.tally.counts['worlds']} "
                  f"supergraphs] {running.tally.summary()}", flush=True)
    print(f"seeds {arguments.seed}..{round_seed - 1}: {running.tally.summary()} "
          f"in {time.monotonic() - started:.0f} s")
    if running.tally.disagreements:
        print(f"disagreements written under {arguments.out}/")


if __name__ == "__main__":
    main()
