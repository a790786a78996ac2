"""``make schema``: write each subgraph's SDL and the composed supergraph into ``schema/``.

uv run python -m schema           # write the files
uv run python -m schema --check   # exit 1 if the committed files differ from the code
"""

from __future__ import annotations

import sys

from schema.build import build_all, changed_files, write_all


def main(argv: list[str]) -> int:
    files = build_all()
    if "--check" in argv:
        stale = changed_files(files)
        for path in stale:
            print(f"out of date: {path} (run `make schema`)")
        return 1 if stale else 0
    for path in write_all(files):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
