"""Breaking changes of the client API: the committed supergraph against a new one.

    uv run python -m schema.check                      # the supergraph main had vs the code
    uv run python -m schema.check --base HEAD~3        # any git revision, or a file
    uv run python -m schema.check --base old.graphql --new new.graphql

Both supergraphs are reduced to the API clients see (``router.api_schema``: no join machinery,
no ``@inaccessible`` elements) and compared with graphql-core's ``find_breaking_changes`` (a
removed field or type, a changed type, a new required argument...) and
``find_dangerous_changes`` (a new enum value, a changed default...). Breaking changes fail the
check (exit 1) unless listed, one per line as printed, in ``schema/accepted-breaking-changes.txt``
(the place to say "we mean it"); dangerous ones are printed only. ``make test`` runs it.

By default the base is ``schema/supergraph.graphql`` as committed where the branch left ``main``
(their merge base: on main, main itself; outside git, the file on disk) and the new one is
composed from the code now, so a branch learns what it would break before it is merged.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from graphql import GraphQLSchema, find_breaking_changes, find_dangerous_changes, parse

from router.api_schema import build_api_schema
from schema.build import SCHEMA_DIR, build_all

SUPERGRAPH = SCHEMA_DIR / "supergraph.graphql"
ACCEPTED = SCHEMA_DIR / "accepted-breaking-changes.txt"
ROOT = SCHEMA_DIR.parent


def api_schema(supergraph_sdl: str) -> GraphQLSchema:
    return build_api_schema(parse(supergraph_sdl))


def _git(*arguments: str) -> str | None:
    try:
        done = subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, text=True,
                              check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout


def _committed(revision: str) -> str | None:
    return _git("show", f"{revision}:{SUPERGRAPH.relative_to(ROOT).as_posix()}")


def _default_revision() -> str:
    """Where this branch left ``main`` (``main`` itself on main), else ``HEAD``: changes
    made on main since are not this branch's to answer for."""
    fork = _git("merge-base", "HEAD", "main")
    return fork.strip() if fork else "HEAD"


def base_sdl(base: str | None) -> tuple[str, str]:
    """The base supergraph and where it came from."""
    if base is not None:
        path = Path(base)
        if path.is_file():
            return path.read_text(), str(path)
        text = _committed(base)
        if text is None:
            raise SystemExit(f"--base {base}: neither a file nor a git revision with {SUPERGRAPH}")
        return text, f"{base}:{SUPERGRAPH.name}"
    revision = _default_revision()
    text = _committed(revision)
    if text is not None:
        return text, f"{revision[:12]}:{SUPERGRAPH.name}"
    return SUPERGRAPH.read_text(), str(SUPERGRAPH)  # not a git checkout


def describe(change: object) -> str:
    kind = getattr(change, "type", None)
    name = getattr(kind, "name", str(kind))
    return f"{name}: {getattr(change, 'description', change)}"


def accepted() -> set[str]:
    if not ACCEPTED.exists():
        return set()
    lines = (line.strip() for line in ACCEPTED.read_text().splitlines())
    return {line for line in lines if line and not line.startswith("#")}


def compare(old_sdl: str, new_sdl: str) -> tuple[list[str], list[str]]:
    """Breaking and dangerous changes from ``old_sdl`` to ``new_sdl`` (client API only)."""
    old, new = api_schema(old_sdl), api_schema(new_sdl)
    breaking = sorted(describe(c) for c in find_breaking_changes(old, new))
    dangerous = sorted(describe(c) for c in find_dangerous_changes(old, new))
    return breaking, dangerous


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m schema.check",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", help="a supergraph file or a git revision (default: main)")
    parser.add_argument("--new", help="a supergraph file (default: composed from the code)")
    args = parser.parse_args(argv)
    old_sdl, origin = base_sdl(args.base)
    new_sdl = Path(args.new).read_text() if args.new else build_all()[SUPERGRAPH]
    breaking, dangerous = compare(old_sdl, new_sdl)
    known = accepted()
    refused = [change for change in breaking if change not in known]
    for change in dangerous:
        print(f"dangerous: {change}")
    for change in breaking:
        print(f"{'breaking (accepted)' if change in known else 'BREAKING'}: {change}")
    new_origin = args.new or "the code"
    print(f"schema check: {origin} -> {new_origin}: {len(breaking)} breaking "
          f"({len(refused)} not accepted), {len(dangerous)} dangerous")
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
