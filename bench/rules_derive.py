"""Rules-engine benchmark: full derivation of every sheet in ``rules/examples``.

    uv run python -m bench.rules_derive [--rounds N] [--baseline REV] [--profile]

Each example is parsed once (not timed); then ``rules.derive.derive`` runs ``--rounds`` times per
sheet, the sheets interleaved round by round so machine noise falls evenly on all of them. It
prints per sheet the median and p99 of one derivation (breakdowns included) and of derivation
plus ``derived_to_dict`` (what ``python -m rules derive`` prints), then the same over all
sheets. Derivation is timed by the wall clock, by the process's CPU time, which leaves out the
time other processes on a shared machine take the core away (the p99 of the wall clock is
mostly that on a busy machine), and cold: with every memo of ``rules`` emptied and a fresh copy
of the sheet before each call, so nothing learnt from earlier calls helps; and fresh: every
call derives a different character (each example with its ability scores dealt anew, so the
memos help only where characters really share inputs). ``--baseline REV`` runs the same
measurement on the ``rules`` package of another git revision (exported to a temporary
directory, run in a subprocess) and prints the ratio.
``--profile`` prints a cProfile of the derivations instead.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import gc
import json
import platform
import pstats
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "rules" / "examples"


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _clear_caches() -> None:
    """Empty every memo in ``rules`` (``functools.lru_cache``), for a cold derivation."""
    for name, module in list(sys.modules.items()):
        if name == "rules" or name.startswith("rules."):
            for value in vars(module).values():
                clear = getattr(value, "cache_clear", None)
                if callable(clear):
                    clear()


def _variants(sheet: Any, count: int, seed: int) -> list[Any]:
    """``count`` different characters from one example: its base scores shuffled and moved
    by -1..+1 each, and its name changed (all else as the example)."""
    import random

    from rules.enums import Ability

    rng = random.Random(seed)
    result = []
    for n in range(count):
        values = [sheet.abilities.base[a] + rng.randint(-1, 1) for a in Ability]
        rng.shuffle(values)
        abilities = dataclasses.replace(sheet.abilities, base=dict(zip(Ability, values,
                                                                       strict=True)))
        identity = dataclasses.replace(sheet.identity, name=f"{sheet.identity.name} {n}")
        result.append(dataclasses.replace(sheet, abilities=abilities, identity=identity))
    return result


def measure_fresh(rounds: int) -> dict[str, list[float]]:
    """CPU seconds per derivation when every call is a different character."""
    from rules.derive import derive
    from rules.parse import parse_sheet

    sheets = {path.stem: parse_sheet(json.loads(path.read_text()))
              for path in sorted(EXAMPLES.glob("*.json"))}
    for sheet in sheets.values():  # warm-up on the examples themselves
        for _ in range(20):
            derive(sheet)
    variants = {name: _variants(sheet, rounds, hash(name) & 0xFFFF)
                for name, sheet in sheets.items()}
    times: dict[str, list[float]] = {name: [] for name in sheets}
    clock = time.process_time
    for index in range(rounds):
        for name, pool in variants.items():
            started = clock()
            derive(pool[index])
            times[name].append(clock() - started)
    return times


def measure(rounds: int, with_json: bool, examples: Path = EXAMPLES,
            cpu: bool = False, cold: bool = False) -> dict[str, list[float]]:
    """Seconds per call, per example file name (runs on whichever ``rules`` is importable).

    ``cpu``: this process's CPU time instead of wall-clock time, so that time spent
    descheduled by other processes on a shared machine does not count. ``cold``: every memo
    emptied and a fresh copy of the sheet before each derivation (nothing carried over).
    """
    from rules.derive import derive
    from rules.parse import parse_sheet

    sheets = {path.stem: parse_sheet(json.loads(path.read_text()))
              for path in sorted(examples.glob("*.json"))}
    call: Callable[[Any], Any] = derive
    if with_json:
        from rules.serialize import derived_to_dict

        def call(sheet: Any) -> Any:
            return derived_to_dict(derive(sheet))

    for sheet in sheets.values():  # warm-up: caches, first-call costs
        for _ in range(20):
            call(sheet)
    gc.collect()
    gc.freeze()  # what start-up built is not walked by every collection (as in the servers)
    times: dict[str, list[float]] = {name: [] for name in sheets}
    clock = time.process_time if cpu else time.perf_counter
    for _ in range(rounds):
        for name, sheet in sheets.items():
            if cold:
                _clear_caches()
                sheet = dataclasses.replace(sheet)  # no per-sheet cached properties either
            started = clock()
            call(sheet)
            times[name].append(clock() - started)
    return times


def _report(title: str, times: dict[str, list[float]]) -> dict[str, float]:
    print(f"\n{title}")
    print(f"  {'sheet':40s} {'median µs':>10s} {'p99 µs':>10s}")
    for name, values in times.items():
        print(f"  {name:40s} {statistics.median(values) * 1e6:10.1f} "
              f"{_percentile(values, 0.99) * 1e6:10.1f}")
    medians = [statistics.median(v) for v in times.values()]
    every = [t for values in times.values() for t in values]
    summary = {"median_of_medians": statistics.median(medians), "worst_median": max(medians),
               "p99_all": _percentile(every, 0.99), "worst_p99": max(
                   _percentile(v, 0.99) for v in times.values())}
    print(f"  {'all sheets: median of medians':40s} {summary['median_of_medians'] * 1e6:10.1f}")
    print(f"  {'all sheets: worst median / worst p99':40s} {summary['worst_median'] * 1e6:10.1f} "
          f"{summary['worst_p99'] * 1e6:10.1f}")
    print(f"  {'all sheets: p99 of every call':40s} {'':10s} {summary['p99_all'] * 1e6:10.1f}")
    return summary


_BASELINE_SCRIPT = """
import json, statistics, sys
from pathlib import Path
sys.path[:0] = [sys.argv[1], sys.argv[2]]  # the other revision's rules first, then this bench
from bench.rules_derive import measure
times = measure(int(sys.argv[3]), False, Path(sys.argv[1]) / "rules" / "examples")
print(json.dumps({name: statistics.median(values) for name, values in times.items()}))
"""


def _baseline(rev: str, rounds: int) -> dict[str, float]:
    """Median seconds per sheet for another revision's ``rules`` package, in a subprocess."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "rules"],
                             check=True, capture_output=True).stdout
    with tempfile.TemporaryDirectory() as scratch:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(scratch, filter="data")
        out = subprocess.run(
            [sys.executable, "-c", _BASELINE_SCRIPT, scratch, str(ROOT), str(rounds)],
            check=True, capture_output=True, text=True, cwd=scratch,
        ).stdout
    result: dict[str, float] = json.loads(out)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rules_derive")
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--baseline", help="git revision to compare with, e.g. main")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    print(f"python {platform.python_version()} on {platform.machine()}, "
          f"{len(list(EXAMPLES.glob('*.json')))} example sheets, {args.rounds} rounds")
    if args.profile:
        from rules.derive import derive
        from rules.parse import parse_sheet

        sheets = [parse_sheet(json.loads(p.read_text())) for p in sorted(EXAMPLES.glob("*.json"))]
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.rounds // 10 or 1):
            for sheet in sheets:
                derive(sheet)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        return 0
    derive_summary = _report("derive(sheet), wall clock", measure(args.rounds, False))
    _report("derive(sheet), CPU time of this process", measure(args.rounds, False, cpu=True))
    _report("derive(sheet), fresh: every call a different character, CPU time",
            measure_fresh(args.rounds // 2))
    _report("derive(sheet), cold: every memo emptied first, CPU time",
            measure(args.rounds // 4, False, cpu=True, cold=True))
    _report("derive(sheet) + derived_to_dict, wall clock", measure(args.rounds // 2, True))
    if args.baseline:
        base = _baseline(args.baseline, args.rounds // 2)
        theirs = statistics.median(list(base.values()))
        print(f"\nbaseline {args.baseline} (same machine, same run): median of medians "
              f"{theirs * 1e6:.1f} µs; this tree is "
              f"{theirs / derive_summary['median_of_medians']:.2f}x as fast")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
